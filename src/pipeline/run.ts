/**
 * The nightly planning run, end to end: purge → pull → normalise → geography → solve (in a
 * worker) → plan → diff → journaled write-back → report. Every input and output (Services,
 * store, geography, clock, progress) is passed in.
 */
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { PlanningConfig } from '../config/index.ts';
import { buildReport, type PlanReport } from './report.ts';
import type { Solution, StartRoute } from '../../solver/solution.ts';
import { buildProblem, type BuiltProblem, type Placement } from './build-problem.ts';
import { diffPlan } from './diff.ts';
import { locate, type Geocoder, type TravelMatrixProvider } from './geography.ts';
import type { PlanningIssue } from './issues.ts';
import { chooseHolds, unservedBookings, type CapacityHold } from './holds.ts';
import { fitAmazonCapacity } from './capacity-fit.ts';
import { placementsToKeep } from './keep.ts';
import { startFromPlan } from './warm-start.ts';
import { trueReasons } from './reasons.ts';
import { appointmentsAsPlanned, inputSignature } from './unchanged.ts';
import { foldLedger } from './ledger.ts';
import { normaliseJobs, type PlannableJob } from './normalise.ts';
import { callsOf, type WriteOperation } from './operations.ts';
import { planFromSolution, type Plan } from './plan.ts';
import type { PipelineStorePort, ServicesPort } from './ports.ts';
import { silentProgress, type ProgressSink } from './progress.ts';
import { preflight, type PreflightProblem } from './preflight.ts';
import { pullJobs } from './pull.ts';
import { reconcile } from './reconcile.ts';
import { setupFromConfig } from './setup-from-config.ts';
import type { PlanningSetup } from './setup.ts';
import { solveInWorker, type SolveRequest } from './solve.ts';
import { releaseUnavailableTechnicians, withoutTechnicians } from './unavailable.ts';
import { keepHeldBreaks } from './stabilise.ts';
import { dropBreaksHeldElsewhere, prefetchable, readHeldSlots, type HeldSlots } from './held-breaks.ts';
import { writeBack, type WriteBackResult } from './write-back.ts';

export interface RunOptions {
  date: string;
  days: number;
  storeIds?: string[] | undefined;
  marketplaceId: string;
  apply: boolean;
  /** Solver wall-clock budget; default from the config. */
  solverSeconds?: number | undefined;
  /** Iteration budget instead of (or with) time: reproducible plans. */
  solverIterations?: number | undefined;
  seed?: number | undefined;
  /** Skip the pull and plan from the jobs already in the store. */
  skipPull?: boolean | undefined;
  concurrency?: number | undefined;
  /** Id for the plan record (a caller that answers with the id before the run ends); default: a new UUID. */
  planId?: string | undefined;
  /** What the stored plan is recorded as (default `nightly`). */
  kind?: 'nightly' | 'optimize_today' | undefined;
  /** Overrides the config's freeze horizon: appointments starting before now + this stay where they are. */
  freezeMinutes?: number | undefined;
  /** Technicians out for the day: taken out, their visits not yet started redistributed or reported. */
  unavailableTechnicians?: readonly string[] | undefined;
  /** Solving ends by this `performance.now()` instant (a caller with a response deadline). */
  solveDeadline?: number | undefined;
  /**
   * With `solveDeadline`: more time to leave before it for a day of this many jobs (building the
   * solver's first plan, and the plan, diff and answer after it, grow with the day's size).
   */
  solveReserveForSize?: ((jobs: number) => number) | undefined;
  /** Keep placements of the previous plan that Amazon still holds exactly (default true). */
  keepPrevious?: boolean | undefined;
}

export interface RunDeps {
  config: PlanningConfig;
  services: ServicesPort;
  store: PipelineStorePort;
  geocoder: Geocoder;
  travel: TravelMatrixProvider;
  clock: () => Date;
  progress?: ProgressSink;
  /** Who is running (for locks and the audit log). */
  actor?: string;
  /** Solves a problem off the event loop; default: a fresh worker thread per solve. */
  solve?: (req: SolveRequest) => Promise<Solution>;
}

