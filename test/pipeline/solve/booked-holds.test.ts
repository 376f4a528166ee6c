/**
 * Capacity holds take from servable work only what Amazon's capacity lacks: a job the plan
 * served before the "room for booked work" passes and not after was last tried free to move
 * (never kept pinned at its old start next to a hold), and no job that had no pin of its own
 * is reported `PIN_UNSATISFIABLE`. The seeded nightly where both were seen (seed 7,
 * one store, five technicians, 60 jobs, three days) and a few other seeded sellers. The
 * solves are watched through the run's solver port; hold passes are the ones with hold breaks.
 */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { Problem } from '../../../solver/problem.ts';
import type { Solution } from '../../../solver/solution.ts';
import { HOLD_BREAK_PREFIX } from '../../../src/pipeline/solve/booked-holds.ts';
import { runPlanning } from '../../../src/pipeline/run.ts';
import { solveInWorker, type SolveRequest } from '../../../src/pipeline/solve/solve-in-worker.ts';
import { deps, runOptions, sqliteStore, startWorld, tempDir } from '../support/world.ts';

const DATE = '2026-11-24';
const NOW = DateTime.fromISO('2026-11-23T18:00', { zone: 'America/Los_Angeles' }).toMillis();

const withHolds = (p: Problem): boolean =>
  p.technicians.some((t) => (t.breaks ?? []).some((b) => b.id?.startsWith(HOLD_BREAK_PREFIX)));
const servedBy = (s: Solution): Set<string> => new Set(s.routes.flatMap((r) => r.visits.map((v) => v.job)));

async function nightly(seed: number, technicians: number, jobs: number, days: number) {
  const clock = (): Date => new Date(NOW);
  const world = await startWorld({ seed, technicians, jobs, stores: 1, clock, date: DATE });
  const store = await sqliteStore(tempDir());
  const solves: { holds: boolean; served: Set<string>; problem: Problem }[] = [];
  const solve = async (req: SolveRequest): Promise<Solution> => {
    const s = await solveInWorker(req);
    solves.push({ holds: withHolds(req.problem), served: servedBy(s), problem: req.problem });
    return s;
  };
  try {
    const r = await runPlanning(runOptions(world, { days, apply: false, solverIterations: 300 }), {
      ...deps(world, store),
      clock,
      solve,
    });
    return { plan: r.plan, solves };
  } finally {
    await store.close();
    await world.close();
  }
}

function check({ plan, solves }: Awaited<ReturnType<typeof nightly>>): void {
  const beforeHolds = solves.filter((s) => !s.holds).at(-1)!.served;
  const served = new Set(plan.appointments.map((a) => a.serviceJobId));
  const lost = [...beforeHolds].filter((id) => !served.has(id));
  // A job a hold leaves out was last tried free to move (no start pinned): only Amazon's
  // capacity, not a pin next to the hold, keeps it out.
  const last = solves.filter((s) => s.holds).at(-1)?.problem;
  for (const id of lost) {
    const job = last?.jobs.find((j) => j.id === id);
    expect(job?.pin?.start, id).toBeUndefined();
  }
  const frozenOrUnderWay = plan.unassigned.filter((u) => u.reason === 'PIN_UNSATISFIABLE');
  // Nothing in these seeded nights is frozen (planned the evening before).
  expect(frozenOrUnderWay.map((u) => u.serviceJobId)).toEqual([]);
  const ids = plan.unassigned.map((u) => u.serviceJobId);
  expect(ids.length).toBe(new Set(ids).size);
}

describe('capacity holds', () => {
  it('seed 7, 5 technicians, 60 jobs, 3 days: no job is dropped by the pin of a hold', async () => {
    check(await nightly(7, 5, 60, 3));
  }, 180_000);

  it.each([
    [3, 4, 40, 2],
    [11, 5, 50, 2],
  ])(
    'seed %i, %i technicians, %i jobs, %i days: no job is dropped by the pin of a hold',
    async (...a) => {
      check(await nightly(...a));
    },
    180_000,
  );
});
