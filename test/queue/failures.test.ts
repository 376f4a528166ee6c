/**
 * Queue mode's failures, on a Redis and a PostgreSQL path of the test's own (the machine's
 * servers are never stopped):
 *
 * - a Redis that keeps its data on disk (`appendonly yes`), killed and started again, loses
 *   no queued partition: a `fieldplan worker --sellers` process started after the restart
 *   runs every one of them;
 * - PostgreSQL out of reach (a TCP proxy in front of it, cut): the partition fails with
 *   `STORE_UNAVAILABLE`, is retried with backoff and, the proxy back, succeeds; an outage
 *   that lasts fails it for good after its attempts, and `queue retry` then runs it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer, Socket, type AddressInfo, type Server } from 'node:net';
import { delimiter, join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { QueueClient } from '../../src/queue/client.ts';
import { startQueueWorker, type RunningWorker } from '../../src/queue/start-worker.ts';
import { seededPlanningConfig } from '../../src/sandbox/crews-config.ts';
import { cliEnv, nextWorkday, startWorld, tempDir, type World } from '../pipeline/support/world.ts';
import {
  createSchema,
  DATABASE_URL,
  dropSchema,
  queueTestsEnabled,
  REDIS_URL,
  schemaUrl,
  skipMessage,
  uniqueName,
  until,
} from './support.ts';

const date = nextWorkday();
const bin = join(import.meta.dirname, '../../bin/fieldplan.js');
const ITERATIONS = 60;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

const redisServer = (process.env['PATH'] ?? '')
  .split(delimiter)
  .map((d) => join(d, 'redis-server'))
  .find((p) => existsSync(p));

/**
 * The environment without a faked clock's preload: the test's own Redis is a server like the
 * machine's, on the real clock (redis-server's allocator does not start under libfaketime).
 */
function realClockEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key === 'LD_PRELOAD' || key.startsWith('FAKETIME')) delete env[key];
  return env;
}

/** A Redis of the test's own, its data on disk in `dir`. */
function startRedis(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(
    redisServer!,
    ['--port', String(port), '--bind', '127.0.0.1', '--appendonly', 'yes', '--appendfsync', 'always'],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: realClockEnv() },
  );
  child.stderr?.resume();
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (/Ready to accept connections/.test(out)) {
        child.stdout?.resume();
        resolve(child);
      }
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)));
  });
}

const stopped = (c: ChildProcess): Promise<void> =>
  c.exitCode !== null || c.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => c.once('exit', () => resolve()));

/** A TCP proxy to PostgreSQL that can be cut (new connections refused, open ones dropped) and restored. */
class PgProxy {
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();
  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  async open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = new Socket();
      upstream.connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => this.#sockets.delete(s));
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.#server = server;
  }

  async cut(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const s of this.#sockets) s.destroy();
    if (server !== undefined) await new Promise((resolve) => server.close(resolve));
  }
}

async function sellersFile(world: World, dir: string): Promise<string> {
  writeFileSync(
    join(dir, 'crews.yaml'),
    stringify(seededPlanningConfig(world.sandbox.seededCrews(), world.sandbox.seededStores())),
  );
  const file = join(dir, 'sellers.yaml');
  writeFileSync(
    file,
    stringify({
      sellers: [
        {
          id: 'acme',
          marketplace: world.sandbox.marketplaceId,
          config: 'crews.yaml',
          endpoint: world.sandbox.url,
        },
      ],
    }),
  );
  return file;
}

