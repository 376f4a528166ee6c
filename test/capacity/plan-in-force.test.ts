/**
 * The capacity view reads the plan in force: one day of a three-day applied plan comes from
 * that plan, and a later optimize-today plan for the first day takes over that day only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capacityReport } from '../../src/capacity/index.ts';
import { runPlanning } from '../../src/pipeline/run.ts';
import { deps as runDeps, runOptions } from '../pipeline/support/world.ts';
import { capacityWorld, type CapacityWorld } from './support.ts';

function dayAfter(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

describe('capacity from the plan in force', () => {
  let cw: CapacityWorld;
  let nightly: string;
  const report = (from: string, to: string, withHistory = true) =>
    capacityReport(withHistory ? cw.deps : { ...cw.deps, plans: undefined }, {
      storeId: cw.storeId,
      from,
      to,
      skill: cw.world.config.technicians[0]!.skills[0]!,
      slotMinutes: 120,
    });

  beforeAll(async () => {
    cw = await capacityWorld({ apply: true, days: 3, iterations: 150 });
    nightly = (await cw.db.plans.list({ storeId: cw.storeId, limit: 5 })).find(
      (p) => p.kind === 'nightly',
    )!.planId;
  }, 180_000);
  afterAll(async () => cw?.close());

  it('reads any single day and any sub-range of the stored plan from it', async () => {
    for (const [from, to] of [
      [dayAfter(cw.world.date, 1), dayAfter(cw.world.date, 1)],
      [dayAfter(cw.world.date, 1), dayAfter(cw.world.date, 2)],
      [cw.world.date, dayAfter(cw.world.date, 2)],
    ] as const) {
      const r = (await report(from, to)).report;
      expect(r.routesFrom).toBe('plan');
      expect(r.planIds).toEqual([nightly]);
    }
    // Matching the period exactly (no plan history) misses the plan for a single day.
    const exact = (await report(dayAfter(cw.world.date, 1), dayAfter(cw.world.date, 1), false)).report;
    expect(exact.routesFrom).toBe('booked-appointments');
  });

  it("takes the optimize-today plan for its day and the nightly plan's for the others", async () => {
    const run = await runPlanning(
      runOptions(cw.world, { apply: true, days: 1, kind: 'optimize_today', solverIterations: 100, seed: 3 }),
      runDeps(cw.world, cw.store),
    );
    const r = (await report(cw.world.date, dayAfter(cw.world.date, 2))).report;
    expect(r.routesFrom).toBe('plan');
    expect(r.planIds).toEqual([run.planId, nightly]);
    const first = (await report(cw.world.date, cw.world.date)).report;
    expect(first.planIds).toEqual([run.planId]);
  });
});
