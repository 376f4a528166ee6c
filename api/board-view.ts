/**
 * The board view of a stored plan (see the API contract): per technician the route with
 * its stops, blocks (travel, wait, service, break) and risk, the jobs left out with their
 * reasons, KPIs and the bounds of everything drawn. Points are postal-code centroids for
 * every scope; the buyer's name and address are added only when the caller may see them.
 */
import type { PlanningConfig } from '../src/config/index.ts';
import { PostalCodeGeocoder } from '../src/geo/index.ts';
import { placeLabels } from '../src/geo/place-labels.ts';
import type { PlanningIssue } from '../src/pipeline/issues.ts';
import { planKpis } from '../src/kpis/plan.ts';
import type { Plan, PlannedRoute } from '../src/pipeline/write/plan.ts';
import { setupFromConfig } from '../src/pipeline/setup/from-config.ts';
import {
  appointmentWindows,
  boardRoute,
  boundsOf,
  iso,
  latestStartOf,
  UNASSIGNED_REASONS,
  type BoardDay,
  type BoardRoute,
  type GeoPoint,
  type RefusedCall,
  type StopDetails,
} from '../src/report/board-shape.ts';
import type { PlanRecord, ServiceJobRecord } from '../src/store/index.ts';

/** The board of one store's day of a stored plan. */
export type BoardView = BoardDay;

export interface BoardInput {
  record: PlanRecord;
  plan: Plan;
  config: PlanningConfig;
  storeId: string;
  date: string;
  /** The plan's jobs as the store holds them (read back, or as the run that made the plan read them). */
  jobs: ReadonlyMap<string, ServiceJobRecord>;
  now: Date;
  withPersonal: boolean;
  issues?: readonly PlanningIssue[] | undefined;
  /** Write-back calls of the plan that Amazon refused (this store's are shown). */
  refused?: readonly RefusedCall[] | undefined;
}

/**
 * The status a person reads: a plan whose write-back had calls refused is stored as failed
 * with the code PARTIAL_WRITE_BACK, and is `partial` here (planned and written, except those).
 */
export function presentedStatus<S extends string>(record: {
  status: S;
  failure?: { code: string } | null | undefined;
}): S | 'partial' {
  return record.status === 'failed' && record.failure?.code === 'PARTIAL_WRITE_BACK'
    ? 'partial'
    : record.status;
}

const geocoder = new PostalCodeGeocoder();

async function centroid(
  postalCode: string | null | undefined,
): Promise<{ lat: number; lon: number } | undefined> {
  if (postalCode === null || postalCode === undefined || postalCode === '') return undefined;
  const r = await geocoder.geocode({ postalCode });
  return r.ok ? { lat: r.lat, lon: r.lon } : undefined;
}

function formatAddress(job: ServiceJobRecord): string {
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

/** The store's technicians with their homes (each home also a point of the map's bounds) and the day's shift. */
async function boardTechnicians(
  config: BoardInput['config'],
  setup: ReturnType<typeof setupFromConfig>,
  storeId: string,
  date: string,
  points: GeoPoint[],
): Promise<BoardView['technicians']> {
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
  return technicians;
}

export async function buildBoardView(input: BoardInput): Promise<BoardView> {
  const { plan, config, storeId, date, jobs } = input;
  const store = config.stores.find((s) => s.storeId === storeId);
  const timeZone = store?.timeZone ?? 'UTC';
  const setup = setupFromConfig(config, { date, days: 1, storeIds: [storeId] });
  const windows = appointmentWindows(plan.appointments);
  const arrivalReading = config.planning.appointmentTime === 'arrival-window';
  // Reasons name stores and technicians as people know them, not by their ids.
  const names = new Map<string, string>();
  for (const st of config.stores) if (st.name !== undefined) names.set(st.storeId, st.name);
  for (const t of config.technicians) names.set(t.resourceId, t.name);
  const named = (text: string): string => {
    let out = text;
    for (const [id, name] of names) if (out.includes(id)) out = out.replaceAll(id, name);
    return out;
  };
  const points: GeoPoint[] = [];
  const pointOf = async (id: string): Promise<GeoPoint | undefined> => {
    const p = await centroid(jobs.get(id)?.personal?.serviceAddress?.postalCode);
    if (p !== undefined) points.push(p);
    return p;
  };

  const routes: BoardRoute[] = [];
  const shown: PlannedRoute[] = [];
  for (const r of plan.routes) {
    if (r.day !== date) continue;
    if (!r.stops.some((s) => s.storeId === storeId)) continue;
    shown.push(r);
    const details = new Map<string, StopDetails>();
    for (const s of r.stops) {
      const job = jobs.get(s.serviceJobId);
      details.set(s.serviceJobId, {
        point: await pointOf(s.serviceJobId),
        skills: job?.scopeOfWork?.requiredSkills ?? [],
        ...(input.withPersonal && job?.personal !== null && job?.personal !== undefined
          ? { buyer: { name: job.personal.buyerName ?? '', address: formatAddress(job) } }
          : {}),
      });
    }
    const route = boardRoute(r, windows, arrivalReading, (id) => details.get(id)!);
    for (const st of route.stops) {
      const status = jobs.get(st.serviceJobId)?.status;
      if (status === 'COMPLETED') st.closed = 'completed';
      else if (status === 'CANCELLED') st.closed = 'cancelled';
    }
    routes.push(route);
  }

  const technicians = await boardTechnicians(config, setup, storeId, date, points);

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
    await addUnassigned(u.serviceJobId, u.reason, named(UNASSIGNED_REASONS[u.reason] ?? u.reason));
  for (const i of input.issues ?? []) {
    if (i.level === 'error' && i.serviceJobId !== undefined)
      await addUnassigned(i.serviceJobId, i.code, named(i.detail));
  }

  const bounds = boundsOf(points);
  const refused = (input.refused ?? [])
    .filter(
      (c) =>
        c.serviceJobId === null || !jobs.has(c.serviceJobId) || jobs.get(c.serviceJobId)?.storeId === storeId,
    )
    .map((c) => ({ ...c, reason: named(c.reason) }));
  return {
    planId: input.record.planId,
    status: presentedStatus(input.record),
    storeId,
    storeName: store?.name ?? storeId,
    date,
    timeZone,
    generatedAt: input.record.finishedAt ?? input.record.createdAt,
    now: input.now.toISOString(),
    // The store-day on screen, not the whole plan (which may cover several stores and days).
    kpis: planKpis({
      routes: shown,
      shifts: technicians.flatMap((t) =>
        t.shift === null
          ? []
          : [{ technicianId: t.resourceId, start: Date.parse(t.shift.start), end: Date.parse(t.shift.end) }],
      ),
      notPlanned: unassigned.map((u) => u.serviceJobId),
      latestStart: latestStartOf(windows, arrivalReading),
    }),
    bounds,
    technicians,
    routes,
    unassigned,
    refused,
    places: placeLabels(bounds),
  };
}
