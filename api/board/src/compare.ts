/** Differences between two plans, and readable lines for the optimize-today diff. No DOM here. */
import { clockTime, toMs } from './time.ts';
import type { BoardKpis, BoardView, DiffEntry } from './types.ts';

export interface KpiDelta {
  key: keyof BoardKpis;
  label: string;
  a: number;
  b: number;
  delta: number;
  /** Whether a rise is an improvement (for the arrow's wording, not its colour). */
  higherIsBetter: boolean;
}

export const KPI_LABELS: { key: keyof BoardKpis; label: string; higherIsBetter: boolean; unit: string }[] = [
  { key: 'jobsPlanned', label: 'Jobs planned', higherIsBetter: true, unit: '' },
  { key: 'demandCoveredPct', label: 'Demand covered', higherIsBetter: true, unit: '%' },
  { key: 'travelHours', label: 'Travel', higherIsBetter: false, unit: 'h' },
  { key: 'serviceHours', label: 'Service', higherIsBetter: true, unit: 'h' },
  { key: 'utilisationPct', label: 'Utilisation', higherIsBetter: true, unit: '%' },
  { key: 'overtimeHours', label: 'Overtime', higherIsBetter: false, unit: 'h' },
  { key: 'onTimeRisk', label: 'On-time risk', higherIsBetter: false, unit: '' },
  { key: 'techniciansUsed', label: 'Technicians used', higherIsBetter: false, unit: '' },
];

export interface Placement {
  technicianIds: string[];
  start: string;
  end: string;
}

export interface JobChange {
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
export interface KeptVisit {
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
  const kpis = KPI_LABELS.map(({ key, label, higherIsBetter }) => ({
    key,
    label,
    a: a.kpis[key],
    b: b.kpis[key],
    delta: round2(b.kpis[key] - a.kpis[key]),
    higherIsBetter,
  }));
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
  return { kpis, changes, unchanged, kept };
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/;

function describeValue(value: unknown, timeZone: string): string {
  if (typeof value === 'string') return ISO_INSTANT.test(value) ? clockTime(value, timeZone) : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value)) return value.map((v) => describeValue(v, timeZone)).join(', ');
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.start === 'string' && typeof o.end === 'string') {
      return `${describeValue(o.start, timeZone)}–${describeValue(o.end, timeZone)}`;
    }
    return Object.entries(o)
      .map(([k, v]) => `${k} ${describeValue(v, timeZone)}`)
      .join(', ');
  }
  return '';
}

/**
 * One line for an entry of the server's diff: its job id, then every other field it carries
 * (times shown in the store's zone), so new fields show up without a page change.
 */
export function describeDiffEntry(entry: DiffEntry, timeZone: string): string {
  const rest = Object.entries(entry)
    .filter(([k]) => k !== 'serviceJobId')
    .map(([k, v]) => `${k}: ${describeValue(v, timeZone)}`);
  return rest.length > 0 ? `${entry.serviceJobId} — ${rest.join('; ')}` : entry.serviceJobId;
}
