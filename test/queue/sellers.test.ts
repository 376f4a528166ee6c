/**
 * Queue mode with several sellers: one server and two worker processes serve three sellers
 * (eight stores), each seller against its own sandbox at Amazon's usage plans (time-scaled).
 * The workers build each partition's seller context (crews config, marketplace, data key,
 * Services client taking tokens from the seller's buckets in Redis). Every partition runs
 * once; each sandbox ends as after a single-process run of the same inputs; no sandbox's
 * request log exceeds any operation's rate or burst; a second nightly run writes nothing;
 * and a token of one seller reads its runs, on either server, and gets 404 for the others'.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startApi, type RunningApi } from '../../api/start.ts';
import type { ApiContext } from '../../api/context.ts';
import { runPlanning } from '../../src/pipeline/run.ts';
import { storePort } from '../../src/pipeline/adapters/store.ts';
import { seededPlanningConfig } from '../../src/sandbox/crews-config.ts';
import { openStore } from '../../src/store/index.ts';
import { loadSellers, resolveSellers } from '../../src/tenants/sellers.ts';
import {
  cliEnv,
  deps,
  endState,
  nextWorkday,
  startWorld,
  tempDir,
  writeCalls,
  type World,
} from '../pipeline/support/world.ts';
import {
  bucketViolations,
  createSchema,
  DATABASE_URL,
  dropSchema,
  queueTestsEnabled,
  REDIS_URL,
  scaledPlans,
  schemaUrl,
  skipMessage,
  uniqueName,
} from './support.ts';

const SELLERS = [
  { id: 'acme', seed: 31, stores: 3 },
  { id: 'bolt', seed: 32, stores: 3 },
  { id: 'cobalt', seed: 33, stores: 2 },
] as const;
const SHAPE = { technicians: 4, jobs: 24 } as const;
const ITERATIONS = 120;
// Amazon's usage plans ×5: assignAppointmentResources at 5/s, the others at 25/s and more.
const SCALE = 5;
const date = nextWorkday();
const workerScript = join(import.meta.dirname, 'fixtures/sellers-worker.ts');

type EndState = ReturnType<typeof endState>;

/** The single-process run of the same inputs: each store planned alone, as its partition is. */
async function referenceState(seller: (typeof SELLERS)[number]): Promise<EndState> {
  const world = await startWorld({ seed: seller.seed, stores: seller.stores, ...SHAPE, date });
  try {
    const store = storePort(await openStore(':memory:'), { actor: 'test' });
    for (const s of world.config.stores)
      await runPlanning(
        {
          date,
          days: 1,
          storeIds: [s.storeId],
          marketplaceId: world.sandbox.marketplaceId,
          apply: true,
          seed: 1,
          solverIterations: ITERATIONS,
        },
        deps(world, store),
      );
    return endState(world.sandbox);
  } finally {
    await world.close();
  }
}

