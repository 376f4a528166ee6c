/**
 * `fieldplan report` on a stored plan and the run's own report agree, over several seeded
 * sellers: the same KPIs (worked out again from the stored plan by the one KPI computation,
 * not copied from the run), the routes' times in the same local zone, named, and stores and
 * technicians by name.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlanning, type RunResult } from '../../src/pipeline/run.ts';
import { storePort } from '../../src/pipeline/adapters/store.ts';
import { reportMarkdown, storedPlanReport, type PlanReport } from '../../src/report/plan-report.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import type { Plan } from '../../src/pipeline/write/plan.ts';
import { runInProcess } from '../cli/support/cli.ts';
import { deps, runOptions, startWorld, tempDir, type World } from './support/world.ts';

const SELLERS = [
  { seed: 7, technicians: 4, jobs: 40, days: 1 },
  { seed: 9, technicians: 3, jobs: 45, days: 2 },
  { seed: 12, technicians: 5, jobs: 30, days: 1 },
];

interface Case {
  world: World;
  db: string;
  store: Store;
  result: RunResult;
}

const shiftLines = (md: string): string[] =>
  md.split('\n').filter((l) => l.startsWith('### ') || l.startsWith('Shift '));

describe.each(SELLERS)('stored plan report and run report (seed $seed)', (seller) => {
  let c: Case;
  beforeAll(async () => {
    const world = await startWorld({ seed: seller.seed, technicians: seller.technicians, jobs: seller.jobs });
    const db = join(tempDir(), 'fieldplan.db');
    const store = await openStore(db);
    const result = await runPlanning(
      runOptions(world, { apply: false, days: seller.days, seed: seller.seed }),
      deps(world, storePort(store, { actor: 'test' })),
    );
    c = { world, db, store, result };
  }, 300_000);
  afterAll(async () => {
    await c?.store.close();
    await c?.world.close();
  });

  it('`fieldplan report` prints the KPIs of the run and its shifts in the store zone, named', async () => {
    const cli = await runInProcess(['report', '--plan', c.result.planId, '--json', '--db', c.db]);
    expect(cli.stderr).toBe('');
    expect(cli.status).toBe(0);
    const printed = JSON.parse(cli.stdout) as PlanReport;
    expect(printed.kpis).toEqual(c.result.report.kpis);
    expect(c.result.report.routes.length).toBeGreaterThan(0);
    const zone = c.world.config.stores[0]!.timeZone;
    expect(printed.routes.map((r) => [r.routeId, r.timeZone, r.shift, r.technicianNames])).toEqual(
      c.result.report.routes.map((r) => [r.routeId, r.timeZone, r.shift, r.technicianNames]),
    );
    for (const r of printed.routes) expect(r.timeZone).toBe(zone);
    const md = (await runInProcess(['report', '--plan', c.result.planId, '--db', c.db])).stdout;
    expect(shiftLines(md)).toEqual(shiftLines(reportMarkdown(c.result.report)));
    expect(md).toMatch(new RegExp(`Shift \\d\\d:\\d\\d–\\d\\d:\\d\\d \\(${zone.replace('/', '\\/')}\\)`));
    if (zone !== 'UTC') expect(md).not.toContain('(UTC)');
    // Technicians and the store by name in the headings, not their ids.
    const names = new Map(c.world.config.technicians.map((t) => [t.resourceId, t.name]));
    for (const r of printed.routes)
      expect(r.technicianNames).toEqual(r.technicianIds.map((id) => names.get(id)));
    const storeName = c.world.config.stores[0]!.name;
    if (storeName !== undefined) expect(md).toContain(`store ${storeName}`);
  });

  it('works the same KPIs out of the stored plan alone, without the ones the run stored', async () => {
    const record = await c.store.plans.get(c.result.planId);
    const plan = record!.plan as Plan;
    expect(plan.roster?.length).toBeGreaterThan(0);
    const stored = storedPlanReport(c.result.planId, plan, 0, null);
    expect(stored.kpis).toEqual(c.result.report.kpis);
    // Utilisation is measured against every technician on shift, routed or not.
    const shift = plan.roster!.reduce((n, s) => n + (s.end - s.start), 0);
    const service = plan.routes.reduce((n, r) => n + r.service, 0);
    expect(Math.abs(stored.kpis.utilisationPct - (100 * service) / shift)).toBeLessThanOrEqual(0.0501);
    // On-time risk is counted from the visits' own latest starts, which the plan recorded.
    const risky = new Set(
      plan.routes.flatMap((r) =>
        r.stops
          .filter(
            (s) =>
              s.latestStart !== undefined &&
              (s.latestStart - s.arrival < 15 * 60_000 || s.start > s.latestStart),
          )
          .map((s) => s.serviceJobId),
      ),
    );
    expect(stored.kpis.onTimeRisk).toBe(risky.size);
  });

  it('names the store and technicians in the reasons of jobs not planned, never their ids', () => {
    const store = c.world.config.stores[0]!;
    const reasons = c.result.report.unassigned.filter((u) => u.level === 'error').map((u) => u.reason);
    for (const reason of reasons) {
      if (store.name !== undefined) expect(reason).not.toMatch(new RegExp(`\\b${store.storeId}\\b`));
      for (const t of c.world.config.technicians)
        expect(reason).not.toContain(`; ${t.resourceId} is kept free`);
    }
  });
});

describe('a plan stored before it recorded its roster', () => {
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
  }, 300_000);
  afterAll(async () => {
    await store?.close();
    await world?.close();
  });

  it('shows the KPIs its run stored, and works the rest out from the routes', async () => {
    const record = await store.plans.get(result.planId);
    const { roster: _roster, excluded: _excluded, ...older } = record!.plan as Plan;
    const stored = storedPlanReport(result.planId, older, 0, { ...result.report.kpis, utilisationPct: 12.5 });
    expect(stored.kpis.utilisationPct).toBe(12.5);
    expect(stored.kpis.jobsPlanned).toBe(result.report.kpis.jobsPlanned);
    const bare = storedPlanReport(result.planId, older, 0, null);
    expect(bare.kpis.jobsPlanned).toBe(result.report.kpis.jobsPlanned);
    expect(bare.kpis.travelHours).toBe(result.report.kpis.travelHours);
  });
});
