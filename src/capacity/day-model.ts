/**
 * The planning model of a store over a few days as the engine sees it now: the setup from the
 * crews config, the plannable jobs from the store (as last pulled), their places and the
 * travel matrix, the solver problem, and the current routes — the latest stored plan for those
 * days, or, without one, the work buyers already hold (active appointments) solved into routes.
 * Read-only: nothing is written anywhere.
 */
import type { PlanningConfig } from '../config/index.ts';
import { solve, type Technician } from '../../solver/index.ts';
import { buildProblem, type BuiltProblem, type CapacityHold } from '../pipeline/solve/build-problem.ts';
import {
  locate,
  type Geocoder,
  type Located,
  type TravelMatrixProvider,
} from '../pipeline/solve/geography.ts';
import { normaliseJobs, type PlannableJob } from '../pipeline/read/normalise.ts';
import { parseServiceJob } from '../pipeline/read/service-job.ts';
import type { Plan } from '../pipeline/write/plan.ts';
import type { PipelineStorePort } from '../pipeline/ports.ts';
import type { PlanRecord, PlanSummary } from '../store/index.ts';
import { setupFromConfig } from '../pipeline/setup/from-config.ts';
import type { GeoPoint, PlanningSetup } from '../pipeline/setup/planning-setup.ts';
import { placeBookedSince } from '../pipeline/solve/warm-start.ts';

export interface DayModelDeps {
  config: PlanningConfig;
  store: PipelineStorePort;
  geocoder: Geocoder;
  travel: TravelMatrixProvider;
  clock: () => Date;
  /** The stored plans, to find the plan in force for each day (any sub-range of a plan's period). */
  plans?: {
    list(filter: { storeId: string; limit: number }): Promise<PlanSummary[]>;
    get(planId: string): Promise<PlanRecord | undefined>;
  };
}

export interface DayModelQuery {
  storeId: string;
  /** First local day, YYYY-MM-DD. */
  from: string;
  days: number;
  marketplaceId: string;
  /** Iteration budget for solving booked work into routes when no plan is stored (reproducible). */
  iterations?: number | undefined;
}

interface CurrentRoute {
  routeId: string;
  technicianId: string;
  day: string;
  /** Service job ids in visiting order. */
  jobIds: string[];
}

export interface DayModel {
  setup: PlanningSetup;
  built: BuiltProblem;
  located: Located;
  /** Raw jobs as stored (wire shape), for ASIN and skill lookups; never returned to clients. */
  raws: unknown[];
  jobs: Map<string, PlannableJob>;
  routes: CurrentRoute[];
  /** Planned service start (epoch ms) of each job on the routes. */
  routeStarts: Map<string, number>;
  /** Where the routes come from. */
  routesFrom: 'plan' | 'booked-appointments';
  planId: string | undefined;
  /** Every plan the routes come from (one per day at most), first day first. */
  planIds: string[];
  /** Matrix index of the store's own location (the default place of a probe job). */
  storeLocation: number;
  /** Points of the matrix (jobs, homes, the store, then the shoppers' places). */
  points: GeoPoint[];
  /**
   * Buyers of the store who may book any slot on sale although none of their preferred times
   * lies in these days (pending, not plannable here): Amazon sells them the same slots, so
   * capacity is also taken at their places. Matrix index, skills (sorted) and ASIN.
   */
  shoppers: Shopper[];
}

interface Shopper {
  location: number;
  skills: string[];
  asin: string | undefined;
}

/** How far ahead a pending buyer's preferred times may lie and still count as a shopper. */
const SHOPPER_LOOKAHEAD_MS = 366 * 86_400_000;

/** The territories of a solver route's members: what the one territory rule (mayServeAt) takes. */
export function memberTerritories(
  setup: PlanningSetup,
  route: Pick<Technician, 'members'>,
): PlanningSetup['technicians'][number]['territory'][] {
  return setup.technicians.filter((x) => route.members?.includes(x.technicianId)).map((x) => x.territory);
}

