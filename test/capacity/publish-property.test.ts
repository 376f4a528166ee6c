/**
 * Over seeded sellers (1 store, 3–5 technicians, 30–60 jobs, 1–3 days): after an applied plan
 * and one publish, Amazon's slot capacity for every ASIN and start, read back from the sandbox,
 * is never more than the routes can absorb and is exactly what the shared model predicted; a
 * second publish makes no call; every under-offered window is listed with reasons that add up
 * to the shortfall. A re-plan takes the holds over and one publish settles again. One day of a
 * longer plan is read from that plan.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capacityReport } from '../../src/capacity/index.ts';
import { publishCapacity } from '../../src/capacity/publish.ts';
import { runPlanning } from '../../src/pipeline/run.ts';
import { deps as runDeps, runOptions, writeCalls } from '../pipeline/support/world.ts';
import { readBack } from './read-back.ts';
import { capacityWorld, type CapacityWorld } from './support.ts';

async function publishAndCheck(cw: CapacityWorld, from: string, to: string) {
  const d = { ...cw.deps, db: cw.db, services: cw.services, actor: 'test' };
  const first = await publishCapacity(d, { storeId: cw.storeId, from, to });
  expect(first.outcome === 'succeeded' || first.outcome === 'nothing-to-do').toBe(true);
  const back = await readBack(cw, first);
  expect(back.overOffers).toEqual([]);
  expect(back.mispredicted).toEqual([]);
  for (const o of first.offers) expect(o.offered).toBeLessThanOrEqual(o.engine);
  const short = first.offers.filter((o) => o.offered < o.engine);
  expect(first.underOffered.map((u) => `${u.asin}|${u.skills.join()}|${u.start}`).sort()).toEqual(
    short.map((u) => `${u.asin}|${u.skills.join()}|${u.start}`).sort(),
  );
  for (const u of first.underOffered) {
    expect(u.reasons.length).toBeGreaterThan(0);
    expect(u.reasons.reduce((n, r) => n + r.count, 0)).toBe(u.shortBy);
  }
  const mark = cw.world.sandbox.requestLog.length;
  const second = await publishCapacity(d, { storeId: cw.storeId, from, to });
  expect(second.outcome).toBe('nothing-to-do');
  expect(writeCalls(cw.world.sandbox, mark)).toBe(0);
  return first;
}

describe('capacity publish over seeded sellers', () => {
  it('never over-offers, settles in one publish, explains every shortfall', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          seed: fc.integer({ min: 1, max: 10_000 }),
          technicians: fc.integer({ min: 3, max: 5 }),
          jobs: fc.integer({ min: 30, max: 60 }),
          days: fc.integer({ min: 1, max: 3 }),
        }),
        async ({ seed, technicians, jobs, days }) => {
          const cw = await capacityWorld({
            apply: true,
            days,
            iterations: 120,
            sandbox: { seed, technicians, jobs },
          });
          try {
            const from = cw.world.date;
            const to = lastDay(from, days);
            const first = await publishAndCheck(cw, from, to);
            expect(first.routesFrom).toBe('plan');

            // One day of the plan's period is read from that plan.
            const one = await capacityReport(cw.deps, {
              storeId: cw.storeId,
              from: to,
              to,
              skill: first.kinds[0]!.skills[0]!,
              slotMinutes: 120,
            });
            expect(one.report.routesFrom).toBe('plan');
            expect(one.report.planIds).toEqual(first.planIds);

            // A re-plan takes the holds over; one publish settles again.
            await runPlanning(
              runOptions(cw.world, { apply: true, days, solverIterations: 120, seed: 2 }),
              runDeps(cw.world, cw.store),
            );
            await publishAndCheck(cw, from, to);
          } finally {
            await cw.close();
          }
        },
      ),
      { numRuns: 3, seed: 14 },
    );
  }, 600_000);
});

function lastDay(from: string, days: number): string {
  const d = new Date(`${from}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days - 1);
  return d.toISOString().slice(0, 10);
}
