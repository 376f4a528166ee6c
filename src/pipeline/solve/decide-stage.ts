/**
 * The decide stage: which plan this run writes. A run that finds its previous `--apply` cut
 * short resumes that plan's write-back; a run whose inputs are exactly what the previous plan
 * was made from, and where Amazon holds that plan, keeps it without solving
 * (stability/unchanged-inputs.ts); any other run locates the jobs, builds the travel matrix
 * and solves (solve-passes.ts). Amazon's reserved capacity is read meanwhile, since it does
 * not depend on the plan.
 */
import { performance } from 'node:perf_hooks';
import type { ReadJobs } from '../read/read-stage.ts';
import type { RunContext } from '../run-context.ts';
import { prefetchable, readHeldSlots, type HeldSlots } from '../stability/breaks-held-elsewhere.ts';
import { placementsToKeep } from '../stability/kept-placements.ts';
import { appointmentsAsPlanned, inputSignature } from '../stability/unchanged-inputs.ts';
import { planFromSolution, type Plan } from '../write/plan.ts';
import type { Placement } from './build-problem.ts';
import { locate } from './geography.ts';
import { solveInWorker } from './solve-in-worker.ts';
import { solvePasses } from './solve-passes.ts';
import type { PlanningIssue } from '../issues.ts';
import type { StoredPlan } from '../ports.ts';

type CapacityRead = Promise<{ ok: HeldSlots } | { err: unknown }>;

export interface Decision {
  planId: string;
  plan: Plan;
  /** The plan is a stored one whose write-back is resumed. */
  resumed: boolean;
  /** `performance.now()` when the solve ended (undefined when nothing was solved). */
  solvedAt: number | undefined;
  /** Amazon's reserved capacity per technician, read while the plan was made (not on resume). */
  heldSlots: CapacityRead | undefined;
  /** What locating the jobs found (a postal code without coordinates). */
  issues: PlanningIssue[];
}

export async function decideStage(run: RunContext, read: ReadJobs): Promise<Decision> {
  const { deps, options, progress, setup, storeIds, timed } = run;
  const latest = await timed('latest-plan', () => deps.store.latestPlan(setup.days, storeIds));
  const resume = options.apply && latest?.status === 'running' ? latest : undefined;
  if (resume !== undefined) {
    progress.note(`resuming the write-back of plan ${resume.planId}`);
    return {
      planId: resume.planId,
      plan: resume.plan,
      resumed: true,
      solvedAt: undefined,
      heldSlots: undefined,
      issues: [],
    };
  }
  const heldSlots = setup.rules.resources === 'per-technician' ? readCapacity(run, read) : undefined;
  const signatureOf = (planned: Plan): string =>
    inputSignature(read.parsed, read.jobs, new Set(planned.appointments.map((a) => a.serviceJobId)), {
      config: deps.config,
      days: setup.days,
      refused: read.refused,
    });
  if (latest !== undefined && isUnchanged(run, read, latest, signatureOf)) {
    // Nothing changed since the last plan, and Amazon holds it: keep it rather than solve again.
    const planId = await createPlan(run);
    progress.note(`nothing changed since plan ${latest.planId}: its routes are kept`);
    return { planId, plan: latest.plan, resumed: false, solvedAt: undefined, heldSlots, issues: [] };
  }
  const previous = options.keepPrevious === false ? undefined : latest?.plan;
  const solved = await solveStage(run, read, previous);
  const tPlan = performance.now();
  let plan = planFromSolution({
    setup,
    built: solved.built,
    solution: solved.solution,
    marketplaceId: options.marketplaceId,
  });
  plan = { ...plan, inputSignature: signatureOf(plan), ...(solved.cutShort ? { cutShort: true } : {}) };
  run.timings['plan'] = Math.round(performance.now() - tPlan);
  const planId = await createPlan(run);
  return { planId, plan, resumed: false, solvedAt: solved.solvedAt, heldSlots, issues: solved.issues };
}

function isUnchanged(
  run: RunContext,
  read: ReadJobs,
  latest: StoredPlan,
  signatureOf: (plan: Plan) => string,
): boolean {
  const { options } = run;
  return (
    options.keepPrevious !== false &&
    run.unavailable.size === 0 &&
    options.freezeMinutes === undefined &&
    latest.status === 'succeeded' &&
    // A plan a deadline cut short is not final: solve again, starting from it.
    latest.plan.cutShort !== true &&
    latest.plan.inputSignature !== undefined &&
    latest.plan.inputSignature === signatureOf(latest.plan) &&
    appointmentsAsPlanned(latest.plan, read.byId)
  );
}

/** Geography, then the solve passes; `previous` is the plan in force, kept where Amazon holds it. */
async function solveStage(run: RunContext, read: ReadJobs, previous: Plan | undefined) {
  const { deps, options, progress, setup, timed } = run;
  const located = await timed('geocode', async () => {
    const step = progress.start('geocode', 'Geocoding');
    const r = await locate(read.jobs, setup, deps.geocoder, (p) => step.update(p.done, p.total));
    step.done(`${r.points.length} distinct places`);
    return r;
  });
  const matrix = await timed('matrix', async () => {
    const step = progress.start('matrix', 'Travel matrix');
    const m = await deps.travel.matrix(located.points);
    step.done(`${located.points.length}×${located.points.length}`);
    return m;
  });
  const keep =
    options.keepPrevious === false ? new Map<string, Placement>() : placementsToKeep(previous, located.jobs);
  const solved = await timed('solve', () =>
    solvePasses(
      { setup, located, matrix, keep, previous, now: run.now },
      options,
      progress,
      deps.solve ?? solveInWorker,
    ),
  );
  return { ...solved, solvedAt: performance.now(), issues: located.issues };
}

function createPlan(run: RunContext): Promise<string> {
  const { options } = run;
  return run.deps.store.createPlan({
    days: run.setup.days,
    storeIds: run.storeIds,
    ...(options.planId !== undefined ? { planId: options.planId } : {}),
    ...(options.kind !== undefined ? { kind: options.kind } : {}),
  });
}

/** The capacity read of Amazon's reserved slots, started now and awaited after the solve. */
function readCapacity(run: RunContext, read: ReadJobs): CapacityRead {
  const { setup } = run;
  const t0 = performance.now();
  const resources = prefetchable(
    setup.technicians.filter((t) => t.shifts.length > 0).map((t) => t.technicianId),
    read.ledger.reservations,
    setup.horizon,
  );
  return readHeldSlots(run.deps.services, run.options.marketplaceId, resources, setup.horizon).then(
    (ok) => {
      run.timings['capacity-prefetch'] = Math.round(performance.now() - t0);
      return { ok };
    },
    (err: unknown) => ({ err }),
  );
}