export class DayModelError extends Error {
  override readonly name = 'DayModelError';
  constructor(
    readonly code: 'UNKNOWN_STORE' | 'NO_TECHNICIANS' | 'STORE_NOT_LOCATED',
    message: string,
  ) {
    super(message);
  }
}

export async function loadDayModel(deps: DayModelDeps, q: DayModelQuery): Promise<DayModel> {
  if (!deps.config.stores.some((s) => s.storeId === q.storeId))
    throw new DayModelError('UNKNOWN_STORE', `store ${q.storeId} is not in the crews config`);
  const setup = setupFromConfig(deps.config, { date: q.from, days: q.days, storeIds: [q.storeId] });
  for (const s of setup.stores) s.marketplaceId = q.marketplaceId;
  if (setup.technicians.length === 0)
    throw new DayModelError('NO_TECHNICIANS', `the crews config has no technician for store ${q.storeId}`);
  const now = deps.clock().getTime();
  const raws = await deps.store.plannableJobs([q.storeId], setup.horizon);
  const normalised = normaliseJobs(raws, setup, now);
  const located = await locate(normalised.jobs, setup, deps.geocoder);

  const storePlace = setup.stores[0]!.location;
  let storePoint: GeoPoint | undefined;
  if ('point' in storePlace) storePoint = storePlace.point;
  else {
    const r = await deps.geocoder.geocode({
      postalCode: storePlace.postalCode,
      countryCode: storePlace.countryCode,
    });
    if (r.ok) storePoint = { lat: r.lat, lon: r.lon };
  }
  if (storePoint === undefined)
    throw new DayModelError('STORE_NOT_LOCATED', `the location of store ${q.storeId} cannot be geocoded`);
  const shopping = await shoppersOf(
    deps,
    q.storeId,
    setup.horizon,
    new Set(located.jobs.map((j) => j.serviceJobId)),
  );
  const storeLocation = located.points.length;
  const points = [...located.points, storePoint, ...shopping.points];
  const shoppers = shopping.shoppers.map((s) => ({ ...s, location: storeLocation + 1 + s.location }));
  const matrix = await deps.travel.matrix(points);
  const jobs = new Map(located.jobs.map((j) => [j.serviceJobId, j]));
  const inForce = await plansInForce(deps, setup.days, q.storeId);
  // The plan in force keeps technicians free for booked work it does not serve (holds): the
  // next run keeps them as well, so that time is not for sale.
  const built = buildProblem(setup, located, matrix, { holds: holdsInForce(inForce, jobs) });

  let routes: CurrentRoute[];
  const routeStarts = new Map<string, number>();
  let routesFrom: DayModel['routesFrom'];
  if (inForce.length > 0) {
    routesFrom = 'plan';
    routes = [];
    for (const { plan, days } of inForce) {
      const mine = plan.routes.filter((r) => days.has(r.day));
      routes.push(
        ...mine
          .filter((r) => built.routes.has(r.routeId))
          .map((r) => ({
            routeId: r.routeId,
            technicianId: r.technicianIds[0]!,
            day: r.day,
            jobIds: r.stops.map((s) => s.serviceJobId).filter((id) => jobs.has(id)),
          })),
      );
      for (const r of mine) for (const s of r.stops) routeStarts.set(s.serviceJobId, s.start);
    }
    keepPlannedStarts(built, routes, routeStarts);
    routes = withBookedSince(built, routes);
  } else {
    routesFrom = 'booked-appointments';
    routes = bookedRoutes(built, q.iterations ?? 500, routeStarts);
  }
  return {
    setup,
    built,
    located,
    raws,
    jobs,
    routes,
    routeStarts,
    routesFrom,
    planId: inForce[0]?.planId,
    planIds: inForce.map((p) => p.planId),
    storeLocation,
    points,
    shoppers,
  };
}

/**
 * Pending buyers of the store whose preferred times all lie after these days (or whose jobs
 * are otherwise not plannable here but still pending), located by postal code. A buyer whose
 * place cannot be located is left out (the store's place stands for it).
 */
