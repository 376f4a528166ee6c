/**
 * Operating queue mode: `/metrics`' queue gauges count, per seller, the partitions by status
 * and the retried ones exactly as the run state holds them (an invariant over generated
 * partitions), and `fieldplan queue status|retry|drain` (the commands themselves, as child
 * processes) report the queue's jobs, queue the failed ones again and remove the waiting ones.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { UnrecoverableError, Worker } from 'bullmq';
import fc from 'fast-check';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueClient, redisConnection } from '../../src/queue/client.ts';
import { PARTITION_QUEUE } from '../../src/queue/jobs.ts';
import { registerQueueMetrics } from '../../src/queue/operations.ts';
import type { PartitionStatus } from '../../src/queue/state.ts';
import { cliEnv, nextWorkday } from '../pipeline/support/world.ts';
import {
  createSchema,
  dropSchema,
  queueTestsEnabled,
  REDIS_URL,
  schemaUrl,
  skipMessage,
  uniqueName,
  until,
} from './support.ts';

const bin = join(import.meta.dirname, '../../bin/fieldplan.js');
const run = promisify(execFile);
const STATUSES = [
  'queued',
  'running',
  'succeeded',
  'partial',
  'failed',
] as const satisfies readonly PartitionStatus[];

/** `name{labels} value` lines of a Prometheus text exposition, for one metric. */
function samples(text: string, name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`).exec(line);
    if (m !== null) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

if (!queueTestsEnabled) {
  console.warn(skipMessage());
  describe.skip('queue operations', () => {
    it.skip(skipMessage(), () => {});
  });
} else {
  describe('queue operations: metrics per seller and the queue commands', () => {
    const schema = uniqueName('qops');
    const prefix = uniqueName('fpo');
    const db = schemaUrl(schema);
    let client: QueueClient;
    beforeAll(async () => {
      await createSchema(schema);
      client = await QueueClient.open({ redisUrl: REDIS_URL!, dbUrl: db, prefix, sellerId: 'alpha' });
    });
    afterAll(async () => {
      await client?.queue.obliterate({ force: true }).catch(() => undefined);
      await client?.close();
      await dropSchema(schema).catch(() => undefined);
    });

    it('the partition gauges count each seller’s partitions by status and its retried ones', async () => {
      const registry = new Registry();
      registerQueueMetrics(registry, client);
      const partition = fc.record({
        seller: fc.integer({ min: 0, max: 2 }),
        status: fc.constantFrom(...STATUSES),
        attempts: fc.integer({ min: 0, max: 3 }),
      });
      let round = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(partition, { minLength: 1, maxLength: 8 }), async (parts) => {
          round += 1;
          // Sellers of this round only, so earlier rounds' rows stay out of the comparison.
          const sellers = [0, 1, 2].map((i) => `r${round}-s${i}`);
          const want = new Map<string, number>();
          const retried = new Map<string, number>();
          for (const [k, p] of parts.entries()) {
            const sellerId = sellers[p.seller]!;
            const runId = uniqueName('run');
            const key = `store-${k}`;
            await client.state.createRun({ runId, sellerId, kind: 'plan', storeIds: [key], request: {} }, [
              { partitionKey: key, storeId: key, planId: null, jobId: `job.${runId}` },
            ]);
            // A partition that left `queued` was started at least once.
            const attempts = p.status === 'queued' ? p.attempts : Math.max(1, p.attempts);
            for (let a = 0; a < attempts; a++) await client.state.started(runId, key, 'worker:1@test');
            if (p.status === 'queued' && attempts > 0) await client.state.requeued(runId, key);
            if (p.status !== 'queued' && p.status !== 'running')
              await client.state.finished(runId, key, { status: p.status });
            const label = `seller="${sellerId}",status="${p.status}"`;
            want.set(label, (want.get(label) ?? 0) + 1);
            retried.set(sellerId, (retried.get(sellerId) ?? 0) + (attempts > 1 ? 1 : 0));
          }
          const text = await registry.metrics();
          const mine = (m: Map<string, number>): Map<string, number> =>
            new Map([...m].filter(([labels]) => sellers.some((s) => labels.startsWith(`seller="${s}"`))));
          expect(mine(samples(text, 'fieldplan_queue_partitions'))).toEqual(want);
          expect(mine(samples(text, 'fieldplan_queue_partitions_retried'))).toEqual(
            new Map([...retried].map(([s, n]) => [`seller="${s}"`, n])),
          );
        }),
        { numRuns: 12 },
      );
    }, 120_000);

    it('queue status, retry and drain report and move the queue’s jobs', async () => {
      const cli = async (...args: string[]): Promise<string> => {
        const r = await run(
          process.execPath,
          [bin, 'queue', ...args, '--queue', REDIS_URL!, '--db', db, '--prefix', prefix, '--seller', 'alpha'],
          { env: cliEnv({ FIELDPLAN_LOG_LEVEL: 'silent' }), timeout: 60_000 },
        );
        return r.stdout;
      };
      const status = async (): Promise<{
        jobs: Record<string, number>;
        partitions: { sellerId: string; status: string; n: number }[];
      }> => JSON.parse(await cli('status', '--json')) as never;
      const registry = new Registry();
      registerQueueMetrics(registry, client);
      const jobGauge = async (): Promise<Map<string, number>> =>
        samples(await registry.metrics(), 'fieldplan_queue_jobs');

      // No worker: the three partitions wait.
      const { runId } = await client.startPlanRun({
        date: nextWorkday(),
        days: 1,
        storeIds: ['A', 'B', 'C'],
        apply: false,
        seed: 1,
        actor: 'test',
      });
      let s = await status();
      expect(s.jobs['waiting']).toBe(3);
      expect(s.jobs['failed']).toBe(0);
      expect(s.partitions.filter((p) => p.sellerId === 'alpha')).toEqual([
        expect.objectContaining({ status: 'queued', n: 3 }),
      ]);
      expect((await jobGauge()).get('state="waiting"')).toBe(3);
      expect(await cli('status')).toMatch(/^jobs:\n {2}waiting +3\n/);

      // A worker that refuses every partition: all three fail.
      const connection = redisConnection(REDIS_URL!, true);
      const refuser = new Worker(
        PARTITION_QUEUE,
        () => Promise.reject(new UnrecoverableError('refused by the test')),
        { connection, prefix },
      );
      await until(
        'three failed jobs',
        async () => ((await client.depths()).failed === 3 ? true : undefined),
        30_000,
      );
      await refuser.close();
      connection.disconnect();
      for (const key of ['A', 'B']) await client.state.finished(runId, key, { status: 'failed' });
      expect((await jobGauge()).get('state="failed"')).toBe(3);

      expect(await cli('retry')).toBe('3 failed partition(s) queued again\n');
      s = await status();
      expect(s.jobs['failed']).toBe(0);
      expect(s.jobs['waiting']).toBe(3);
      // The partitions the run state had failed are queued again.
      expect((await client.state.partitions(runId)).map((p) => p.status)).toEqual([
        'queued',
        'queued',
        'queued',
      ]);

      expect(await cli('drain')).toBe('3 waiting partition(s) removed\n');
      s = await status();
      expect(s.jobs['waiting']).toBe(0);
      expect(s.jobs['failed']).toBe(0);
      expect(await cli('drain')).toBe('0 waiting partition(s) removed\n');
    }, 180_000);
  });
}
