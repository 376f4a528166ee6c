/**
 * `fieldplan report` on a stored plan and the run's own report agree: the same KPIs (the run's
 * one computation, stored with the plan) and the routes' times in the same local zone, named.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlanning, type RunResult } from '../../src/pipeline/run.ts';
import { storePort } from '../../src/pipeline/adapters/store.ts';
import { reportMarkdown, storedPlanReport } from '../../src/report/plan-report.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import type { Plan } from '../../src/pipeline/write/plan.ts';
import { deps, runOptions, startWorld, tempDir, type World } from './support/world.ts';

describe('stored plan report and run report', () => {
  let world: World;
  let store: Store;
  let result: RunResult;
  beforeAll(async () => {
    world = await startWorld({ seed: 7 });
    store = await openStore(join(tempDir(), 'fieldplan.db'));
    result = await runPlanning(
      runOptions(world, { apply: false }),
      deps(world, storePort(store, { actor: 'test' })),
    );
  });
  afterAll(async () => {
    await store?.close();
    await world?.close();
  });

  it('show the same KPIs and the same local shift times, in the zone of the store', async () => {
    const record = await store.plans.get(result.planId);
    expect(record?.plan).not.toBeNull();
    const stored = storedPlanReport(result.planId, record!.plan as Plan, Date.now(), record!.kpis);
    expect(stored.kpis).toEqual(result.report.kpis);
    expect(result.report.routes.length).toBeGreaterThan(0);
    const zone = world.config.stores[0]!.timeZone;
    expect(stored.routes.map((r) => [r.routeId, r.timeZone, r.shift])).toEqual(
      result.report.routes.map((r) => [r.routeId, r.timeZone, r.shift]),
    );
    for (const r of stored.routes) expect(r.timeZone).toBe(zone);
    const shiftLines = (md: string): string[] =>
      md.split('\n').filter((l) => l.startsWith('### ') || l.startsWith('Shift '));
    expect(shiftLines(reportMarkdown(stored))).toEqual(shiftLines(reportMarkdown(result.report)));
    expect(reportMarkdown(stored)).toContain(`(${zone})`);
  });

  it('names the store and technicians in the reasons of jobs not planned, never their ids', () => {
    const store = world.config.stores[0]!;
    const reasons = result.report.unassigned.filter((u) => u.level === 'error').map((u) => u.reason);
    expect(reasons.length).toBeGreaterThan(0);
    expect(store.name).toBeDefined();
    for (const reason of reasons) {
      expect(reason).not.toContain(store.storeId);
      if (reason.includes(' store ')) expect(reason).toContain(`store ${store.name}`);
      for (const t of world.config.technicians)
        expect(reason).not.toContain(`; ${t.resourceId} is kept free`);
    }
  });

  it('works the KPIs out from the routes for a plan stored without them', async () => {
    const record = await store.plans.get(result.planId);
    const stored = storedPlanReport(result.planId, record!.plan as Plan, Date.now(), null);
    expect(stored.kpis.jobsPlanned).toBe(result.report.kpis.jobsPlanned);
    expect(stored.kpis.travelHours).toBe(result.report.kpis.travelHours);
  });
});
