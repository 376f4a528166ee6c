/**
 * Route-aware slot offers for one job, on the sandbox's seeded seller after a stored plan: the
 * ranking follows the marginal route cost, each offered window's cost is the cheapest of every
 * placement on every route (enumerated here without the search), a window left unservable has
 * no feasible placement at all and says why; and the HTTP route answers it, 404 for an unknown
 * job, 400 naming a wrong field, without buyer data.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileProblem, type Problem } from '../../solver/index.ts';
import { scheduleRoute } from '../../solver/schedule.ts';
import { loadDayModel, withProbes, type DayModel } from '../../src/capacity/index.ts';
import { evaluateJobWindows, rankJobSlots } from '../../src/capacity/job-slots.ts';
import { runPlanning } from '../../src/pipeline/run.ts';
import { deps, runOptions } from '../pipeline/support/world.ts';
import { startApiWorld, type ApiWorld } from '../api/support/api-world.ts';

/** Cheapest marginal cost of the job in window k over every route and position, or Infinity. */
function bruteForce(model: DayModel, jobId: string, k: number): number {
  const base = model.built.problem;
  const job = base.jobs.find((j) => j.id === jobId)!;
  const probe = { ...job, id: 'probe', windows: [job.windows![k]!] };
  const technicians = base.technicians.map((t) =>
    t.allowedJobs?.includes(jobId) === true ? { ...t, allowedJobs: [...t.allowedJobs, 'probe'] } : t,
  );
  const problem: Problem = { ...base, jobs: [...base.jobs, probe], technicians };
  const cp = compileProblem(problem);
  const idx = new Map(problem.jobs.map((j, i) => [j.id, i]));
  const p = idx.get('probe')!;
  let best = Infinity;
  for (const [t, tech] of problem.technicians.entries()) {
    if (cp.compat[t * cp.nJobs + p] === 0) continue;
    const route = model.routes.find((r) => r.routeId === tech.id);
    const seq = (route?.jobIds ?? []).filter((id) => id !== jobId).map((id) => idx.get(id)!);
    const c0 = scheduleRoute(cp, t, seq, seq.length);
    if (c0 === Infinity) continue;
    for (let g = 0; g <= seq.length; g++) {
      const next = withProbes(seq, [p], [g]);
      best = Math.min(best, scheduleRoute(cp, t, next, next.length) - c0);
    }
  }
  return best;
}

describe('slot offers for one job', () => {
  let w: ApiWorld;
  let model: DayModel;
  let pending: string[];

  beforeAll(async () => {
    w = await startApiWorld();
    await runPlanning(
      runOptions(w.world, { apply: false, solverIterations: 150 }),
      deps(w.world, w.api.ctx.pipelineStore),
    );
    const storeId = w.world.sandbox.seededStores()[0]!.storeId;
    model = await loadDayModel(
      { ...deps(w.world, w.api.ctx.pipelineStore), plans: w.api.ctx.store.plans },
      { storeId, from: w.world.date, days: 1, marketplaceId: w.world.sandbox.marketplaceId },
    );
    pending = [...model.jobs.values()]
      .filter((j) => j.activeAppointment === undefined && j.pin === undefined)
      .map((j) => j.serviceJobId)
      .filter((id) => model.built.problem.jobs.some((j) => j.id === id));
  }, 120_000);
  afterAll(async () => w?.close());

  it('ranks by marginal cost; each cost is the cheapest placement; unservable windows have none', () => {
    expect(pending.length).toBeGreaterThan(3);
    fc.assert(
      fc.property(fc.constantFrom(...pending), (jobId) => {
        const slots = rankJobSlots(model, jobId);
        const evals = evaluateJobWindows(model, jobId);
        const servable = slots.filter((s) => s.servable);
        expect(servable.map((s) => s.rank)).toEqual(servable.map((_s, i) => i + 1));
        for (let i = 1; i < servable.length; i++)
          expect(servable[i]!.marginalCost!).toBeGreaterThanOrEqual(servable[i - 1]!.marginalCost!);
        for (const s of slots.filter((x) => !x.servable)) {
          expect(s.rank).toBeNull();
          expect(s.reason?.code).toMatch(/no-qualified-technician|no-shift|no-room/);
        }
        for (const [k, e] of evals.entries()) {
          const brute = bruteForce(model, jobId, k);
          if (e.best === undefined) expect(brute).toBe(Infinity);
          else expect(e.best.cost).toBeCloseTo(brute, 6);
        }
      }),
      { numRuns: 8, seed: 3 },
    );
  });

  it('answers over HTTP (viewer), 404 for an unknown job, 400 naming a wrong field', async () => {
    const jobId = pending[0]!;
    const ok = await w.call('GET', `/v1/jobs/${jobId}/slots?from=${w.world.date}&days=1`);
    expect(ok.status).toBe(200);
    const body = ok.body as { slots: { servable: boolean; rank: number | null }[]; routesFrom: string };
    expect(body.routesFrom).toBe('plan');
    expect(body.slots.length).toBeGreaterThan(0);
    for (const j of w.world.sandbox.snapshot().jobs) {
      for (const p of [j.buyer?.name, j.serviceLocation?.address?.addressLine1])
        if (typeof p === 'string' && p.length > 3) expect(ok.text).not.toContain(p);
    }
    expect((await w.call('GET', `/v1/jobs/NO-SUCH-JOB/slots`)).status).toBe(404);
    const bad = await w.call('GET', `/v1/jobs/${jobId}/slots?days=0`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('query.days');
    expect((await w.call('GET', `/v1/jobs/${jobId}/slots`, { token: null })).status).toBe(401);
  });
});
