/**
 * Queue mode end to end: one server and two workers (each with its own Redis connections and
 * rate-limiter registry, so they share Amazon's buckets only through Redis) plan three stores
 * against a sandbox at Amazon's usage plans (time-scaled). Every partition runs once, the
 * sandbox ends as after a single-process run of the same inputs, the sandbox's request log
 * never exceeds any operation's rate or burst, a second run makes no write, and the run
 * answers from PostgreSQL on a second server too.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type RunningApi } from '../../api/start.ts';
import { runPlanning } from '../../src/pipeline/run.ts';
import { storePort } from '../../src/pipeline/adapters/store.ts';
import { startQueueWorker, type RunningWorker } from '../../src/queue/start-worker.ts';
import { openStore } from '../../src/store/index.ts';
import { prepareWhatIf, simulate } from '../../src/whatif/index.ts';
import { cliEnv, deps, endState, startWorld, writeCalls, type World } from '../pipeline/support/world.ts';
import {
  bucketViolations,
  dropSchema,
  queueTestsEnabled,
  REDIS_URL,
  DATABASE_URL,
  scaledPlans,
  skipMessage,
  uniqueName,
} from './support.ts';

const SANDBOX = { seed: 21, stores: 3, technicians: 6, jobs: 36 } as const;
const ITERATIONS = 150;
// Amazon's usage plans ×5: assignAppointmentResources at 5/s, the others at 25/s.
const SCALE = 5;

if (!queueTestsEnabled) {
  console.warn(skipMessage());
  describe.skip('queue mode', () => {
    it.skip(skipMessage(), () => {});
  });
} else {
  describe('queue mode: a server and two workers', () => {
    const schema = uniqueName('qmode');
    const prefix = uniqueName('fpq');
    const silent = pino({ level: 'silent' });
    let reference: ReturnType<typeof endState>;
    let world: World;
    let api: RunningApi;
    let second: RunningApi;
    const workers: RunningWorker[] = [];
    const plans = scaledPlans(SCALE);

    beforeAll(async () => {
      // The single-process run of the same inputs, store by store (as the partitions are).
      const ref = await startWorld(SANDBOX);
      const refStore = storePort(await openStore(':memory:'), { actor: 'test' });
      for (const s of ref.config.stores)
        await runPlanning(
          {
            date: ref.date,
            days: 1,
            storeIds: [s.storeId],
            marketplaceId: ref.sandbox.marketplaceId,
            apply: true,
            seed: 1,
            solverIterations: ITERATIONS,
          },
          deps(ref, refStore),
        );
      reference = endState(ref.sandbox);
      await ref.close();
      expect(reference.appointments.length).toBeGreaterThan(5);

      world = await startWorld(SANDBOX);
      const common = {
        endpoint: world.sandbox.url,
        marketplaceId: world.sandbox.marketplaceId,
        db: DATABASE_URL!,
        storeOptions: { schema },
        config: world.config,
        env: cliEnv(),
        logger: silent,
        defaultMetrics: false,
        solverThreads: 1,
      };
      api = await startApi({ ...common, queue: { redisUrl: REDIS_URL!, prefix } });
      second = await startApi({ ...common, queue: { redisUrl: REDIS_URL!, prefix } });
      for (let i = 0; i < 2; i++)
        workers.push(
          await startQueueWorker({
            ...common,
            redisUrl: REDIS_URL!,
            prefix,
            connection: { rateLimits: 'amazon', usagePlanOverrides: plans },
            lockDurationMs: 10_000,
            stalledIntervalMs: 5_000,
          }),
        );
    }, 120_000);

    afterAll(async () => {
      for (const w of workers) await w.close();
      await api?.ctx.queue?.queue.obliterate({ force: true }).catch(() => undefined);
      await api?.close();
      await second?.close();
      await world?.close();
      await dropSchema(schema);
    });

    const token = async (a: RunningApi, scope: 'viewer' | 'admin' | 'planner'): Promise<string> =>
      (await a.ctx.store.tokens.create({ scope, name: `test ${scope}` })).token;

    const waitRun = async (runId: string): Promise<Record<string, unknown>> => {
      const auth = { authorization: `Bearer ${await token(api, 'viewer')}` };
      const until = Date.now() + 150_000;
      for (;;) {
        const r = await fetch(`${api.url}/v1/plans/${runId}`, { headers: auth });
        const body = (await r.json()) as Record<string, unknown>;
        if (r.status === 200 && body['status'] !== 'running') return body;
        if (Date.now() > until) throw new Error(`run ${runId} still running: ${JSON.stringify(body)}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    };

    it('runs every partition once, ends as one process would, within every bucket, and a rerun writes nothing', async () => {
      const queue = api.ctx.queue!;
      const storeIds = world.config.stores.map((s) => s.storeId);
      const { runId, partitions } = await queue.startPlanRun({
        date: world.date,
        days: 1,
        storeIds,
        apply: true,
        seed: 1,
        solverIterations: ITERATIONS,
        actor: 'test',
      });
      expect(partitions).toBe(3);
      const done = await waitRun(runId);
      expect(done['status']).toBe('succeeded');
      const rows = await queue.state.partitions(runId);
      expect(rows.map((r) => [r.storeId, r.status, r.attempts])).toEqual(
        [...storeIds].sort().map((s) => [s, 'succeeded', 1]),
      );
      expect(endState(world.sandbox)).toEqual(reference);
      expect(bucketViolations(world.sandbox.requestLog, plans)).toEqual([]);
      // The replay does find excess: against Amazon's unscaled plans the same log is too fast.
      expect(bucketViolations(world.sandbox.requestLog, scaledPlans(1)).length).toBeGreaterThan(0);

      // The same answer from another server: everything is read from PostgreSQL.
      const other = await fetch(`${second.url}/v1/plans/${runId}`, {
        headers: { authorization: `Bearer ${await token(second, 'viewer')}` },
      });
      const otherBody = (await other.json()) as Record<string, unknown>;
      expect(otherBody['status']).toBe('succeeded');
      expect(otherBody['partitions']).toEqual(done['partitions']);

      const before = writeCalls(world.sandbox);
      const again = await queue.startPlanRun({
        date: world.date,
        days: 1,
        storeIds,
        apply: true,
        seed: 1,
        solverIterations: ITERATIONS,
        actor: 'test',
      });
      expect((await waitRun(again.runId))['status']).toBe('succeeded');
      expect(writeCalls(world.sandbox) - before).toBe(0);
    }, 200_000);

    it('fans a what-if out to one partition per sampled day and merges it as one process would', async () => {
      const ctx = api.ctx;
      const storeId = world.config.stores[0]!.storeId;
      const request = {
        storeId,
        base: { kind: 'date' as const, date: world.date },
        changes: { addTechnicians: [{ like: world.config.technicians[0]!.resourceId }] },
        samples: 3,
        seed: 4,
        iterations: 40,
        targetServedPct: 95,
        samplePlans: true,
        staffing: { maxSteps: 2 },
      };
      const id = await ctx.queue!.startWhatIf(request);
      const auth = { authorization: `Bearer ${await token(second, 'viewer')}` };
      let body: Record<string, unknown> = {};
      const until = Date.now() + 150_000;
      while (Date.now() < until) {
        body = (await (await fetch(`${second.url}/v1/what-if/${id}`, { headers: auth })).json()) as Record<
          string,
          unknown
        >;
        if (body['status'] === 'succeeded' || body['status'] === 'failed') break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(body['status'], JSON.stringify(body['error'])).toBe('succeeded');
      expect(body['partitions']).toMatchObject({ total: 4, succeeded: 4, failed: 0 });
      const { samples, seed, iterations, targetServedPct, samplePlans, staffing } = request;
      const prepared = await prepareWhatIf(
        {
          config: ctx.config,
          store: ctx.pipelineStore,
          client: ctx.servicesClient(),
          geocoder: ctx.geocoder,
          travel: ctx.travel,
          clock: ctx.clock,
          marketplaceId: ctx.marketplaceId,
        },
        storeId,
        request.base,
        request.changes,
        { samples, seed, iterations, targetServedPct, samplePlans, staffing },
      );
      // The staffing search (in the merge) gives the in-process answer too.
      expect((body['result'] as { staffing: unknown }).staffing).not.toBeNull();
      expect(body['result']).toEqual(JSON.parse(JSON.stringify(simulate(prepared))));
    }, 200_000);

    it('deduplicates a store night by seller, store and date', async () => {
      const queue = api.ctx.queue!;
      const storeId = world.config.stores[0]!.storeId;
      const a = await queue.enqueueNightly('default', storeId, '2031-01-06', 1);
      const b = await second.ctx.queue!.enqueueNightly('default', storeId, '2031-01-06', 1);
      expect(b.runId).toBe(a.runId);
      expect(b.added).toBe(false);
      // Nothing waits twice for that night.
      const jobs = await queue.queue.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed']);
      expect(jobs.filter((j) => j.id?.includes('2031-01-06')).length).toBe(1);
      await queue.queue.remove(jobs.find((j) => j.id?.includes('2031-01-06'))!.id!).catch(() => undefined);
    });

    it('shows queue metrics to viewers and the dashboard to admins only', async () => {
      const metrics = await fetch(`${api.url}/metrics`, {
        headers: { authorization: `Bearer ${await token(api, 'viewer')}` },
      });
      const text = await metrics.text();
      expect(text).toMatch(/fieldplan_queue_jobs\{state="completed"\} \d+/);
      expect(text).toMatch(/fieldplan_queue_partitions\{seller="default",status="succeeded"\} \d+/);
      expect(text).toContain('fieldplan_queue_partitions_retried');
      const viewer = await fetch(`${api.url}/admin/queues/`, {
        headers: { authorization: `Bearer ${await token(api, 'viewer')}` },
      });
      expect(viewer.status).toBe(403);
      const none = await fetch(`${api.url}/admin/queues/`);
      expect(none.status).toBe(401);
      const admin = await fetch(`${api.url}/admin/queues/`, {
        headers: { authorization: `Bearer ${await token(api, 'admin')}` },
      });
      expect(admin.status).toBe(200);
    });
  });
}
