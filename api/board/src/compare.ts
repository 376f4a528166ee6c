/** Differences between two plans, and readable lines for the optimize-today diff. No DOM here. */
import { clockTime, toMs } from './time.ts';
import type { BoardKpis, BoardRoute, BoardView, DiffEntry } from './types.ts';

interface KpiDelta {
  key: keyof BoardKpis;
  label: string;
  a: number;
  b: number;
  delta: number;
  /** Whether a rise is an improvement (for the arrow's wording, not its colour). */
  higherIsBetter: boolean;
}

/** The KPIs every plan carries (the optional ones are shown only where present). */
type RequiredKpi = { [K in keyof BoardKpis]-?: undefined extends BoardKpis[K] ? never : K }[keyof BoardKpis];

export const KPI_LABELS: { key: RequiredKpi; label: string; higherIsBetter: boolean; unit: string }[] = [
  { key: 'jobsPlanned', label: 'Jobs planned', higherIsBetter: true, unit: '' },
  { key: 'demandCoveredPct', label: 'Demand covered', higherIsBetter: true, unit: '%' },
  { key: 'travelHours', label: 'Travel', higherIsBetter: false, unit: 'h' },
  { key: 'serviceHours', label: 'Service', higherIsBetter: true, unit: 'h' },
  { key: 'utilisationPct', label: 'Utilisation', higherIsBetter: true, unit: '%' },
  { key: 'overtimeHours', label: 'Overtime', higherIsBetter: false, unit: 'h' },
  { key: 'onTimeRisk', label: 'On-time risk', higherIsBetter: false, unit: '' },
  { key: 'techniciansUsed', label: 'Technicians used', higherIsBetter: false, unit: '' },
];

interface Placement {
  technicianIds: string[];
  start: string;
  end: string;
}

interface JobChange {
  serviceJobId: string;
  a: Placement | null;
  b: Placement | null;
  kind: 'reassigned' | 'rescheduled' | 'added' | 'dropped';
}

/**
 * A visit of plan `a` that plan `b` does not re-plan because it had already started (or is
 * finished) when `b` was made: it is kept as it happened, not dropped. Optimize-today leaves
 * such visits out of its new plan, for instance those of a technician who then went home sick.
 */
interface KeptVisit {
  serviceJobId: string;
  a: Placement;
  state: 'done' | 'under way';
}

export interface BoardComparison {
  kpis: KpiDelta[];
  changes: JobChange[];
  unchanged: number;
  kept: KeptVisit[];
}