export type RunOutcome = 'succeeded' | 'partial' | 'nothing-to-do';

export interface RunResult {
  planId: string;
  outcome: RunOutcome;
  resumed: boolean;
  plan: Plan;
  operations: WriteOperation[];
  writeBack: WriteBackResult | undefined;
  issues: PlanningIssue[];
  report: PlanReport;
  /** Plannable jobs (with personal fields decrypted) for an opt-in dispatcher copy; never logged. */
  jobs: unknown[];
  timingsMs: Record<string, number>;
}

export class RunError extends Error {
  override readonly name = 'RunError';
  constructor(
    readonly code: 'LOCKED' | 'NO_STORES' | 'NO_TECHNICIANS' | 'SOLVER_FAILED' | PreflightProblem['code'],
    message: string,
  ) {
    super(message);
  }
}

const MAX_RECONCILE_ROUNDS = 3;
const MAX_HOLD_ROUNDS = 3;
/** Times a round's holds are checked again for booked visits they leave out (optimize-today). */
const MAX_HOLD_CHECKS = 3;
const LOCK_TTL_MS = 2 * 3_600_000;

/**
 * One planning run per set of stores at a time. A lock left by a run on this machine whose
 * process is gone (killed, crashed) is taken over, so a rerun can resume at once.
 */
