/**
 * Capacity, what-if, KPI and close-out routes over real HTTP against an API backed by the
 * sandbox: each route's happy path, no token (401), a token without the scope (403), and
 * bad input answered 400 naming each wrong field. No buyer's name or address in any answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlanning } from '../../src/pipeline/run.ts';
import { deps, runOptions } from '../pipeline/support/world.ts';
import { startApiWorld, type ApiWorld } from './support/api-world.ts';

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('proof'),
]);
const ago = (h: number): string => new Date(Date.now() - h * 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
type Issues = { error: { code: string; issues?: { path: string; message: string }[] } };
const paths = (body: unknown): string[] => ((body as Issues).error.issues ?? []).map((i) => i.path);

describe('insight routes', () => {
  let w: ApiWorld;
  let storeId: string;
  let date: string;
  let personal: string[];

  beforeAll(async () => {
    w = await startApiWorld();
    storeId = w.world.sandbox.seededStores()[0]!.storeId;
    date = w.world.date;
    // A stored (dry-run) plan gives the store its jobs and current routes.
    await runPlanning(
      runOptions(w.world, { apply: false, solverIterations: 150 }),
      deps(w.world, w.api.ctx.pipelineStore),
    );
    personal = w.world.sandbox
      .snapshot()
      .jobs.flatMap((j) => [j.buyer?.name, j.serviceLocation?.address?.addressLine1])
      .filter((x): x is string => typeof x === 'string' && x.length > 3);
  }, 120_000);
  afterAll(async () => w?.close());

  const noPersonalData = (text: string): void => {
    for (const p of personal) expect(text).not.toContain(p);
  };

  describe('GET /v1/capacity', () => {
    const url = () =>
      `/v1/capacity?storeId=${storeId}&from=${date}&to=${date}&skill=FURNITURE_ASSEMBLY&slotMinutes=120`;
    it('answers per slot beside Amazon (viewer)', async () => {
      const r = await w.call('GET', url(), { token: 'viewer' });
      expect(r.status).toBe(200);
      const body = r.body as {
        slots: { engine: { capacity: number }; amazon: unknown }[];
        routesFrom: string;
      };
      expect(body.routesFrom).toBe('plan');
      expect(body.slots).toHaveLength(5);
      expect(body.slots[0]!.amazon).not.toBeNull();
      noPersonalData(r.text);
    });
    it('401 without a token, 401 with an unknown one', async () => {
      expect((await w.call('GET', url(), { token: null })).status).toBe(401);
      expect((await w.call('GET', url(), { token: 'not-a-token' })).status).toBe(401);
    });
    it('400 naming each wrong field', async () => {
      const r = await w.call('GET', `/v1/capacity?storeId=${storeId}&from=2026-13-01&to=x&slotMinutes=7`);
      expect(r.status).toBe(400);
      expect(paths(r.body)).toEqual(
        expect.arrayContaining(['query.from', 'query.to', 'query.skill', 'query.slotMinutes']),
      );
      const unknown = await w.call(
        'GET',
        `/v1/capacity?storeId=NOPE&from=${date}&to=${date}&skill=TV_MOUNTING&slotMinutes=60`,
      );
      expect(unknown.status).toBe(400);
      expect(paths(unknown.body)).toEqual(['query.storeId']);
    });
  });

  describe('POST /v1/capacity/publish', () => {
    const body = () => ({ storeId, from: date, to: date, skill: 'FURNITURE_ASSEMBLY', slotMinutes: 120 });
    it('403 for a viewer, 401 without a token', async () => {
      expect((await w.call('POST', '/v1/capacity/publish', { token: 'viewer', body: body() })).status).toBe(
        403,
      );
      expect((await w.call('POST', '/v1/capacity/publish', { token: null, body: body() })).status).toBe(401);
    });
    it('publishes for a planner, journaled', async () => {
      const r = await w.call('POST', '/v1/capacity/publish', { token: 'planner', body: body() });
      expect(r.status).toBe(200);
      const out = r.body as { outcome: string; planId: string };
      expect(['succeeded', 'nothing-to-do']).toContain(out.outcome);
      expect((await w.api.ctx.store.plans.get(out.planId))?.kind).toBe('manual');
    });
    it('400 naming each wrong field', async () => {
      const r = await w.call('POST', '/v1/capacity/publish', {
        token: 'planner',
        body: { ...body(), slotMinutes: 'x', dryRun: 'yes', extra: 1 },
      });
      expect(r.status).toBe(400);
      expect(paths(r.body)).toEqual(expect.arrayContaining(['body.slotMinutes', 'body.dryRun']));
    });
  });

  describe('GET /v1/kpis', () => {
    it('answers per technician and store (viewer); 401 without a token; 400 naming fields', async () => {
      const ok = await w.call('GET', `/v1/kpis?storeId=${storeId}&from=${date}&to=${date}`);
      expect(ok.status).toBe(200);
      expect((ok.body as { store: { appointments: number } }).store.appointments).toBeGreaterThanOrEqual(0);
      noPersonalData(ok.text);
      expect(
        (await w.call('GET', `/v1/kpis?storeId=${storeId}&from=${date}&to=${date}`, { token: null })).status,
      ).toBe(401);
      const bad = await w.call('GET', `/v1/kpis?storeId=${storeId}&from=${date}&to=2020-01-01`);
      expect(bad.status).toBe(400);
      expect(paths(bad.body)).toEqual(['query.to']);
    });
  });

  describe('what-if', () => {
    const body = () => ({
      storeId,
      base: { kind: 'date', date },
      changes: { addTechnicians: [{ like: w.world.config.technicians[0]!.resourceId }] },
      samples: 2,
      iterations: 40,
      targetServedPct: 50,
      staffing: { maxSteps: 2 },
    });
    /** Two plans per sampled day, then the staffing levels. */
    const total = 2 * 2 + 2;
    it('403 for a viewer, 401 without a token', async () => {
      expect((await w.call('POST', '/v1/what-if', { token: 'viewer', body: body() })).status).toBe(403);
      expect((await w.call('POST', '/v1/what-if', { token: null, body: body() })).status).toBe(401);
    });
    it('runs asynchronously with progress and returns both variants', async () => {
      const start = await w.call('POST', '/v1/what-if', { token: 'planner', body: body() });
      expect(start.status).toBe(202);
      const id = (start.body as { id: string }).id;
      // The answer comes before any work is done: the run is only queued.
      expect(start.body).toEqual({ id, status: 'queued', location: `/v1/what-if/${id}` });
      const order = ['queued', 'preparing', 'running', 'succeeded'];
      let seen = 0;
      let run:
        | {
            status: string;
            progress: { done: number; total: number };
            result: {
              base: unknown;
              scenario: { days: unknown[] };
              representative: { base: { routes: unknown[] }; scenario: { routes: unknown[] } } | null;
              staffing: {
                technicians: number | null;
                lowerBound: { technicians: number | null };
                steps: unknown[];
              } | null;
            } | null;
          }
        | undefined;
      for (let i = 0; i < 240; i++) {
        const r = await w.call('GET', `/v1/what-if/${id}`);
        expect(r.status).toBe(200);
        run = r.body as typeof run;
        // Status only moves forward; progress counts simulated days (base and scenario) of a known total.
        expect(order.indexOf(run!.status), run!.status).toBeGreaterThanOrEqual(seen);
        seen = order.indexOf(run!.status);
        expect(run!.progress.done).toBeGreaterThanOrEqual(0);
        expect(run!.progress.done).toBeLessThanOrEqual(run!.progress.total);
        if (run!.status === 'running') expect(run!.progress.total).toBe(total);
        if (run!.status === 'succeeded' || run!.status === 'failed') break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(run!.status).toBe('succeeded');
      expect(run!.progress).toEqual({ done: total, total });
      // The staffing answer searched on the simulation, within its two levels.
      const staffing = run!.result!.staffing!;
      expect(staffing.steps.length).toBeLessThanOrEqual(2);
      if (staffing.technicians !== null)
        expect(staffing.technicians).toBeGreaterThanOrEqual(staffing.lowerBound.technicians!);
      expect(run!.result!.scenario.days).toHaveLength(2);
      // One sampled day planned both ways, for the board to draw side by side.
      expect(run!.result!.representative?.base.routes.length).toBeGreaterThan(0);
      expect(run!.result!.representative?.scenario.routes.length).toBeGreaterThan(0);
      expect((await w.call('GET', '/v1/what-if/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    }, 120_000);
    it('400 naming each wrong field, including an unknown technician', async () => {
      const r = await w.call('POST', '/v1/what-if', {
        token: 'planner',
        body: { ...body(), samples: 0, base: { kind: 'date', date: 'soon' }, samplePlans: 'yes' },
      });
      expect(r.status).toBe(400);
      expect(paths(r.body)).toEqual(
        expect.arrayContaining(['body.samples', 'body.base.date', 'body.samplePlans']),
      );
      const unknown = await w.call('POST', '/v1/what-if', {
        token: 'planner',
        body: { ...body(), changes: { removeTechnicians: ['NOBODY'] } },
      });
      expect(unknown.status).toBe(400);
      expect(paths(unknown.body)).toEqual(['body.changes.removeTechnicians[0]']);
      const model = await w.call('POST', '/v1/what-if', {
        token: 'planner',
        body: { ...body(), staffing: { like: 'NOBODY' } },
      });
      expect(model.status).toBe(400);
      expect(paths(model.body)).toEqual(['body.staffing.like']);
      const steps = await w.call('POST', '/v1/what-if', {
        token: 'planner',
        body: { ...body(), staffing: { maxSteps: 0 } },
      });
      expect(steps.status).toBe(400);
      expect(paths(steps.body).join(' ')).toMatch(/body\.staffing/);
    });
  });

  describe('close-out', () => {
    it('fulfilment with a proof document, then completion (planner)', async () => {
      const snap = w.world.sandbox.snapshot();
      const appt = snap.appointments.find((a) => a.status === 'ACTIVE')!;
      const tech = w.world.config.technicians[0]!.resourceId;
      const body = {
        fulfillmentTime: { startTime: ago(3), endTime: ago(2) },
        documents: [{ contentType: 'PNG', contentBase64: PNG.toString('base64') }],
      };
      expect(
        (await w.call('POST', `/v1/jobs/${appt.serviceJobId}/fulfillment`, { token: 'viewer', body })).status,
      ).toBe(403);
      expect(
        (await w.call('POST', `/v1/jobs/${appt.serviceJobId}/fulfillment`, { token: null, body })).status,
      ).toBe(401);
      const r = await w.call('POST', `/v1/jobs/${appt.serviceJobId}/fulfillment`, { token: 'planner', body });
      expect(r.status).toBe(200);
      expect((r.body as { documents: unknown[] }).documents).toHaveLength(1);
      noPersonalData(r.text);
      void tech;
      expect(
        (await w.call('POST', `/v1/jobs/${appt.serviceJobId}/complete`, { token: 'viewer' })).status,
      ).toBe(403);
      const done = await w.call('POST', `/v1/jobs/${appt.serviceJobId}/complete`, { token: 'planner' });
      expect(done.status).toBe(200);
      const again = await w.call('POST', `/v1/jobs/${appt.serviceJobId}/complete`, { token: 'planner' });
      expect(again.status).toBe(422);
    });
    it('cancel with a reason code (planner); 401 and 403', async () => {
      const job = w.world.sandbox.snapshot().jobs.find((j) => j.serviceJobStatus === 'PENDING_SCHEDULE')!;
      const path = `/v1/jobs/${job.serviceJobId}/cancel`;
      expect((await w.call('POST', path, { token: null, body: { reasonCode: 'V1' } })).status).toBe(401);
      expect((await w.call('POST', path, { token: 'viewer', body: { reasonCode: 'V1' } })).status).toBe(403);
      expect((await w.call('POST', path, { token: 'planner', body: { reasonCode: 'V1' } })).status).toBe(200);
    });
    it('400 naming each wrong field; unknown job 404', async () => {
      const r = await w.call('POST', '/v1/jobs/some-job/fulfillment', {
        token: 'planner',
        body: {
          fulfillmentTime: { startTime: 'yesterday', endTime: '2026-01-01T10:00:00+02:00' },
          documents: [{ contentType: 'DOCX', contentBase64: '***' }],
        },
      });
      expect(r.status).toBe(400);
      expect(paths(r.body)).toEqual(
        expect.arrayContaining([
          'body.fulfillmentTime.startTime',
          'body.fulfillmentTime.endTime',
          'body.documents[0].contentType',
          'body.documents[0].contentBase64',
        ]),
      );
      const cancel = await w.call('POST', '/v1/jobs/some-job/cancel', {
        token: 'planner',
        body: { reasonCode: 'v 1' },
      });
      expect(cancel.status).toBe(400);
      expect(paths(cancel.body)).toEqual(['body.reasonCode']);
      const missing = await w.call('POST', '/v1/jobs/no-such-job/complete', { token: 'planner' });
      expect(missing.status).toBe(404);
    });
  });
});
