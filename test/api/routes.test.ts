/**
 * Every route of the API over real HTTP against a server backed by the local sandbox:
 * happy path, no token (401), a scope too low (403). Personal data only for planner/admin.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiWorld, waitForPlan, type ApiWorld } from './support/api-world.ts';

describe('API routes', () => {
  let w: ApiWorld;
  let planId: string;
  beforeAll(async () => {
    w = await startApiWorld();
    const started = await w.call('POST', '/v1/plans', {
      token: 'planner',
      body: { from: w.world.date, apply: true, solverSeconds: 1, seed: 3 },
    });
    expect(started.status, started.text).toBe(202);
    planId = (started.body as { planId: string }).planId;
    await waitForPlan(w, planId);
  });
  afterAll(async () => {
    await w?.close();
  });

  const routes: { method: string; path: () => string; scope: string; body?: () => unknown }[] = [
    { method: 'GET', path: () => '/v1/plans', scope: 'viewer' },
    { method: 'GET', path: () => `/v1/plans/${planId}`, scope: 'viewer' },
    { method: 'POST', path: () => '/v1/plans', scope: 'planner', body: () => ({ from: w.world.date }) },
    {
      method: 'POST',
      path: () => '/v1/optimize-today',
      scope: 'planner',
      body: () => ({ storeId: w.world.config.stores[0]!.storeId, timeBudgetMs: 1000 }),
    },
    { method: 'POST', path: () => '/v1/solve', scope: 'planner', body: () => ({}) },
    { method: 'POST', path: () => `/v1/plans/${planId}/apply`, scope: 'planner', body: () => ({}) },
    {
      method: 'GET',
      path: () => `/v1/board?storeId=${w.world.config.stores[0]!.storeId}&date=${w.world.date}`,
      scope: 'viewer',
    },
    { method: 'GET', path: () => '/metrics', scope: 'viewer' },
    { method: 'GET', path: () => '/v1/tokens', scope: 'admin' },
  ];

  it('refuses every route without a token (401)', async () => {
    for (const r of routes) {
      const res = await w.call(r.method, r.path(), { token: null, ...(r.body ? { body: r.body() } : {}) });
      expect(res.status, `${r.method} ${r.path()}`).toBe(401);
      expect(res.body).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    }
  });

  it('refuses every planner or admin route to a viewer (403)', async () => {
    for (const r of routes.filter((x) => x.scope !== 'viewer')) {
      const res = await w.call(r.method, r.path(), {
        token: 'viewer',
        ...(r.body ? { body: r.body() } : {}),
      });
      expect(res.status, `${r.method} ${r.path()}`).toBe(403);
      expect(res.body).toMatchObject({ error: { code: 'FORBIDDEN' } });
    }
  });

  it('runs a plan in the background and reports it with its journal summary', async () => {
    const r = await w.call('GET', `/v1/plans/${planId}`);
    expect(r.status).toBe(200);
    const p = r.body as {
      status: string;
      kind: string;
      report: { kpis: { jobsPlanned: number }; routes: unknown[] };
      journal: { entries: number; byState: Record<string, number> };
    };
    expect(p.kind).toBe('nightly');
    expect(p.status).toBe('succeeded');
    expect(p.report.kpis.jobsPlanned).toBeGreaterThan(0);
    expect(p.journal.entries).toBeGreaterThan(0);
    expect(p.journal.byState['succeeded']).toBe(p.journal.entries);
    const list = await w.call('GET', '/v1/plans?limit=5');
    expect((list.body as { plans: { planId: string }[] }).plans.map((x) => x.planId)).toContain(planId);
    expect(JSON.stringify(r.body)).not.toMatch(/555-01/);
  });

  it('refuses a second plan for the same stores while one runs (409)', async () => {
    const first = await w.call('POST', '/v1/plans', {
      token: 'planner',
      body: { from: w.world.date, solverSeconds: 2 },
    });
    expect(first.status).toBe(202);
    const second = await w.call('POST', '/v1/plans', { token: 'planner', body: { from: w.world.date } });
    expect(second.status).toBe(409);
    await waitForPlan(w, (first.body as { planId: string }).planId);
  });

  it('applies a reviewed optimize-today dry run; an older plan is refused as stale', async () => {
    const storeId = w.world.config.stores[0]!.storeId;
    const dry = await w.call('POST', '/v1/optimize-today', {
      token: 'planner',
      body: { storeId, timeBudgetMs: 1000 },
    });
    expect(dry.status, dry.text).toBe(200);
    const preview = dry.body as {
      planId: string;
      applied: boolean;
      diff: { added: unknown[]; unchanged: number };
    };
    expect(preview.applied).toBe(false);
    const applied = await w.call('POST', `/v1/plans/${preview.planId}/apply`, { token: 'planner', body: {} });
    expect(applied.status, applied.text).toBe(200);
    expect(applied.body).toMatchObject({
      planId: preview.planId,
      applied: true,
      writeBack: { failures: [], inDoubt: 0 },
    });
    const record = await w.call('GET', `/v1/plans/${preview.planId}`);
    expect((record.body as { kind: string; status: string }).kind).toBe('optimize_today');
    // A newer nightly plan for the same day exists (the 409 test made one): the first is stale.
    const stale = await w.call('POST', `/v1/plans/${planId}/apply`, { token: 'planner', body: {} });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ error: { code: 'STALE_PLAN' } });
    const missing = await w.call('POST', '/v1/plans/00000000-0000-4000-8000-000000000000/apply', {
      token: 'planner',
      body: {},
    });
    expect(missing.status).toBe(404);
  });

  it('draws the board: one route per technician with work, no buyer data for a viewer', async () => {
    const storeId = w.world.config.stores[0]!.storeId;
    const viewer = await w.call('GET', `/v1/board?storeId=${storeId}&date=${w.world.date}&planId=${planId}`);
    expect(viewer.status, viewer.text).toBe(200);
    const board = viewer.body as {
      planId: string;
      timeZone: string;
      bounds: number[];
      routes: {
        technicianIds: string[];
        stops: { buyer?: unknown; lat: number; risk: string }[];
        blocks: { kind: string }[];
      }[];
      technicians: { resourceId: string }[];
    };
    expect(board.planId).toBe(planId);
    expect(board.routes.length).toBeGreaterThan(0);
    const techs = board.routes.flatMap((r) => r.technicianIds);
    expect(new Set(techs).size).toBe(techs.length);
    expect(board.routes.every((r) => r.stops.every((s) => s.buyer === undefined && s.lat !== 0))).toBe(true);
    expect(board.routes.every((r) => r.blocks.some((b) => b.kind === 'service'))).toBe(true);
    expect(board.bounds[0]!).toBeLessThan(board.bounds[2]!);
    const planner = await w.call('GET', `/v1/board?storeId=${storeId}&date=${w.world.date}`, {
      token: 'planner',
    });
    expect(planner.status).toBe(200);
    const stops = (planner.body as typeof board).routes.flatMap((r) => r.stops) as {
      buyer?: { name: string; address: string };
    }[];
    expect(
      stops.every((s) => s.buyer !== undefined && s.buyer.name.length > 0 && s.buyer.address.length > 0),
    ).toBe(true);
    const none = await w.call('GET', `/v1/board?storeId=${storeId}&date=2030-01-07`);
    expect(none.status).toBe(404);
    expect(none.body).toMatchObject({
      error: { code: 'NOT_FOUND', message: expect.stringContaining('no plan') },
    });
  });

  it('solves a fieldplan problem and a VROOM input', async () => {
    const problem = {
      jobs: [
        { id: 'a', location: 1, duration: 600 },
        { id: 'b', location: 2, duration: 600 },
      ],
      technicians: [{ id: 't', start: 0, end: 0, shift: { start: 0, end: 36_000 } }],
      matrices: {
        durations: [
          [0, 60, 90],
          [60, 0, 40],
          [90, 40, 0],
        ],
      },
    };
    const r = await w.call('POST', '/v1/solve?timeLimitMs=200', { token: 'planner', body: problem });
    expect(r.status, r.text).toBe(200);
    const sol = r.body as {
      format: string;
      solution: { routes: { visits: unknown[] }[]; unassigned: unknown[] };
    };
    expect(sol.format).toBe('fieldplan');
    expect(sol.solution.routes[0]!.visits).toHaveLength(2);
    const vroom = {
      vehicles: [{ id: 1, start_index: 0, end_index: 0 }],
      jobs: [
        { id: 10, location_index: 1, service: 300 },
        { id: 11, location_index: 2, service: 300 },
      ],
      matrices: {
        car: {
          durations: [
            [0, 60, 90],
            [60, 0, 40],
            [90, 40, 0],
          ],
        },
      },
    };
    const v = await w.call('POST', '/v1/solve?timeLimitMs=200', { token: 'planner', body: vroom });
    expect(v.status, v.text).toBe(200);
    expect(v.body).toMatchObject({ format: 'vroom', solution: { summary: { unassigned: 0 } } });
    const bad = await w.call('POST', '/v1/solve', {
      token: 'planner',
      body: { ...problem, jobs: [{ id: 'a', location: 7, duration: 600 }] },
    });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({
      error: { code: 'INVALID_PROBLEM', issues: [{ path: expect.stringMatching(/^body\.jobs\[0\]/) }] },
    });
  });

  it('exposes Prometheus metrics without personal data', async () => {
    const r = await w.call('GET', '/metrics');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/plain');
    expect(r.text).toContain('fieldplan_http_requests_total');
    expect(r.text).toMatch(
      /fieldplan_plan_duration_seconds_count\{kind="nightly",outcome="succeeded"\} [1-9]/,
    );
    expect(r.text).toMatch(
      /fieldplan_write_back_calls_total\{operation="assignAppointmentResources",outcome="ok"\} [1-9]/,
    );
    expect(r.text).toContain('route="/v1/plans/:id"');
    expect(r.text).not.toContain(planId);
  });

  it('publishes every route in the OpenAPI document', async () => {
    const r = await w.call('GET', '/docs/json', { token: null });
    const paths = Object.keys((r.body as { paths: Record<string, unknown> }).paths);
    for (const p of [
      '/v1/plans',
      '/v1/plans/{id}',
      '/v1/optimize-today',
      '/v1/solve',
      '/v1/board',
      '/metrics',
      '/health',
    ])
      expect(paths).toContain(p);
  });
});