async function shoppersOf(
  deps: DayModelDeps,
  storeId: string,
  horizon: { start: number; end: number },
  plannable: ReadonlySet<string>,
): Promise<{ points: GeoPoint[]; shoppers: Shopper[] }> {
  const raws = await deps.store.plannableJobs([storeId], {
    start: horizon.start,
    end: horizon.start + SHOPPER_LOOKAHEAD_MS,
  });
  const points: GeoPoint[] = [];
  const at = new Map<string, number | null>();
  const shoppers: Shopper[] = [];
  for (const raw of raws) {
    const parsed = parseServiceJob(raw);
    if (!parsed.ok) continue;
    const job = parsed.job;
    if (job.serviceJobStatus !== 'PENDING_SCHEDULE' || plannable.has(job.serviceJobId)) continue;
    const postalCode = job.serviceLocation?.address?.postalCode?.trim();
    if (postalCode === undefined || postalCode === '') continue;
    const countryCode = job.serviceLocation?.address?.countryCode;
    const key = `${postalCode}|${countryCode ?? ''}`;
    if (!at.has(key)) {
      const r = await deps.geocoder.geocode({
        postalCode,
        ...(countryCode !== undefined ? { countryCode } : {}),
      });
      if (r.ok) {
        at.set(key, points.length);
        points.push({ lat: r.lat, lon: r.lon });
      } else at.set(key, null);
    }
    const location = at.get(key);
    if (location === null || location === undefined) continue;
    const skills = [...(job.scopeOfWork?.requiredSkills ?? [])].sort();
    shoppers.push({ location, skills, asin: job.scopeOfWork?.asin });
  }
  return { points, shoppers };
}

/**
 * A visit on the plan in force keeps its planned start: the next nightly or optimize-today run
 * keeps a visit Amazon holds as the plan wrote it pinned at that start (keep.ts), so an offer or
 * a capacity that needs it to move (to another of its windows, or later inside its window) is
 * one the routes cannot absorb. Jobs the store still shows as pending although an applied plan
 * booked them (the store is as last pulled) are held to their start the same way.
 */
function keepPlannedStarts(
  built: BuiltProblem,
  routes: readonly CurrentRoute[],
  starts: ReadonlyMap<string, number>,
): void {
  const routeOf = new Map(routes.flatMap((r) => r.jobIds.map((id) => [id, r.routeId] as const)));
  built.problem.jobs = built.problem.jobs.map((j) => {
    const start = starts.get(j.id);
    const routeId = routeOf.get(j.id);
    if (routeId === undefined || start === undefined || j.pin !== undefined) return j;
    const t = Math.round((start - built.origin) / 1000);
    return { ...j, windows: [{ start: t, end: t }], pin: { technician: routeId, start: t } };
  });
}

/**
 * Appointments booked since the plan in force (a storefront booking, a phone booking) take
 * room on its routes too: each is placed, earliest appointment first, where it costs the least
 * on a route of a qualified technician (the exact schedule decides), as the next run would have
 * to fit it. One that fits nowhere stays off the routes (the next run reports it). Without
 * this, capacity and slot offers would sell the same time again.
 */
function withBookedSince(built: BuiltProblem, routes: CurrentRoute[]): CurrentRoute[] {
  const placed = placeBookedSince(built, new Map(routes.map((r) => [r.routeId, r.jobIds])));
  const byId = new Map(routes.map((r) => [r.routeId, r]));
  const out: CurrentRoute[] = [];
  for (const [routeId, jobIds] of placed) {
    const known = byId.get(routeId);
    if (known !== undefined) out.push({ ...known, jobIds });
    else if (jobIds.length > 0) {
      const info = built.routes.get(routeId)!;
      out.push({ routeId, technicianId: info.technicianIds[0]!, day: info.day, jobIds });
    }
  }
  return out;
}

