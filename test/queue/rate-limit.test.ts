/**
 * The seller's buckets in Redis: callers in two registries (two workers, each with its own
 * Redis connection) together never exceed an operation's rate or burst, whatever the mix of
 * callers; another seller's bucket is its own. Also: what a PostgreSQL outage fails a
 * partition with, and that its retries are bounded.
 */
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_RETRY, partitionJobOptions } from '../../src/queue/jobs.ts';
import { RedisRateLimiterRegistry } from '../../src/queue/rate-limit.ts';
import { describeFailure } from '../../src/queue/worker.ts';
import { RunError } from '../../src/pipeline/run.ts';
import { queueTestsEnabled, REDIS_URL, skipMessage, uniqueName } from './support.ts';

/** Send times that found the bucket (Amazon's model) empty. */
function overruns(times: number[], rate: number, burst: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let tokens = burst;
  let last = sorted[0] ?? 0;
  let n = 0;
  for (const t of sorted) {
    tokens = Math.min(burst, tokens + ((t - last) / 1000) * rate);
    last = t;
    if (tokens < 1 - 1e-9) n += 1;
    else tokens -= 1;
  }
  return n;
}

describe('partition failures', () => {
  it('names a PostgreSQL outage and retries it; mends nothing by retrying a bad request', () => {
    const down = describeFailure(
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    );
    expect(down).toMatchObject({ code: 'STORE_UNAVAILABLE', permanent: false });
    expect(down.message).toMatch(/PostgreSQL is not reachable .*retried with backoff/);
    expect(describeFailure(new Error('Connection terminated unexpectedly')).code).toBe('STORE_UNAVAILABLE');
    expect(describeFailure(new RunError('NO_STORES', 'none')).permanent).toBe(true);
    expect(describeFailure(new RunError('LOCKED', 'busy')).permanent).toBe(false);
    const opts = partitionJobOptions(DEFAULT_RETRY);
    expect(opts.attempts).toBe(5);
    expect(opts.backoff).toEqual({ type: 'exponential', delay: 5_000 });
  });
});

if (!queueTestsEnabled) {
  console.warn(skipMessage());
  describe.skip('shared rate limits', () => {
    it.skip(skipMessage(), () => {});
  });
} else {
  describe('rate limits shared through Redis', () => {
    const connections: Redis[] = [];
    const connect = (): Redis => {
      const r = new Redis(REDIS_URL!);
      connections.push(r);
      return r;
    };
    afterAll(() => {
      for (const c of connections) c.disconnect();
    });

    it('two workers together stay within rate and burst, for any split of the callers', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.boolean(), { minLength: 8, maxLength: 24 }),
          fc.integer({ min: 2, max: 6 }),
          async (split, burst) => {
            const rate = 40;
            const prefix = uniqueName('fprl');
            const a = new RedisRateLimiterRegistry(connect(), prefix, 'seller-a');
            const b = new RedisRateLimiterRegistry(connect(), prefix, 'seller-a');
            const plan = { rate, burst };
            const sent: number[] = [];
            await Promise.all(
              split.map((first) =>
                (first ? a : b).get('op', plan).schedule(async () => {
                  sent.push(Date.now());
                }),
              ),
            );
            expect(overruns(sent, rate, burst)).toBe(0);
            // Paced: after the burst (one token spare), no faster than the rate.
            const span = Math.max(...sent) - Math.min(...sent);
            expect(span).toBeGreaterThanOrEqual(((split.length - Math.max(1, burst - 1)) / rate) * 1000 - 15);
            await a.clear();
            await b.clear();
          },
        ),
        { numRuns: 6 },
      );
    }, 60_000);

    it("another seller's calls do not take this seller's tokens", async () => {
      const prefix = uniqueName('fprl');
      const a = new RedisRateLimiterRegistry(connect(), prefix, 'seller-a');
      const b = new RedisRateLimiterRegistry(connect(), prefix, 'seller-b');
      const plan = { rate: 4, burst: 4 };
      // The request log of both sellers: who sent, when (as the sandbox's log records it).
      const log: { seller: string; at: number }[] = [];
      await Promise.all(
        Array.from({ length: 10 }, () => [
          a.get('op', plan).schedule(async () => void log.push({ seller: 'a', at: Date.now() })),
          b.get('op', plan).schedule(async () => void log.push({ seller: 'b', at: Date.now() })),
        ]).flat(),
      );
      const of = (seller: string): number[] => log.filter((e) => e.seller === seller).map((e) => e.at);
      expect(of('a').length).toBe(10);
      expect(of('b').length).toBe(10);
      // Each seller's requests fit its own bucket...
      expect(overruns(of('a'), plan.rate, plan.burst)).toBe(0);
      expect(overruns(of('b'), plan.rate, plan.burst)).toBe(0);
      // ...and together they are more than one bucket lets through: the buckets are apart
      // (one bucket shared by both would have paced the two logs together to no overrun).
      expect(
        overruns(
          log.map((e) => e.at),
          plan.rate,
          plan.burst,
        ),
      ).toBeGreaterThan(0);
      await a.clear();
      await b.clear();
    });
  });
}