if (!queueTestsEnabled) {
  console.warn(skipMessage());
  describe.skip('queue mode failures', () => {
    it.skip(skipMessage(), () => {});
  });
} else {
  describe('queue mode failures', () => {
    const schemas: string[] = [];
    const children: ChildProcess[] = [];
    afterAll(async () => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      for (const s of schemas) await dropSchema(s).catch(() => undefined);
    });

    it.skipIf(redisServer === undefined)(
      'a Redis restart loses no queued partition (redis-server with appendonly)',
      async () => {
        const world = await startWorld({ seed: 41, stores: 3, technicians: 3, jobs: 18, date });
        const dir = tempDir('fieldplan-queue-redis-');
        const port = await freePort();
        const redisUrl = `redis://127.0.0.1:${port}`;
        const schema = uniqueName('qredis');
        schemas.push(schema);
        await createSchema(schema);
        const db = schemaUrl(schema);
        let redis = await startRedis(port, dir);
        children.push(redis);
        const client = await QueueClient.open({ redisUrl, dbUrl: db, prefix: 'fpr', sellerId: 'acme' });
        try {
          const storeIds = world.config.stores.map((s) => s.storeId);
          const { runId } = await client.startPlanRun({
            date,
            days: 1,
            storeIds,
            apply: true,
            seed: 1,
            solverIterations: ITERATIONS,
            actor: 'test',
          });
          expect((await client.depths()).waiting).toBe(3);

          // Killed, not shut down: only what is on disk survives.
          redis.kill('SIGKILL');
          await stopped(redis);
          redis = await startRedis(port, dir);
          children.push(redis);
          // The producer's connection comes back by itself, and the partitions are all there.
          const depths = await until('Redis back', () => client.depths(), 30_000, { errorsMeanNotYet: true });
          expect(depths.waiting).toBe(3);

          const worker = spawn(
            process.execPath,
            [
              bin,
              'worker',
              '--queue',
              redisUrl,
              '--prefix',
              'fpr',
              '--db',
              db,
              '--sellers',
              await sellersFile(world, dir),
              '--rate-limits',
              'off',
              '--solver-threads',
              '1',
              '--concurrency',
              '2',
            ],
            {
              env: cliEnv({
                FIELDPLAN_LOG_LEVEL: 'silent',
                FIELDPLAN_DATA_KEY: randomBytes(32).toString('hex'),
              }),
              stdio: ['ignore', 'pipe', 'pipe'],
            },
          );
          children.push(worker);
          let err = '';
          worker.stdout?.resume();
          worker.stderr?.on('data', (d: Buffer) => (err += d.toString()));
          const rows = await until(
            'every partition to finish',
            async () => {
              // A worker that died ends the wait at once (its stderr is in the failure).
              if (worker.exitCode !== null) return { exited: err };
              const p = await client.state.partitions(runId);
              return p.every((r) => r.status !== 'queued' && r.status !== 'running') ? p : undefined;
            },
            150_000,
            { errorsMeanNotYet: true },
          );
          if (!Array.isArray(rows)) throw new Error(`the worker exited: ${rows.exited}`);
          expect(rows.map((r) => [r.status, r.error])).toEqual(storeIds.map(() => ['succeeded', null]));
          expect(rows.map((r) => [r.sellerId, r.attempts])).toEqual(storeIds.map(() => ['acme', 1]));
          // The partitions' own state says succeeded a moment before BullMQ files each job as completed.
          await until(
            'BullMQ to file every job as completed',
            async () => ((await client.depths()).completed === 3 ? true : undefined),
            30_000,
          );
          worker.kill('SIGTERM');
          await stopped(worker);
        } finally {
          await client.close();
          redis.kill('SIGTERM');
          await stopped(redis);
          await world.close();
        }
      },
      240_000,
    );

    it('a PostgreSQL outage fails the partition, naming it; retried with backoff, bounded', async () => {
      const world = await startWorld({ seed: 42, stores: 2, technicians: 3, jobs: 12, date });
      const schema = uniqueName('qpgdown');
      schemas.push(schema);
      await createSchema(schema);
      const target = new URL(DATABASE_URL!);
      const proxy = new PgProxy(await freePort(), {
        host: target.hostname,
        port: Number(target.port || 5432),
      });
      await proxy.open();
      const viaProxy = new URL(schemaUrl(schema));
      viaProxy.host = `127.0.0.1:${proxy.port}`;
      const prefix = uniqueName('fpd');
      // Attempts and backoff of the partitions this client adds: 4 attempts, 400 ms doubling.
      const retry = { attempts: 4, backoffMs: 400 };
      const client = await QueueClient.open({
        redisUrl: REDIS_URL!,
        dbUrl: schemaUrl(schema),
        prefix,
        sellerId: 'default',
        retry,
      });
      let worker: RunningWorker | undefined;
      try {
        worker = await startQueueWorker({
          redisUrl: REDIS_URL!,
          prefix,
          db: viaProxy.toString(),
          endpoint: world.sandbox.url,
          marketplaceId: world.sandbox.marketplaceId,
          config: world.config,
          env: cliEnv({ FIELDPLAN_DATA_KEY: randomBytes(32).toString('hex') }),
          logger: pino({ level: 'silent' }),
          defaultMetrics: false,
          solverThreads: 1,
          connection: { rateLimits: 'off' },
        });
        const [first, second] = world.config.stores.map((s) => s.storeId);
        const start = (storeId: string) =>
          client.startPlanRun({
            date,
            days: 1,
            storeIds: [storeId],
            apply: true,
            seed: 1,
            solverIterations: ITERATIONS,
            actor: 'test',
          });
        const jobOf = async (runId: string) =>
          (await client.queue.getJobs(['waiting', 'active', 'delayed', 'failed', 'completed'])).find(
            (j) => j.data.runId === runId,
          );

        // A short outage: the first attempt fails naming PostgreSQL, a retry after it succeeds.
        await proxy.cut();
        const short = await start(first!);
        const failedOnce = await until(
          'a failed attempt',
          async () => {
            const j = await jobOf(short.runId);
            return j !== undefined && j.attemptsMade >= 1 ? j : undefined;
          },
          60_000,
          { errorsMeanNotYet: true },
        );
        expect(failedOnce.failedReason).toMatch(/^STORE_UNAVAILABLE: PostgreSQL is not reachable/);
        await proxy.open();
        const done = await until(
          'the retried partition',
          async () => {
            const p = (await client.state.partitions(short.runId))[0];
            return p?.status === 'succeeded' ? p : undefined;
          },
          90_000,
          { errorsMeanNotYet: true },
        );
        expect(done.status).toBe('succeeded');
        // Filed as completed by BullMQ before the next outage starts (its own state is written first).
        await until(
          'the retried job completed',
          async () => ((await (await jobOf(short.runId))?.getState()) === 'completed' ? true : undefined),
          30_000,
          { errorsMeanNotYet: true },
        );
        expect((await jobOf(short.runId))!.attemptsStarted).toBeGreaterThanOrEqual(2);

        // An outage that lasts: the attempts are spent, then the partition stays failed.
        await proxy.cut();
        const long = await start(second!);
        await until(
          'the partition to fail for good',
          async () => ((await (await jobOf(long.runId))?.getState()) === 'failed' ? true : undefined),
          90_000,
          { errorsMeanNotYet: true },
        );
        const failed = (await jobOf(long.runId))!;
        expect(failed.attemptsStarted, failed.failedReason).toBe(retry.attempts);
        expect(failed.failedReason).toMatch(/^STORE_UNAVAILABLE: PostgreSQL is not reachable/);
        // Backoff: the attempts are spread over at least 400 + 800 + 1600 ms.
        expect(failed.finishedOn! - failed.timestamp).toBeGreaterThanOrEqual(2_800);
        // Nothing more comes: bounded.
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        expect((await jobOf(long.runId))!.attemptsStarted).toBe(retry.attempts);

        // PostgreSQL back: `queue retry` runs it.
        await proxy.open();
        expect(await client.retryFailed()).toBe(1);
        const retried = await until(
          'the partition queued again',
          async () => {
            const p = (await client.state.partitions(long.runId))[0];
            return p?.status === 'succeeded' ? p : undefined;
          },
          90_000,
          { errorsMeanNotYet: true },
        );
        expect(retried.status).toBe('succeeded');
      } finally {
        await worker?.close();
        await client.queue.obliterate({ force: true }).catch(() => undefined);
        await client.close();
        await proxy.cut();
        await world.close();
      }
    }, 240_000);
  });
}