async function takeLock(store: PipelineStorePort, name: string, holder: string): Promise<void> {
  const first = await store.acquireLock(name, holder, LOCK_TTL_MS);
  if (first.acquired) return;
  const match = /^[^:]*:(\d+)@(.*)$/.exec(first.heldBy);
  const pid = match ? Number(match[1]) : undefined;
  if (match !== null && pid !== undefined && match[2] === hostname() && !processAlive(pid)) {
    await store.releaseLock(name, first.heldBy);
    const second = await store.acquireLock(name, holder, LOCK_TTL_MS);
    if (second.acquired) return;
  }
  throw new RunError(
    'LOCKED',
    `another planning run (${first.heldBy}) holds the lock for these stores; try again when it ends`,
  );
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function runPlanning(options: RunOptions, deps: RunDeps): Promise<RunResult> {
  const progress = deps.progress ?? silentProgress;
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      timings[name] = Math.round(performance.now() - t0);
    }
  };
  const now = deps.clock().getTime();
  const unavailable = new Set(options.unavailableTechnicians ?? []);
  // Jobs are read against every technician (a skill only an absent one has is still known);
  // they are planned with those present.
  const fullSetup = setupFromConfig(deps.config, {
    date: options.date,
    days: options.days,
    storeIds: options.storeIds,
    ...(options.freezeMinutes !== undefined ? { overrides: { freezeMinutes: options.freezeMinutes } } : {}),
  });
  const setup = withoutTechnicians(fullSetup, unavailable);
  for (const s of setup.stores) s.marketplaceId = options.marketplaceId;
  const storeIds = setup.stores.map((s) => s.storeId);
  if (storeIds.length === 0) {
    throw new RunError(
      'NO_STORES',
      `none of the stores ${options.storeIds?.join(', ') ?? ''} is in the crews config`,
    );
  }
  if (setup.technicians.length === 0)
    throw new RunError('NO_TECHNICIANS', 'the crews config has no technician for these stores');
  // Before anything is read into the store or written to Amazon (and before a long solve).
  const problem = await timed('preflight', () =>
    preflight(fullSetup, { date: options.date, marketplaceId: options.marketplaceId }, deps.services, now),
  );
  if (problem !== undefined) throw new RunError(problem.code, problem.message);

  const holder = `${deps.actor ?? 'plan'}:${process.pid}@${hostname()}`;
  const lockName = `plan:${storeIds.join(',')}`;
  await takeLock(deps.store, lockName, holder);
  try {
    await timed('purge', async () => {
      const step = progress.start('purge', 'Retention purge');
      const purged = await deps.store.purge(deps.clock());
      step.done(`personal data removed from ${purged.jobs} closed jobs`);
    });

    const pullIssues: PlanningIssue[] = [];
    if (options.skipPull !== true) {
      await timed('pull', async () => {
        const step = progress.start('pull', 'Pulling service jobs');
        const r = await pullJobs(
          deps.services,
          deps.store,
          { storeIds, marketplaceId: options.marketplaceId, now, lookbackDays: setup.rules.pullLookbackDays },
          (p) => step.update(p.pages, undefined, `${p.jobs} jobs`),
        );
        pullIssues.push(...r.issues);
        step.done(`${r.jobs} jobs in ${r.pages} pages (${r.mode})`);
      });
    }

    const { raws, refused } = await timed('read', async () => ({
      raws: await deps.store.plannableJobs(storeIds, setup.horizon),
      refused: await deps.store.refusedAppointmentTimes(storeIds),
    }));
    const normalised = await timed('normalise', async () => {
      const n = normaliseJobs(raws, fullSetup, now, refused);
      const released = releaseUnavailableTechnicians(n.jobs, unavailable, now);
      return {
        ...n,
        jobs: released.jobs,
        issues: [...n.issues, ...released.issues],
        underWay: released.startedIds,
      };
    });
    const issues: PlanningIssue[] = [...pullIssues, ...normalised.issues];
    progress.note(
      `${normalised.jobs.length} plannable jobs, ${issues.filter((i) => i.level === 'error').length} not plannable, ${normalised.outOfScope} outside the horizon or closed`,
    );

    const latest = await timed('latest-plan', () => deps.store.latestPlan(setup.days, storeIds));
    const resume = options.apply && latest?.status === 'running' ? latest : undefined;

    // The capacity read of Amazon's reserved slots does not depend on the plan: it runs while
    // the problem is built and solved, not after (a caller with a deadline waits less).
    let heldSlots: Promise<{ ok: HeldSlots } | { err: unknown }> | undefined;
    if (resume === undefined && setup.rules.resources === 'per-technician') {
      const t0 = performance.now();
      const ours = foldLedger(await deps.store.ledgerEvents(storeIds)).reservations;
      const resources = prefetchable(
        setup.technicians.filter((t) => t.shifts.length > 0).map((t) => t.technicianId),
        ours,
        setup.horizon,
      );
      heldSlots = readHeldSlots(deps.services, options.marketplaceId, resources, setup.horizon).then(
        (ok) => {
          timings['capacity-prefetch'] = Math.round(performance.now() - t0);
          return { ok };
        },
        (err: unknown) => ({ err }),
      );
    }

    let planId: string;
    let plan: Plan;
    let built: BuiltProblem | undefined;
    let solvedAt: number | undefined;
    const byId = new Map(normalised.jobs.map((j) => [j.serviceJobId, j]));
    const signatureOf = (planned: Plan): string =>
      inputSignature(raws, normalised.jobs, new Set(planned.appointments.map((a) => a.serviceJobId)), {
        config: deps.config,
        days: setup.days,
        refused,
      });
    const unchanged =
      resume === undefined &&
      options.keepPrevious !== false &&
      unavailable.size === 0 &&
      options.freezeMinutes === undefined &&
      latest?.status === 'succeeded' &&
      latest.plan.inputSignature !== undefined &&
      latest.plan.inputSignature === signatureOf(latest.plan) &&
      appointmentsAsPlanned(latest.plan, byId);
    if (resume !== undefined) {
      planId = resume.planId;
      plan = resume.plan;
      progress.note(`resuming the write-back of plan ${planId}`);
    } else if (unchanged) {
      // Nothing changed since the last plan, and Amazon holds it: keep it rather than solve again.
      plan = latest.plan;
      planId = await deps.store.createPlan({
        days: setup.days,
        storeIds,
        ...(options.planId !== undefined ? { planId: options.planId } : {}),
        ...(options.kind !== undefined ? { kind: options.kind } : {}),
      });
      progress.note(`nothing changed since plan ${latest.planId}: its routes are kept`);
    } else {
      const located = await timed('geocode', async () => {
        const step = progress.start('geocode', 'Geocoding');
        const r = await locate(normalised.jobs, setup, deps.geocoder, (p) => step.update(p.done, p.total));
        step.done(`${r.points.length} distinct places`);
        return r;
      });
      issues.push(...located.issues);
      const matrix = await timed('matrix', async () => {
        const step = progress.start('matrix', 'Travel matrix');
        const m = await deps.travel.matrix(located.points);
        step.done(`${located.points.length}×${located.points.length}`);
        return m;
      });
      const keep =
        options.keepPrevious === false
          ? new Map<string, Placement>()
          : placementsToKeep(latest?.plan, located.jobs);
      const solved = await timed('solve', () =>
        solvePasses(setup, located, matrix, keep, options, progress, deps.solve ?? solveInWorker, {
          previous: options.keepPrevious === false ? undefined : latest?.plan,
          now,
        }),
      );
      solvedAt = performance.now();
      built = solved.built;
      const tPlan = performance.now();
      plan = planFromSolution({
        setup,
        built,
        solution: solved.solution,
        marketplaceId: options.marketplaceId,
      });
      plan = { ...plan, inputSignature: signatureOf(plan) };
      timings['plan'] = Math.round(performance.now() - tPlan);
      planId = await deps.store.createPlan({
        days: setup.days,
        storeIds,
        ...(options.planId !== undefined ? { planId: options.planId } : {}),
        ...(options.kind !== undefined ? { kind: options.kind } : {}),
      });
    }

    // What Amazon holds now: appointments from the pull, capacity writes from the ledger.
    plan = withCurrentAppointments(plan, byId);
    if (normalised.underWay.length > 0) plan = { ...plan, underWay: normalised.underWay };
    if (unavailable.size > 0 && setup.rules.resources === 'per-technician')
      plan = { ...plan, absentResources: [...unavailable].sort() };
    let ledger = foldLedger(await deps.store.ledgerEvents(storeIds));
    plan = keepHeldBreaks(plan, ledger.reservations, setup);
    if (heldSlots !== undefined) {
      plan = await timed('capacity-read', async () => {
        const read = await heldSlots;
        if ('err' in read) throw read.err;
        return dropBreaksHeldElsewhere(plan, deps.services, ledger.reservations, read.ok);
      });
    }
    if (resume === undefined)
      await timed('save', () => deps.store.savePlan(planId, plan, { seed: options.seed ?? 1 }));

    let writeResult: WriteBackResult | undefined;
    let operations: WriteOperation[] = [];
    // On the day itself (optimize-today) Amazon is made to hold the plan: booked visits nobody
    // serves are released and an absent technician's later reservations cancelled. A nightly
    // run leaves those to the day's own re-plan and reports them.
    const releaseAt = (): number | undefined =>
      options.kind === 'optimize_today' ? deps.clock().getTime() : undefined;
    if (options.apply) {
      if (resume !== undefined) {
        const r = await reconcile(
          planId,
          options.marketplaceId,
          deps.store.journal,
          deps.services,
          ledger.reservations,
        );
        if (r.checked > 0)
          progress.note(
            `checked ${r.checked} calls left in doubt: ${r.landed} had landed, ${r.notLanded} had not`,
          );
        ledger = foldLedger(await deps.store.ledgerEvents(storeIds));
        plan = withCurrentAppointments(plan, await freshAppointments(plan, deps.services, byId, setup, now));
      }
      operations = diffPlan(plan, ledger, setup.rules, releaseAt());
      writeResult = await timed('write-back', () =>
        applyWithReconcile(operations, planId, options, deps, progress, setup),
      );
    } else {
      operations = diffPlan(plan, ledger, setup.rules, releaseAt());
    }

    const failures = writeResult?.failures.length ?? 0;
    const inDoubt = writeResult?.inDoubt ?? 0;
    const outcome: RunOutcome =
      failures > 0 || inDoubt > 0 ? 'partial' : operations.length === 0 ? 'nothing-to-do' : 'succeeded';
    const report = buildReport({
      planId,
      now: deps.clock().getTime(),
      mode: options.apply ? 'apply' : 'dry-run',
      plan,
      issues,
      operations,
      writeBack: writeResult,
      latestStart: latestStarts(plan, byId),
      timeZones: new Map(deps.config.technicians.map((t) => [t.resourceId, t.timeZone])),
      shiftTime: setup.technicians.reduce(
        (n, t) => n + t.shifts.reduce((m, s) => m + (s.end - s.start), 0),
        0,
      ),
      techniciansAvailable: setup.technicians.filter((t) => t.shifts.length > 0).length,
      timingsMs: timings,
    });
    await deps.store.finishPlan(
      planId,
      outcome === 'partial' ? 'failed' : 'succeeded',
      report.kpis,
      outcome === 'partial'
        ? { code: 'PARTIAL_WRITE_BACK', message: `${failures} calls failed, ${inDoubt} in doubt` }
        : undefined,
    );
    await deps.store.audit(options.apply ? 'plan.apply' : 'plan.dry-run', {
      planId,
      days: setup.days,
      storeIds,
      operations: operations.length,
      calls: writeResult?.calls ?? 0,
      failures,
    });
    // What a caller with a deadline must leave for the work after the solve.
    if (solvedAt !== undefined) timings['after-solve'] = Math.round(performance.now() - solvedAt);
    return {
      planId,
      outcome,
      resumed: resume !== undefined,
      plan,
      operations,
      writeBack: writeResult,
      issues,
      report,
      jobs: raws,
      timingsMs: timings,
    };
  } finally {
    await deps.store.releaseLock(lockName, holder);
  }
}

