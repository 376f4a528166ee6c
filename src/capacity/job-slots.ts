/**
 * Route-aware slot offers for one job: each of the job's candidate windows over the horizon,
 * ranked by the marginal cost of inserting the job into the current routes in that window (the
 * solver's own route cost: travel, working time, overtime and lateness), with the time buffer
 * the insertion leaves as the lateness risk. Windows no route can take are marked with why.
 * Amazon's getAppointmentSlots only counts free technicians; this knows where they are.
 */
import { compileProblem, type Job, type Problem } from '../../solver/index.ts';
import { cheapestExactInsertion } from '../../solver/exact-insertion.ts';
import type { ScheduleDetail } from '../../solver/schedule.ts';
import { formatWireTime, localDateOf } from '../schedule/index.ts';
import { mayServeAt } from '../geo/territory.ts';
import { loadDayModel, memberTerritories, type DayModel, type DayModelDeps } from './day-model.ts';

type UnservableReason = 'no-qualified-technician' | 'no-shift' | 'no-room';

export interface RankedSlot {
  /** Service may start in [start, end] (equal for a visit booked at one time). */
  start: string;
  end: string;
  /** 1 = best; null when no route can take it. */
  rank: number | null;
  servable: boolean;
  technicianId: string | null;
  /** The route's cost increase as the solver prices it. */
  marginalCost: number | null;
  extraTravelMinutes: number | null;
  extraKm: number | null;
  overtimeMinutes: number | null;
  latenessMinutes: number | null;
  /** Least idle time left before this visit or the next one: how much delay the route absorbs. */
  bufferMinutes: number | null;
  reason: { code: UnservableReason; message: string } | null;
}

export class JobSlotsError extends Error {
  override readonly name = 'JobSlotsError';
  constructor(
    readonly code: 'NOT_FOUND' | 'NOT_PLANNABLE' | 'NO_WINDOWS',
    message: string,
  ) {
    super(message);
  }
}

const REASONS: Record<UnservableReason, string> = {
  'no-qualified-technician': 'no technician with the skills (and territory) works then',
  'no-shift': 'no technician is on shift for the window',
  'no-room':
    'every placement on the routes breaks a hard rule (travel, windows, breaks, shift or work limits)',
};

interface Best {
  t: number;
  routeId: string;
  cost: number;
  with: ScheduleDetail;
  without: ScheduleDetail;
  /** Position of the job on the route (0 = first visit). */
  probeAt: number;
}

export interface WindowEvaluation {
  /** Seconds from the problem's origin. */
  window: { start: number; end: number };
  best: Best | undefined;
  reason: UnservableReason | undefined;
}

/** For each candidate window of the job: the cheapest insertion into the current routes, or why there is none. */
export function evaluateJobWindows(model: DayModel, jobId: string): WindowEvaluation[] {
  const base = model.built.problem;
  const job = base.jobs.find((j) => j.id === jobId);
  if (job === undefined)
    throw new JobSlotsError('NOT_PLANNABLE', `job ${jobId} is not plannable in this store over these days`);
  const windows = job.windows ?? [];
  if (windows.length === 0) throw new JobSlotsError('NO_WINDOWS', `job ${jobId} has no candidate window`);
  const probes: Job[] = windows.map((w, k) => ({ ...job, id: `${jobId}#${k}`, windows: [w] }));
  const probeIds = probes.map((p) => p.id);
  const place = model.points[job.location];
  const technicians = base.technicians.map((t) => {
    if (t.allowedJobs === undefined) return t;
    const inside = t.allowedJobs.includes(jobId) || mayServeAt(memberTerritories(model.setup, t), place);
    return inside ? { ...t, allowedJobs: [...t.allowedJobs, ...probeIds] } : t;
  });
  const problem: Problem = { ...base, jobs: [...base.jobs, ...probes], technicians };
  const cp = compileProblem(problem);
  const jobIndex = new Map(problem.jobs.map((j, i) => [j.id, i]));
  const seqs = new Map<number, number[]>();
  problem.technicians.forEach((_t, i) => seqs.set(i, []));
  const techIndex = new Map(problem.technicians.map((t, i) => [t.id, i]));
  for (const r of model.routes) {
    const t = techIndex.get(r.routeId);
    // The job itself is taken off its route: its windows are being offered again.
    if (t !== undefined)
      seqs.set(
        t,
        r.jobIds.filter((id) => id !== jobId).map((id) => jobIndex.get(id)!),
      );
  }

  const evaluations: WindowEvaluation[] = [];
  for (const [k, w] of windows.entries()) {
    const p = jobIndex.get(probeIds[k]!)!;
    let best: Best | undefined;
    let qualified = false;
    let onShift = false;
    for (const [t, seq] of seqs) {
      if (cp.shiftStart[t]! > w.end || cp.latestEnd[t]! < w.start) continue;
      onShift = true;
      if (cp.compat[t * cp.nJobs + p] === 0) continue;
      qualified = true;
      const found = cheapestExactInsertion(cp, t, seq, p, best?.cost, true);
      if (found !== undefined)
        best = {
          t,
          routeId: problem.technicians[t]!.id,
          cost: found.cost,
          with: found.with!,
          without: found.without!,
          probeAt: found.at,
        };
    }
    const reason: UnservableReason | undefined =
      best !== undefined
        ? undefined
        : !onShift
          ? 'no-shift'
          : !qualified
            ? 'no-qualified-technician'
            : 'no-room';
    evaluations.push({ window: { start: w.start, end: w.end }, best, reason });
  }
  return evaluations;
}