function spawnWorker(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', workerScript], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start: ${err}`)), 90_000);
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) {
        clearTimeout(timer);
        child.stdout?.resume();
        resolve(child);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code}: ${err}`));
    });
  });
}

if (!queueTestsEnabled) {
  console.warn(skipMessage());
  describe.skip('queue mode with several sellers', () => {
    it.skip(skipMessage(), () => {});
  });
} else {
  describe('queue mode with several sellers: a server, two worker processes, three sellers', () => {
    const schema = uniqueName('qsellers');
    const prefix = uniqueName('fps');
    const plans = scaledPlans(SCALE);
    const worlds = new Map<string, World>();
    const reference = new Map<string, EndState>();
    const children: ChildProcess[] = [];
    const servers: RunningApi[] = [];
    const tokens = new Map<string, string>();

    beforeAll(async () => {
      await createSchema(schema);
      const dir = tempDir('fieldplan-queue-sellers-');
      for (const s of SELLERS) {
        const world = await startWorld({ seed: s.seed, stores: s.stores, ...SHAPE, date });
        worlds.set(s.id, world);
        writeFileSync(
          join(dir, `${s.id}.yaml`),
          stringify(seededPlanningConfig(world.sandbox.seededCrews(), world.sandbox.seededStores())),
        );
      }
      writeFileSync(
        join(dir, 'sellers.yaml'),
        stringify({
          sellers: SELLERS.map((s) => ({
            id: s.id,
            marketplace: worlds.get(s.id)!.sandbox.marketplaceId,
            config: `${s.id}.yaml`,
            endpoint: worlds.get(s.id)!.sandbox.url,
            // One seller's personal data under a key of its own.
            ...(s.id === 'bolt' ? { dataKey: { env: 'BOLT' } } : {}),
          })),
        }),
      );
      const env = cliEnv({
        FIELDPLAN_DATA_KEY: randomBytes(32).toString('hex'),
        BOLT_DATA_KEY: randomBytes(32).toString('hex'),
        FIELDPLAN_SELLERS_FILE: join(dir, 'sellers.yaml'),
      });
      const sellers = await resolveSellers(loadSellers(join(dir, 'sellers.yaml')), {
        defaultEndpoint: 'na',
        env,
      });
      const first = worlds.get('acme')!;
      const serve = (): Promise<RunningApi> =>
        startApi({
          endpoint: first.sandbox.url,
          marketplaceId: first.sandbox.marketplaceId,
          db: DATABASE_URL!,
          storeOptions: { schema },
          sellers,
          env,
          logger: pino({ level: 'silent' }),
          defaultMetrics: false,
          solverThreads: 1,
          queue: { redisUrl: REDIS_URL!, prefix },
        });
      servers.push(await serve(), await serve());
      for (const s of SELLERS)
        tokens.set(
          s.id,
          (await servers[0]!.ctx.tenants!.get(s.id)!.store.tokens.create({ scope: 'viewer', name: 't' }))
            .token,
        );
      const workerEnv = {
        ...env,
        REDIS_URL: REDIS_URL!,
        DATABASE_URL: schemaUrl(schema),
        FIELDPLAN_QUEUE_PREFIX: prefix,
        FIELDPLAN_TEST_PLAN_SCALE: String(SCALE),
      };
      // The reference runs while the worker processes start.
      const started = Promise.all([spawnWorker(workerEnv), spawnWorker(workerEnv)]);
      for (const s of SELLERS) reference.set(s.id, await referenceState(s));
      children.push(...(await started));
    }, 240_000);

    afterAll(async () => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
      await servers[0]?.ctx.queue?.queue.obliterate({ force: true }).catch(() => undefined);
      for (const s of servers) await s.close();
      for (const w of worlds.values()) await w.close();
      await dropSchema(schema).catch(() => undefined);
    });

    /** Each seller's run of all its stores, added through the server's client bound to the seller. */
    const startRuns = async (): Promise<Map<string, string>> => {
      const ctx = servers[0]!.ctx;
      const runs = new Map<string, string>();
      for (const s of SELLERS) {
        const seller: ApiContext = ctx.tenants!.get(s.id)!;
        const { runId, partitions } = await ctx.tenants!.run(seller, () =>
          ctx.queue!.startPlanRun({
            date,
            days: 1,
            storeIds: seller.config.stores.map((x) => x.storeId),
            apply: true,
            kind: 'nightly',
            seed: 1,
            solverIterations: ITERATIONS,
            actor: 'test',
          }),
        );
        expect(partitions).toBe(s.stores);
        runs.set(s.id, runId);
      }
      return runs;
    };

    const getPlan = async (
      server: RunningApi,
      sellerId: string,
      id: string,
    ): Promise<{ status: number; body: Record<string, unknown> }> => {
      const r = await fetch(`${server.url}/v1/plans/${id}`, {
        headers: { authorization: `Bearer ${tokens.get(sellerId)!}` },
      });
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    };

    const waitRuns = async (runs: Map<string, string>): Promise<Map<string, Record<string, unknown>>> => {
      const out = new Map<string, Record<string, unknown>>();
      const until = Date.now() + 200_000;
      for (const [sellerId, runId] of runs)
        for (;;) {
          const { status, body } = await getPlan(servers[0]!, sellerId, runId);
          if (status === 200 && body['status'] !== 'running') {
            out.set(sellerId, body);
            break;
          }
          if (Date.now() > until) throw new Error(`run ${runId} still running: ${JSON.stringify(body)}`);
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      return out;
    };

    it('runs every partition once under its seller, ends as one process would, within every bucket, and a rerun writes nothing', async () => {
      const state = servers[0]!.ctx.queue!.state;
      const runs = await startRuns();
      const done = await waitRuns(runs);
      const holders = new Set<string>();
      for (const s of SELLERS) {
        expect(done.get(s.id)!['status'], JSON.stringify(done.get(s.id)!['partitions'])).toBe('succeeded');
        const rows = await state.partitions(runs.get(s.id)!);
        const world = worlds.get(s.id)!;
        expect(rows.map((r) => [r.sellerId, r.storeId, r.status, r.attempts])).toEqual(
          world.config.stores
            .map((x) => x.storeId)
            .sort()
            .map((storeId) => [s.id, storeId, 'succeeded', 1]),
        );
        for (const r of rows) holders.add(r.holder ?? '');
        // The seller's own Amazon: as after the single-process run, within its buckets.
        expect(endState(world.sandbox), s.id).toEqual(reference.get(s.id));
        expect(bucketViolations(world.sandbox.requestLog, plans), s.id).toEqual([]);
      }
      // Both worker processes ran partitions, so the buckets were shared through Redis.
      expect(holders.size).toBeGreaterThanOrEqual(2);
      // The replay finds excess where there is some: against Amazon's unscaled plans the logs are too fast.
      expect(
        SELLERS.some(
          (s) => bucketViolations(worlds.get(s.id)!.sandbox.requestLog, scaledPlans(1)).length > 0,
        ),
      ).toBe(true);

      // Every server answers a seller's run the same; another seller's token finds nothing there.
      for (const s of SELLERS) {
        const runId = runs.get(s.id)!;
        const other = await getPlan(servers[1]!, s.id, runId);
        expect(other.status).toBe(200);
        expect(other.body['partitions']).toEqual(done.get(s.id)!['partitions']);
        for (const t of SELLERS.filter((x) => x.id !== s.id))
          for (const server of servers) {
            expect((await getPlan(server, t.id, runId)).status, `${t.id} reads ${s.id}'s run`).toBe(404);
            const planId = (done.get(s.id)!['partitions'] as { planId: string }[])[0]!.planId;
            expect((await getPlan(server, t.id, planId)).status, `${t.id} reads ${s.id}'s plan`).toBe(404);
          }
      }

      const before = SELLERS.map((s) => writeCalls(worlds.get(s.id)!.sandbox));
      const again = await waitRuns(await startRuns());
      for (const s of SELLERS) expect(again.get(s.id)!['status']).toBe('succeeded');
      expect(SELLERS.map((s) => writeCalls(worlds.get(s.id)!.sandbox))).toEqual(before);
    }, 420_000);
  });
}