/**
 * Pass 1 keeps what can be kept. Jobs it could not place that may move (a kept technician
 * or appointment that no longer fits) get a second, short pass with everything placed in
 * pass 1 pinned, their technician preference dropped and their other windows opened.
 * Booked jobs still out after that keep their appointments on Amazon, which go on taking
 * store capacity: each gets a hold (holds.ts) and the routes that must make room are
 * planned again around it, the rest staying pinned.
 */
async function solvePasses(
  setup: PlanningSetup,
  located: Parameters<typeof buildProblem>[1],
  matrix: Parameters<typeof buildProblem>[2],
  keep: Map<string, Placement>,
  options: RunOptions,
  progress: ProgressSink,
  solver: (req: SolveRequest) => Promise<Solution>,
  from: { previous: Plan | undefined; now: number },
): Promise<{ built: BuiltProblem; solution: Solution; holds: CapacityHold[] }> {
  const seconds = options.solverSeconds ?? setup.rules.solverBudgetSeconds;
  const step = progress.start('solve', 'Solving');
  const run = async (
    built: BuiltProblem,
    budgetMs: number,
    label: string,
    start: StartRoute[] = [],
  ): Promise<Solution> =>
    solver({
      problem: built.problem,
      seed: options.seed ?? 1,
      ...(start.length > 0 ? { start } : {}),
      ...(options.solverIterations !== undefined
        ? { maxIterations: options.solverIterations }
        : { timeLimitMs: budgetMs }),
      // Planners see jobs placed and time left, never the solver's internal cost.
      onProgress: (p) =>
        step.update(
          Math.round(p.elapsedMs / 1000),
          Math.round(budgetMs / 1000),
          `${label}: ${built.problem.jobs.length - p.unassigned} of ${built.problem.jobs.length} jobs placed, ${Math.max(0, Math.round((budgetMs - p.elapsedMs) / 1000))} s left`,
        ),
    });
  const first = buildProblem(setup, located, matrix, { keep });
  if (first.problem.jobs.length === 0) {
    step.done('no jobs to place');
    return { built: first, solution: emptySolution(first), holds: [] };
  }
  // With a deadline, every pass shares what is left of it.
  const deadline =
    options.solveDeadline !== undefined
      ? options.solveDeadline - (options.solveReserveForSize?.(first.problem.jobs.length) ?? 0)
      : undefined;
  const left = (): number => (deadline !== undefined ? Math.max(50, deadline - performance.now()) : Infinity);
  const budget = Math.min(seconds * 1000, left());
  const share = (fraction: number): number =>
    deadline !== undefined
      ? Math.min(left(), Math.max(50, budget * fraction))
      : Math.max(1000, budget * fraction);
  // Pass 1 starts from the plan in force (warm-start.ts): what it serves is not lost by search luck.
  let solution = await run(first, budget * 0.6, 'pass 1', startFromPlan(from.previous, first));
  let built = first;
  const widen = new Set<string>();
  const placed = (s: Solution, b: BuiltProblem) => {
    const pinned = new Map<string, Placement>();
    for (const r of s.routes) {
      for (const v of r.visits)
        pinned.set(v.job, { routeId: r.technician, start: b.origin + v.start * 1000 });
    }
    return pinned;
  };
  const movable = new Set(
    solution.unassigned
      .map((u) => first.jobs.get(u.job))
      .filter(
        (j): j is PlannableJob => j !== undefined && j.pin === undefined && j.activeAppointment !== undefined,
      )
      .map((j) => j.serviceJobId),
  );
  if (movable.size > 0) {
    for (const id of movable) widen.add(id);
    built = buildProblem(setup, located, matrix, { keep: placed(solution, first), widen, release: widen });
    solution = await run(built, share(0.1), 'pass 2');
  }

  // Booked work left out keeps its appointment: make room for it in its store's capacity, but
  // never at the cost of work the plan serves (a hold that does is not placed).
  const holds: CapacityHold[] = [];
  const excluded = new Map<string, Solution['unassigned'][number]>();
  for (let round = 1; round <= MAX_HOLD_ROUNDS; round++) {
    const unserved = unservedBookings(built, solution);
    if (unserved.length === 0) break;
    const { holds: chosen, displaced } = chooseHolds(unserved, setup, built, solution, holds, {
      displaceBooked: options.kind !== 'optimize_today',
    });
    if (chosen.length === 0) break;
    let added = chosen;
    const byRoute = new Map<string, CapacityHold[]>();
    const placeHolds = (): void => {
      byRoute.clear();
      for (const h of [...holds, ...added]) byRoute.set(h.routeId, [...(byRoute.get(h.routeId) ?? []), h]);
    };
    placeHolds();
    // Visits a hold cuts into are placed again, and may move like pass 2's; the rest stay.
    const widened = new Set(widen);
    for (const id of displaced) if (built.jobs.get(id)?.pin === undefined) widened.add(id);
    const keepNow = placed(solution, built);
    for (const id of displaced) keepNow.delete(id);
    const out = new Set([...excluded.keys(), ...unserved.map((j) => j.serviceJobId)]);
    const attempt = async (label: string) => {
      const b = buildProblem(setup, located, matrix, {
        keep: keepNow,
        widen: widened,
        release: widened,
        exclude: out,
        holds: byRoute,
      });
      return { b, s: await run(b, share(round === 1 ? 0.2 : 0.1), label) };
    };
    let { b: next, s: tried } = await attempt(`room for booked work ${round}`);
    // Work the plan served that a hold's pins left out is placed again, free to move: a hold
    // takes from servable work only what Amazon's capacity really lacks.
    const lost = [...servedIds(solution)].filter((id) => !servedIds(tried).has(id));
    // On the day itself a booked visit of a technician at work stays: a hold of this round that
    // leaves one of them out (its route no longer fits it, lunch and travel included) is not
    // placed, and the visit keeps its place. A hold placed again on another route is checked
    // the same way (it may squeeze that route's lunch or travel too), and the last time round
    // it is left out: the capacity check after the passes keeps its unit free.
    const stays = new Set<string>();
    const blocked = new Set<string>();
    const routeOf = new Map(
      solution.routes.flatMap((r) => r.visits.map((v) => [v.job, r.technician] as const)),
    );
    const relocate = (lostNow: readonly string[], elsewhereAllowed: boolean): boolean => {
      const before = blocked.size;
      for (const id of lostNow) {
        const route = routeOf.get(id);
        if (route === undefined || displaced.has(id) || built.jobs.get(id)?.activeAppointment === undefined)
          continue;
        if (!added.some((h) => h.routeId === route)) continue;
        blocked.add(route);
        stays.add(id);
      }
      if (blocked.size === before) return false;
      // Their bookings get a hold on another route, if one can be kept free for them.
      const moved = new Set(added.filter((h) => blocked.has(h.routeId)).map((h) => h.serviceJobId));
      added = added.filter((h) => !blocked.has(h.routeId));
      if (elsewhereAllowed) {
        const elsewhere = chooseHolds(
          unserved.filter((j) => moved.has(j.serviceJobId)),
          setup,
          { ...built, routes: new Map([...built.routes].filter(([id]) => !blocked.has(id))) },
          solution,
          [...holds, ...added],
          { displaceBooked: false },
        );
        added = [...added, ...elsewhere.holds];
        for (const id of elsewhere.displaced) {
          keepNow.delete(id);
          if (built.jobs.get(id)?.pin === undefined) widened.add(id);
        }
      }
      placeHolds();
      return true;
    };
    const today = options.kind === 'optimize_today';
    if (today) relocate(lost, true);
    const unpin = (ids: readonly string[]): void => {
      for (const id of ids) {
        if (stays.has(id)) continue;
        keepNow.delete(id);
        if (built.jobs.get(id)?.pin === undefined) widened.add(id);
      }
    };
    if (lost.length > 0) {
      unpin(lost);
      ({ b: next, s: tried } = await attempt(`room for booked work ${round}, again`));
    }
    for (let check = 1; today && check <= MAX_HOLD_CHECKS; check++) {
      const lostNow = [...servedIds(solution)].filter((id) => !servedIds(tried).has(id));
      if (!relocate(lostNow, check < MAX_HOLD_CHECKS)) break;
      unpin(lostNow);
      ({ b: next, s: tried } = await attempt(`room for booked work ${round}, again`));
    }
    // Their reasons are asked of the problem they were left out of.
    const why = new Map(trueReasons(built, solution.unassigned).map((u) => [u.job, u]));
    for (const j of unserved) {
      const u = why.get(j.serviceJobId);
      if (u !== undefined) excluded.set(j.serviceJobId, u);
    }
    for (const id of widened) widen.add(id);
    holds.push(...added);
    solution = tried;
    built = next;
  }
  if (excluded.size > 0) {
    const listed = new Set(solution.unassigned.map((u) => u.job));
    solution = {
      ...solution,
      unassigned: [...solution.unassigned, ...[...excluded.values()].filter((u) => !listed.has(u.job))],
    };
  }
  // Where no hold could be kept for booked work left out, new work never takes its unit.
  solution = fitAmazonCapacity(setup, built, solution, {
    now: from.now,
    releasedAfter: options.kind === 'optimize_today' ? from.now : undefined,
  }).solution;
  const travelHours = solution.routes.reduce((h, r) => h + r.travelDuration, 0) / 3600;
  step.done(
    `${built.problem.jobs.length - solution.unassigned.length} of ${built.problem.jobs.length} jobs placed, travel ${travelHours.toFixed(1)} h`,
  );
  return { built, solution, holds };
}