/**
 * The model after the job is booked in `evaluation`'s window where it was evaluated: the job's
 * windows narrowed to that one, the job inserted on that route at that position (a route the
 * job opens is created). The next job's offers are then ranked on these routes, as a phone
 * booking after this one would be.
 */
export function bookInModel(model: DayModel, jobId: string, evaluation: WindowEvaluation): DayModel {
  const best = evaluation.best;
  if (best === undefined)
    throw new JobSlotsError('NOT_PLANNABLE', `job ${jobId}: no route can take the window to be booked`);
  const jobs = model.built.problem.jobs.map((j) =>
    j.id === jobId ? { ...j, windows: [{ ...evaluation.window }] } : j,
  );
  const routes = model.routes.map((r) => ({ ...r, jobIds: r.jobIds.filter((id) => id !== jobId) }));
  let route = routes.find((r) => r.routeId === best.routeId);
  if (route === undefined) {
    const info = model.built.routes.get(best.routeId)!;
    route = { routeId: best.routeId, technicianId: info.technicianIds[0]!, day: info.day, jobIds: [] };
    routes.push(route);
  }
  route.jobIds.splice(best.probeAt, 0, jobId);
  return { ...model, routes, built: { ...model.built, problem: { ...model.built.problem, jobs } } };
}

/** Windows are taken from the job as the planner sees it (buyer's preferred times or the store's grid). */
export function rankJobSlots(model: DayModel, jobId: string): RankedSlot[] {
  const out: (RankedSlot & { cost: number })[] = [];
  for (const { window: w, best, reason } of evaluateJobWindows(model, jobId)) {
    const startMs = model.built.origin + w.start * 1000;
    const endMs = model.built.origin + w.end * 1000;
    if (best === undefined) {
      const code = reason ?? 'no-room';
      out.push({
        start: formatWireTime(startMs),
        end: formatWireTime(endMs),
        rank: null,
        servable: false,
        technicianId: null,
        marginalCost: null,
        extraTravelMinutes: null,
        extraKm: null,
        overtimeMinutes: null,
        latenessMinutes: null,
        bufferMinutes: null,
        reason: { code, message: REASONS[code] },
        cost: Infinity,
      });
      continue;
    }
    const visits = best.with.visits;
    const mine = visits[best.probeAt];
    const after = visits[best.probeAt + 1];
    const buffer = Math.min(
      mine === undefined ? Infinity : mine.start - mine.arrival,
      after === undefined ? Infinity : after.start - after.arrival,
    );
    const info = model.built.routes.get(best.routeId);
    out.push({
      start: formatWireTime(startMs),
      end: formatWireTime(endMs),
      rank: null,
      servable: true,
      technicianId: info?.technicianIds[0] ?? best.routeId,
      marginalCost: round(best.cost),
      extraTravelMinutes: round((best.with.travelDuration - best.without.travelDuration) / 60),
      extraKm: round((best.with.travelDistance - best.without.travelDistance) / 1000),
      overtimeMinutes: round((best.with.overtime - best.without.overtime) / 60),
      latenessMinutes: round((best.with.lateness - best.without.lateness) / 60),
      bufferMinutes: buffer === Infinity ? null : round(buffer / 60),
      reason: null,
      cost: best.cost,
    });
  }
  // Cheapest first; on a tie, the larger buffer (less risk of lateness), then the earlier window.
  const order = out
    .map((s, i) => ({ s, i }))
    .filter((x) => x.s.servable)
    .sort(
      (a, b) =>
        a.s.cost - b.s.cost || (b.s.bufferMinutes ?? Infinity) - (a.s.bufferMinutes ?? Infinity) || a.i - b.i,
    );
  order.forEach((x, r) => (x.s.rank = r + 1));
  return out
    .sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.start.localeCompare(b.start))
    .map(({ cost: _cost, ...s }) => s);
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

export interface JobSlotsQuery {
  jobId: string;
  /** First local day, YYYY-MM-DD (default: today in the store's zone). */
  from?: string | undefined;
  days: number;
}

export interface JobSlotsAnswer {
  jobId: string;
  storeId: string;
  from: string;
  days: number;
  routesFrom: DayModel['routesFrom'];
  planIds: string[];
  slots: RankedSlot[];
}

/** The job's store from the stored job, the routes in force over the days, and the ranked windows. */
export async function jobSlotOffers(
  deps: DayModelDeps & { jobs: { get(id: string): Promise<{ storeId: string | null } | undefined> } },
  marketplaceId: string,
  q: JobSlotsQuery,
): Promise<JobSlotsAnswer> {
  const stored = await deps.jobs.get(q.jobId);
  if (stored === undefined) throw new JobSlotsError('NOT_FOUND', `no service job ${q.jobId} in the store`);
  const storeId = stored.storeId;
  const store = deps.config.stores.find((s) => s.storeId === storeId);
  if (storeId === null || store === undefined)
    throw new JobSlotsError('NOT_PLANNABLE', `job ${q.jobId} belongs to no store of the crews config`);
  const from = q.from ?? localDateOf(deps.clock().getTime(), store.timeZone);
  const model = await loadDayModel(deps, { storeId, from, days: q.days, marketplaceId });
  return {
    jobId: q.jobId,
    storeId,
    from,
    days: q.days,
    routesFrom: model.routesFrom,
    planIds: model.planIds,
    slots: rankJobSlots(model, q.jobId),
  };
}
