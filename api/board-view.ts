/**
 * The board view of a stored plan (see the API contract): per technician the route with
 * its stops, blocks (travel, wait, service, break) and risk, the jobs left out with their
 * reasons, KPIs and the bounds of everything drawn. Points are postal-code centroids for
 * every scope; the buyer's name and address are added only when the caller may see them.
 */
import type { PlanningConfig } from '../src/config/index.ts';
import { PostalCodeGeocoder } from '../src/geo/index.ts';
import type { PlanningIssue } from '../src/pipeline/issues.ts';
import type { Plan } from '../src/pipeline/plan.ts';
import { setupFromConfig } from '../src/pipeline/setup-from-config.ts';
import type { ReportKpis } from '../src/report/plan-report.ts';
import type { PlanRecord, StoredServiceJob } from '../src/store/index.ts';

export interface Window {
  start: string;
  end: string;
}

export interface BoardStop {
  seq: number;
  serviceJobId: string;
  lat: number;
  lon: number;
  arrival: string;
  start: string;
  end: string;
  window: Window | null;
  skills: string[];
  risk: 'ok' | 'at-risk' | 'late';
  buyer?: { name: string; address: string };
}

export interface BoardRoute {
  routeId: string;
  technicianIds: string[];
  shift: Window;
  travelMinutes: number;
  serviceMinutes: number;
  overtimeMinutes: number;
  utilisationPct: number;
  stops: BoardStop[];
  blocks: {
    kind: 'travel' | 'service' | 'break' | 'wait';
    start: string;
    end: string;
    serviceJobId?: string;
  }[];
}

export interface BoardView {
  planId: string;
  status: string;
  storeId: string;
  date: string;
  timeZone: string;
  generatedAt: string;
  now: string;
  kpis: ReportKpis | null;
  bounds: [number, number, number, number];
  technicians: {
    resourceId: string;
    name: string;
    skills: string[];
    home: { lat: number; lon: number };
    shift: Window | null;
    territory?: unknown;
  }[];
  routes: BoardRoute[];
  unassigned: {
    serviceJobId: string;
    code: string;
    reason: string;
    lat?: number;
    lon?: number;
    window?: Window | null;
    skills: string[];
  }[];
}

/** Arrival less than this before the window closes counts as at risk (as in the report). */
const AT_RISK_MS = 15 * 60_000;

const REASONS: Record<string, string> = {
  NO_SKILLED_TECHNICIAN: 'no technician on shift has every required skill',
  NO_TEAM_LARGE_ENOUGH: 'no crew is large enough for the job',
  OUTSIDE_TERRITORY: 'outside every suitable technician’s territory',
  PIN_UNSATISFIABLE: 'the fixed time or technician cannot be kept',
  EXCEEDS_CAPACITY: 'exceeds every vehicle’s capacity',
  NO_WINDOW_FITS: 'fits in no suitable technician’s day within its window',
  DISPLACED: 'fits alone, but more valuable work took the time',
};

const iso = (ms: number): string => new Date(ms).toISOString();
const minutes = (ms: number): number => Math.round(ms / 60_000);
const round1 = (x: number): number => Math.round(x * 10) / 10;

export interface BoardInput {
  record: PlanRecord;
  plan: Plan;
  config: PlanningConfig;
  storeId: string;
  date: string;
  jobs: ReadonlyMap<string, StoredServiceJob>;
  now: Date;
  withPersonal: boolean;
  issues?: readonly PlanningIssue[] | undefined;
}

const geocoder = new PostalCodeGeocoder();

async function centroid(
  postalCode: string | null | undefined,
): Promise<{ lat: number; lon: number } | undefined> {
  if (postalCode === null || postalCode === undefined || postalCode === '') return undefined;
  const r = await geocoder.geocode({ postalCode });
  return r.ok ? { lat: r.lat, lon: r.lon } : undefined;
}

function formatAddress(job: StoredServiceJob): string {
  const a = job.personal?.serviceAddress as Record<string, string | undefined> | null | undefined;
  if (a === null || a === undefined) return '';
  return [
    a['addressLine1'],
    a['addressLine2'],
    a['city'],
    [a['stateOrRegion'], a['postalCode']].filter(Boolean).join(' '),
  ]
    .filter((x) => x !== undefined && x !== '')
    .join(', ');
}