/** Jobs a solution serves. */
function servedIds(solution: Solution): Set<string> {
  return new Set(solution.routes.flatMap((r) => r.visits.map((v) => v.job)));
}

function emptySolution(built: BuiltProblem): Solution {
  return {
    routes: [],
    unassigned: [],
    cost: { total: 0, unassigned: 0, lateness: 0, travel: 0, work: 0, overtime: 0, fixed: 0 },
    stats: { iterations: 0, seed: 1 },
  };
  void built;
}

function withCurrentAppointments(plan: Plan, jobs: ReadonlyMap<string, PlannableJob>): Plan {
  const currentOf = (serviceJobId: string) => {
    const current = jobs.get(serviceJobId)?.activeAppointment;
    return current
      ? {
          appointmentId: current.appointmentId,
          time: { start: current.start, minutes: current.durationMinutes },
          technicianIds: [...current.technicianIds].sort(),
        }
      : undefined;
  };
  return {
    ...plan,
    appointments: plan.appointments.map((a) => ({ ...a, current: currentOf(a.serviceJobId) })),
    // What a booked job the plan leaves out holds at Amazon: released when it starts later (diff.ts).
    unassigned: plan.unassigned.map((u) => {
      const current = currentOf(u.serviceJobId);
      return current !== undefined ? { ...u, current } : u;
    }),
  };
}

