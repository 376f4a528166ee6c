/**
 * A second `plan --apply` with nothing changed makes no write call, whatever the seller: a
 * property over sandbox seeds and sizes (store counts, crews, jobs, one or two days). Each
 * case also checks the first run was refused nothing, so Amazon holds the whole plan.
 * `FC_SEED=<n>` explores other sellers; `RERUN_CASES=<n>` runs more of them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runPlanning } from '../../src/pipeline/run.ts';
import { deps, endState, runOptions, sqliteStore, startWorld, tempDir, writeCalls } from './support/world.ts';

const CASES = Number(process.env['RERUN_CASES'] ?? 4);

describe('rerun with nothing changed', () => {
  it(
    'makes zero write calls and leaves Amazon as it was, for every seeded seller',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            seed: fc.integer({ min: 1, max: 100_000 }),
            stores: fc.integer({ min: 1, max: 2 }),
            technicians: fc.integer({ min: 2, max: 6 }),
            jobs: fc.integer({ min: 10, max: 45 }),
            days: fc.integer({ min: 1, max: 2 }),
          }),
          async ({ seed, stores, technicians, jobs, days }) => {
            const world = await startWorld({
              seed,
              stores,
              technicians: Math.max(technicians, stores),
              jobs,
            });
            const store = await sqliteStore(tempDir());
            try {
              const first = await runPlanning(runOptions(world, { days }), deps(world, store));
              expect(first.report.writeBack.failures).toEqual([]);
              expect(first.report.writeBack.inDoubt).toBe(0);
              const state = endState(world.sandbox);
              const before = world.sandbox.requestLog.length;
              const again = await runPlanning(runOptions(world, { days }), deps(world, store));
              expect(again.operations.map((op) => op.key)).toEqual([]);
              expect(writeCalls(world.sandbox, before)).toBe(0);
              expect(endState(world.sandbox)).toEqual(state);
            } finally {
              await store.close();
              await world.close();
            }
          },
        ),
        { numRuns: CASES },
      );
    },
    60_000 + CASES * 30_000,
  );
});