export async function buildBoardView(input: BoardInput): Promise<BoardView> {
  const { plan, config, storeId, date, jobs } = input;
  const store = config.stores.find((s) => s.storeId === storeId);
  const timeZone = store?.timeZone ?? 'UTC';
  const setup = setupFromConfig(config, { date, days: 1, storeIds: [storeId] });
  const windows = new Map(
    plan.appointments.map((a) => [
      a.serviceJobId,
      { start: a.time.start, end: a.time.start + a.time.minutes * 60_000 },
    ]),
  );
  const arrivalReading = config.planning.appointmentTime === 'arrival-window';
  const points: { lat: number; lon: number }[] = [];
  const pointOf = async (id: string): Promise<{ lat: number; lon: number } | undefined> => {
    const p = await centroid(jobs.get(id)?.personal?.serviceAddress?.postalCode);
    if (p !== undefined) points.push(p);
    return p;
  };

  const routes: BoardRoute[] = [];
  for (const r of plan.routes) {
    if (r.day !== date) continue;
    if (!r.stops.some((s) => s.storeId === storeId)) continue;
    const stops: BoardStop[] = [];
    const blocks: BoardRoute['blocks'] = [];
    for (const [i, s] of r.stops.entries()) {
      const job = jobs.get(s.serviceJobId);
      const p = (await pointOf(s.serviceJobId)) ?? { lat: 0, lon: 0 };
      const w = windows.get(s.serviceJobId);
      // An arrival window must see service start inside it; a service interval is the visit itself.
      const latest = w === undefined ? undefined : arrivalReading ? w.end : w.start;
      const risk: BoardStop['risk'] =
        latest === undefined
          ? 'ok'
          : s.start > latest
            ? 'late'
            : latest - s.arrival < AT_RISK_MS
              ? 'at-risk'
              : 'ok';
      const stop: BoardStop = {
        seq: i + 1,
        serviceJobId: s.serviceJobId,
        lat: p.lat,
        lon: p.lon,
        arrival: iso(s.arrival),
        start: iso(s.start),
        end: iso(s.end),
        window: w !== undefined ? { start: iso(w.start), end: iso(w.end) } : null,
        skills: job?.scopeOfWork?.requiredSkills ?? [],
        risk,
      };
      if (input.withPersonal && job?.personal !== null && job?.personal !== undefined) {
        stop.buyer = { name: job.personal.buyerName ?? '', address: formatAddress(job) };
      }
      stops.push(stop);
      if (s.travel > 0)
        blocks.push({ kind: 'travel', start: iso(s.arrival - s.travel), end: iso(s.arrival) });
      if (s.start > s.arrival) blocks.push({ kind: 'wait', start: iso(s.arrival), end: iso(s.start) });
      blocks.push({ kind: 'service', start: iso(s.start), end: iso(s.end), serviceJobId: s.serviceJobId });
    }
    const last = r.stops[r.stops.length - 1];
    if (last !== undefined && r.back > last.end)
      blocks.push({ kind: 'travel', start: iso(last.end), end: iso(r.back) });
    for (const b of r.breaks) blocks.push({ kind: 'break', start: iso(b.start), end: iso(b.end) });
    blocks.sort((a, b) => a.start.localeCompare(b.start));
    const shiftMs = r.shift.end - r.shift.start;
    routes.push({
      routeId: r.routeId,
      technicianIds: r.technicianIds,
      shift: { start: iso(r.shift.start), end: iso(r.shift.end) },
      travelMinutes: minutes(r.travel),
      serviceMinutes: minutes(r.service),
      overtimeMinutes: minutes(r.overtime),
      utilisationPct: shiftMs > 0 ? round1((100 * r.service) / shiftMs) : 0,
      stops,
      blocks,
    });
  }

  const technicians: BoardView['technicians'] = [];
  for (const t of config.technicians) {
    if (t.stores !== undefined && !t.stores.includes(storeId)) continue;
    const home =
      t.home.lat !== undefined && t.home.lon !== undefined
        ? { lat: t.home.lat, lon: t.home.lon }
        : ((await centroid(t.home.postalCode)) ?? { lat: 0, lon: 0 });
    points.push(home);
    const shift = setup.technicians
      .find((x) => x.technicianId === t.resourceId)
      ?.shifts.find((s) => s.day === date);
    technicians.push({
      resourceId: t.resourceId,
      name: t.name,
      skills: [...t.skills],
      home,
      shift: shift !== undefined ? { start: iso(shift.start), end: iso(shift.end) } : null,
      ...(t.territory !== undefined ? { territory: t.territory } : {}),
    });
  }

  const unassigned: BoardView['unassigned'] = [];
  const seen = new Set<string>();
  const addUnassigned = async (id: string, code: string, reason: string): Promise<void> => {
    if (seen.has(id)) return;
    const job = jobs.get(id);
    if (job !== undefined && job.storeId !== storeId) return;
    seen.add(id);
    const p = await pointOf(id);
    const pref = job?.personal?.preferredAppointmentTimes?.[0];
    const active = job?.appointments.find((a) => a.status === 'ACTIVE' && a.time !== null)?.time;
    const w = active ?? pref;
    unassigned.push({
      serviceJobId: id,
      code,
      reason,
      ...(p !== undefined ? { lat: p.lat, lon: p.lon } : {}),
      window:
        w !== undefined && w !== null
          ? {
              start: iso(Date.parse(w.startTime)),
              end: iso(Date.parse(w.startTime) + w.durationInMinutes * 60_000),
            }
          : null,
      skills: job?.scopeOfWork?.requiredSkills ?? [],
    });
  };
  for (const u of plan.unassigned)
    await addUnassigned(u.serviceJobId, u.reason, REASONS[u.reason] ?? u.reason);
  for (const i of input.issues ?? []) {
    if (i.level === 'error' && i.serviceJobId !== undefined)
      await addUnassigned(i.serviceJobId, i.code, i.detail);
  }

  const lons = points.map((p) => p.lon);
  const lats = points.map((p) => p.lat);
  const bounds: [number, number, number, number] =
    points.length > 0
      ? [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)]
      : [0, 0, 0, 0];
  return {
    planId: input.record.planId,
    status: input.record.status,
    storeId,
    date,
    timeZone,
    generatedAt: input.record.finishedAt ?? input.record.createdAt,
    now: input.now.toISOString(),
    kpis: (input.record.kpis as ReportKpis | null) ?? null,
    bounds,
    technicians,
    routes,
    unassigned,
  };
}