/** On resume, the appointments of the plan's jobs are read back one by one from Amazon. */
async function freshAppointments(
  plan: Plan,
  services: ServicesPort,
  pulled: ReadonlyMap<string, PlannableJob>,
  setup: PlanningSetup,
  now: number,
): Promise<Map<string, PlannableJob>> {
  const out = new Map(pulled);
  const raws = await Promise.all(plan.appointments.map((a) => services.getServiceJob(a.serviceJobId)));
  const fresh = normaliseJobs(
    raws.filter((r) => r !== undefined),
    setup,
    now,
  );
  for (const j of fresh.jobs) out.set(j.serviceJobId, j);
  return out;
}

function latestStarts(plan: Plan, jobs: ReadonlyMap<string, PlannableJob>): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of plan.routes) {
    for (const s of r.stops) {
      const w = jobs.get(s.serviceJobId)?.windows.find((x) => s.start >= x.start && s.start <= x.end);
      if (w !== undefined) out.set(s.serviceJobId, w.end);
    }
  }
  return out;
}

async function applyWithReconcile(
  operations: WriteOperation[],
  planId: string,
  options: RunOptions,
  deps: RunDeps,
  progress: ProgressSink,
  setup: PlanningSetup,
): Promise<WriteBackResult> {
  const storeIds = setup.stores.map((s) => s.storeId);
  const total = operations.reduce((n, op) => n + callsOf(op), 0);
  const step = progress.start('write-back', 'Writing back');
  const started = performance.now();
  const ctx = {
    planId,
    marketplaceId: options.marketplaceId,
    services: deps.services,
    journal: deps.store.journal,
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    onProgress: (p: { done: number; calls: number; failed: number }) => {
      const elapsed = performance.now() - started;
      const eta = p.done > 0 ? Math.round(((total - p.done) * elapsed) / p.done / 1000) : undefined;
      step.update(
        p.done,
        total,
        `${p.calls} calls, ${p.failed} failed${eta !== undefined ? `, ETA ${eta}s` : ''}`,
      );
    },
  };
  let result = await writeBack(operations, ctx);
  for (let round = 1; round < MAX_RECONCILE_ROUNDS && result.inDoubt > 0; round++) {
    const ledger = foldLedger(await deps.store.ledgerEvents(storeIds));
    await reconcile(planId, options.marketplaceId, deps.store.journal, deps.services, ledger.reservations);
    const again = await writeBack(operations, { ...ctx, onProgress: () => {} });
    result = {
      calls: result.calls + again.calls,
      failures: [...result.failures, ...again.failures],
      inDoubt: again.inDoubt,
    };
  }
  step.done(`${result.calls} calls, ${result.failures.length} failed, ${result.inDoubt} in doubt`);
  return result;
}