function placements(view: BoardView): Map<string, Placement> {
  const out = new Map<string, Placement>();
  for (const r of view.routes) {
    for (const s of r.stops)
      out.set(s.serviceJobId, { technicianIds: [...r.technicianIds].sort(), start: s.start, end: s.end });
  }
  return out;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/**
 * Plan `a` against plan `b`: KPI deltas (b − a) and each job whose placement differs. A visit
 * of `a` missing from `b` is dropped only when `b` leaves it out with a reason, or when it had
 * not started by `b`'s time; one already under way or done then is kept (see KeptVisit).
 */
export function compareBoards(a: BoardView, b: BoardView): BoardComparison {
  const pa = placements(a);
  const pb = placements(b);
  const ids = [...new Set([...pa.keys(), ...pb.keys()])].sort();
  const changes: JobChange[] = [];
  const kept: KeptVisit[] = [];
  let unchanged = 0;
  const leftOut = new Set(b.unassigned.map((u) => u.serviceJobId));
  const now = toMs(b.now);
  for (const id of ids) {
    const x = pa.get(id) ?? null;
    const y = pb.get(id) ?? null;
    if (x && y) {
      if (x.technicianIds.join(',') !== y.technicianIds.join(',')) {
        changes.push({ serviceJobId: id, a: x, b: y, kind: 'reassigned' });
      } else if (x.start !== y.start) {
        changes.push({ serviceJobId: id, a: x, b: y, kind: 'rescheduled' });
      } else {
        unchanged += 1;
      }
    } else if (y) {
      changes.push({ serviceJobId: id, a: null, b: y, kind: 'added' });
    } else if (x && !leftOut.has(id) && toMs(x.start) <= now) {
      kept.push({ serviceJobId: id, a: x, state: toMs(x.end) <= now ? 'done' : 'under way' });
    } else {
      changes.push({ serviceJobId: id, a: x, b: null, kind: 'dropped' });
    }
  }
  // The visits `b` keeps as they were are planned jobs of the day all the same: counted on its
  // side, so keeping a sick technician's morning is not read as jobs lost.
  const ka = a.kpis;
  const bKpis = b.kpis === null ? null : { ...b.kpis };
  if (bKpis !== null && kept.length > 0) {
    bKpis.jobsPlanned += kept.length;
    bKpis.jobsInScope += kept.length;
    bKpis.demandCoveredPct =
      bKpis.jobsInScope > 0 ? Math.round((1000 * bKpis.jobsPlanned) / bKpis.jobsInScope) / 10 : 100;
  }
  // A plan stored without KPIs (a run that failed after solving) has no deltas to show.
  const kpis =
    ka === null || bKpis === null
      ? []
      : KPI_LABELS.map(({ key, label, higherIsBetter }) => ({
          key,
          label,
          a: ka[key],
          b: bKpis[key],
          delta: round2(bKpis[key] - ka[key]),
          higherIsBetter,
        }));
  return { kpis, changes, unchanged, kept };
}

/**
 * The proposal `b` as the board shows it: with the visits of `a` it keeps as they were (done or
 * under way, see KeptVisit) put back on their technician's row, marked as kept, so the morning
 * of a technician gone sick still shows. Stops are renumbered by start; KPIs stay the server's.
 */
export function withKeptVisits(a: BoardView, b: BoardView, comparison = compareBoards(a, b)): BoardView {
  if (comparison.kept.length === 0) return b;
  const state = new Map(comparison.kept.map((k) => [k.serviceJobId, k.state]));
  const routes: BoardRoute[] = b.routes.map((r) => ({ ...r, stops: [...r.stops], blocks: [...r.blocks] }));
  for (const from of a.routes) {
    const stops = from.stops.filter((st) => state.has(st.serviceJobId));
    if (stops.length === 0) continue;
    const ids = new Set(stops.map((st) => st.serviceJobId));
    const crew = [...from.technicianIds].sort().join(',');
    let into = routes.find((r) => [...r.technicianIds].sort().join(',') === crew);
    if (!into) {
      into = { ...from, routeId: `${from.routeId} (kept)`, stops: [], blocks: [] };
      routes.push(into);
    }
    into.stops.push(...stops.map((st) => ({ ...st, kept: state.get(st.serviceJobId)! })));
    // The visit itself and the travel that led to it.
    for (const [i, blk] of from.blocks.entries()) {
      const next = from.blocks[i + 1];
      const isVisit = blk.kind === 'service' && blk.serviceJobId !== undefined && ids.has(blk.serviceJobId);
      const leadsTo =
        blk.kind === 'travel' &&
        next?.kind === 'service' &&
        next.serviceJobId !== undefined &&
        ids.has(next.serviceJobId);
      if (isVisit || leadsTo) into.blocks.push(blk);
    }
  }
  for (const r of routes) {
    r.stops.sort((x, y) => toMs(x.start) - toMs(y.start));
    r.stops = r.stops.map((st, i) => ({ ...st, seq: i + 1 }));
    r.blocks.sort((x, y) => toMs(x.start) - toMs(y.start));
  }
  return { ...b, routes };
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/;

function describeValue(value: unknown, timeZone: string, names?: ReadonlyMap<string, string>): string {
  if (typeof value === 'string')
    return ISO_INSTANT.test(value) ? clockTime(value, timeZone) : (names?.get(value) ?? value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value)) return value.map((v) => describeValue(v, timeZone, names)).join(', ');
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.start === 'string' && typeof o.end === 'string') {
      return `${describeValue(o.start, timeZone)}–${describeValue(o.end, timeZone)}`;
    }
    return Object.entries(o)
      .map(([k, v]) => `${k} ${describeValue(v, timeZone, names)}`)
      .join(', ');
  }
  return '';
}

/**
 * One line for an entry of the server's diff: its job id, then every other field it carries
 * (times shown in the store's zone), so new fields show up without a page change.
 */
export function describeDiffEntry(
  entry: DiffEntry,
  timeZone: string,
  /** Technicians' and stores' names by id: a value that is a known id is shown by its name. */
  names?: ReadonlyMap<string, string>,
): string {
  const rest = Object.entries(entry)
    .filter(([k]) => k !== 'serviceJobId')
    .map(([k, v]) => `${k}: ${describeValue(v, timeZone, names)}`);
  return rest.length > 0 ? `${entry.serviceJobId} — ${rest.join('; ')}` : entry.serviceJobId;
}