/** Per route: the holds of the plans in force whose booking is still unserved and held by a buyer. */
function holdsInForce(
  inForce: readonly PlanInForce[],
  jobs: ReadonlyMap<string, { activeAppointment?: unknown }>,
): Map<string, CapacityHold[]> {
  const out = new Map<string, CapacityHold[]>();
  for (const { plan, days } of inForce) {
    const served = new Set(plan.routes.flatMap((r) => r.stops.map((s) => s.serviceJobId)));
    for (const r of plan.routes) {
      if (!days.has(r.day)) continue;
      for (const h of r.holds ?? []) {
        if (served.has(h.serviceJobId) || jobs.get(h.serviceJobId)?.activeAppointment === undefined) continue;
        const hold = { ...h, routeId: r.routeId, technicianId: r.technicianIds[0]! };
        out.set(r.routeId, [...(out.get(r.routeId) ?? []), hold]);
      }
    }
  }
  return out;
}

interface PlanInForce {
  planId: string;
  plan: Plan;
  /** The days of the query this plan speaks for. */
  days: Set<string>;
}

/**
 * Per day, the newest stored nightly or optimize-today plan of the store whose period covers
 * it (so one day of a three-day plan is read from that plan, and today from a later
 * optimize-today run). Without the plan history only a plan for exactly these days is found.
 */
async function plansInForce(
  deps: DayModelDeps,
  days: readonly string[],
  storeId: string,
): Promise<PlanInForce[]> {
  if (deps.plans === undefined) {
    const latest = await deps.store.latestPlan([...days], [storeId]);
    return latest === undefined ? [] : [{ planId: latest.planId, plan: latest.plan, days: new Set(days) }];
  }
  const candidates = (await deps.plans.list({ storeId, limit: 200 }))
    .filter(
      (p) =>
        (p.kind === 'nightly' || p.kind === 'optimize_today') &&
        p.storeIds.includes(storeId) &&
        p.periodEnd >= days[0]! &&
        p.periodStart <= days[days.length - 1]!,
    )
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.planId.localeCompare(a.planId));
  const out = new Map<string, PlanInForce>();
  const open = new Set(days);
  for (const summary of candidates) {
    if (open.size === 0) break;
    const covered = [...open].filter((d) => d >= summary.periodStart && d <= summary.periodEnd);
    if (covered.length === 0) continue;
    const record = await deps.plans.get(summary.planId);
    // A run that stopped before its plan was saved speaks for nothing.
    if (record?.plan === null || record?.plan === undefined) continue;
    out.set(summary.planId, { planId: summary.planId, plan: record.plan as Plan, days: new Set(covered) });
    for (const d of covered) open.delete(d);
  }
  return [...out.values()].sort((a, b) => ([...a.days][0] ?? '').localeCompare([...b.days][0] ?? ''));
}

/** Without a stored plan: only work buyers hold (active appointments) takes time; it is solved into routes. */
function bookedRoutes(built: BuiltProblem, iterations: number, starts: Map<string, number>): CurrentRoute[] {
  const booked = built.problem.jobs.filter((j) => built.jobs.get(j.id)?.activeAppointment !== undefined);
  if (booked.length === 0 || built.problem.technicians.length === 0) return [];
  // Links between booked jobs stay; a link to a job left out here (not booked, or a later day's
  // part of a multi-day visit) goes with it.
  const kept = new Set(booked.map((j) => j.id));
  const links = (built.problem.links ?? []).filter((l) =>
    l.kind === 'precedence' ? kept.has(l.from) && kept.has(l.to) : l.jobs.every((id) => kept.has(id)),
  );
  const solution = solve({ ...built.problem, jobs: booked, links }, { seed: 1, maxIterations: iterations });
  return solution.routes
    .filter((r) => r.visits.length > 0)
    .map((r) => {
      const info = built.routes.get(r.technician)!;
      for (const v of r.visits) starts.set(v.job, built.origin + v.start * 1000);
      return {
        routeId: r.technician,
        technicianId: info.technicianIds[0]!,
        day: info.day,
        jobIds: r.visits.map((v) => v.job),
      };
    });
}
