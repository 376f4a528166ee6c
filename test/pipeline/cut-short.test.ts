/**
 * A plan a deadline cut short is not final: the "nothing changed" rerun solves again instead
 * of keeping it, while a plan that was not cut short is kept as before.
 */
import { describe, expect, it } from 'vitest';
import { runPlanning } from '../../src/pipeline/run.ts';
import { solveInWorker, type SolveRequest } from '../../src/pipeline/solve/solve-in-worker.ts';
import { deps, runOptions, sqliteStore, startWorld, tempDir } from './support/world.ts';

/** The solver as it answers when its time limit ran out before its first plan was polished. */
async function cutShortSolve(req: SolveRequest) {
  const s = await solveInWorker(req);
  return { ...s, stats: { ...s.stats, cutShort: true as const } };
}

describe('a plan cut short by the deadline', () => {
  it('is solved again by a rerun with nothing changed', async () => {
    const world = await startWorld({ seed: 7, stores: 1, technicians: 3, jobs: 15 });
    const store = await sqliteStore(tempDir());
    try {
      const first = await runPlanning(runOptions(world), { ...deps(world, store), solve: cutShortSolve });
      expect(first.plan.cutShort).toBe(true);
      expect(first.report.writeBack.failures).toEqual([]);
      const again = await runPlanning(runOptions(world), deps(world, store));
      expect(again.timingsMs['solve']).toBeDefined();
      expect(again.plan.cutShort).toBeUndefined();
      // Now final: the next rerun keeps it without solving.
      const third = await runPlanning(runOptions(world), deps(world, store));
      expect(third.timingsMs['solve']).toBeUndefined();
    } finally {
      await store.close();
      await world.close();
    }
  }, 120_000);

  it('is marked when the pass began after the deadline', async () => {
    const world = await startWorld({ seed: 7, stores: 1, technicians: 3, jobs: 15 });
    const store = await sqliteStore(tempDir());
    try {
      const late = await runPlanning(
        runOptions(world, { apply: false, solverIterations: undefined, solverSeconds: 1, solveDeadline: 0 }),
        deps(world, store),
      );
      expect(late.plan.cutShort).toBe(true);
      expect(late.plan.appointments.length).toBeGreaterThan(0);
    } finally {
      await store.close();
      await world.close();
    }
  }, 120_000);
});
