import { afterEach, describe, expect, it } from 'vitest';
import {
  OperationRateLimiter,
  parseRateLimitHeader,
  RateLimiterRegistry,
  usagePlanFor,
} from '../../src/spapi/index.ts';
import { bucketViolations, clientFor, startFakeAmazon, type FakeAmazon } from './helpers.ts';

let fake: FakeAmazon | undefined;
const registries: RateLimiterRegistry[] = [];
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  await Promise.all(registries.splice(0).map((r) => r.clear()));
});

describe('usage plans', () => {
  it('come from the model, from the Amazon sandbox rule, or are off', () => {
    expect(usagePlanFor('amazon', 'assignAppointmentResources')).toEqual({ rate: 1, burst: 2 });
    expect(usagePlanFor('amazon', 'getServiceJobs')).toEqual({ rate: 10, burst: 40 });
    expect(usagePlanFor('amazon-sandbox', 'assignAppointmentResources')).toEqual({ rate: 5, burst: 15 });
    expect(usagePlanFor('off', 'getServiceJobs')).toBeUndefined();
  });

  it('parse x-amzn-RateLimit-Limit', () => {
    expect(parseRateLimitHeader('5.0')).toBe(5);
    expect(parseRateLimitHeader('0.5')).toBe(0.5);
    expect(parseRateLimitHeader('')).toBeUndefined();
    expect(parseRateLimitHeader('abc')).toBeUndefined();
    expect(parseRateLimitHeader(null)).toBeUndefined();
  });
});

describe('the token bucket checker used by the tests', () => {
  it('flags a request beyond the burst and accepts a paced one', () => {
    expect(bucketViolations([0, 0, 0], 1, 2)).toEqual([2]);
    expect(bucketViolations([0, 0, 1000, 2000], 1, 2)).toEqual([]);
    expect(bucketViolations([0, 0, 500], 1, 2)).toEqual([2]);
  });
});

describe('pacing', () => {
  it('starts no more than burst at once, then one per interval', async () => {
    const limiter = new OperationRateLimiter({ rate: 20, burst: 3 });
    const times: number[] = [];
    await Promise.all(
      Array.from({ length: 9 }, () => limiter.schedule(async () => void times.push(Date.now()))),
    );
    await limiter.stop();
    times.sort((a, b) => a - b);
    expect(bucketViolations(times, 20, 3)).toEqual([]);
    // and it did not simply serialise everything: the first two (burst less the held-back token) went together
    expect((times[1] as number) - (times[0] as number)).toBeLessThan(40);
  });

  it('is shared by clients of the same seller at the same endpoint', async () => {
    fake = await startFakeAmazon((app) => {
      app.get('/service/v1/serviceJobs/:id', async () => ({ payload: {} }));
    });
    const registry = new RateLimiterRegistry();
    registries.push(registry);
    const a = clientFor(fake, {
      rateLimits: 'amazon',
      rateLimiters: registry,
      usagePlanOverrides: { getServiceJobByServiceJobId: { rate: 20, burst: 2 } },
    });
    const b = clientFor(fake, {
      rateLimits: 'amazon',
      rateLimiters: registry,
      usagePlanOverrides: { getServiceJobByServiceJobId: { rate: 20, burst: 2 } },
    });
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        (i % 2 ? a : b).getServiceJobByServiceJobId({ serviceJobId: `job-${i}` }),
      ),
    );
    expect(registry.size).toBe(1);
    expect(
      bucketViolations(
        fake.requests.map((r) => r.at),
        20,
        2,
      ),
    ).toEqual([]);
  });

  it('follows x-amzn-RateLimit-Limit when Amazon sends it', async () => {
    fake = await startFakeAmazon((app) => {
      app.get('/service/v1/serviceJobs/:id', async (_req, reply) =>
        reply.header('x-amzn-RateLimit-Limit', '2.0').send({ payload: {} }),
      );
    });
    const registry = new RateLimiterRegistry();
    registries.push(registry);
    const client = clientFor(fake, { rateLimits: 'amazon', rateLimiters: registry });
    await client.getServiceJobByServiceJobId({ serviceJobId: 'job-1' });
    const limiter = registry.get(
      [...(registry as unknown as { limiters: Map<string, unknown> }).limiters.keys()][0] as string,
      { rate: 1, burst: 1 },
    );
    expect(limiter.plan).toEqual({ rate: 2, burst: 40 });
  });

  it('ignores the header when told to', async () => {
    fake = await startFakeAmazon((app) => {
      app.get('/service/v1/serviceJobs/:id', async (_req, reply) =>
        reply.header('x-amzn-RateLimit-Limit', '2.0').send({ payload: {} }),
      );
    });
    const registry = new RateLimiterRegistry();
    registries.push(registry);
    const client = clientFor(fake, {
      rateLimits: 'amazon',
      rateLimiters: registry,
      adaptToRateLimitHeader: false,
    });
    await client.getServiceJobByServiceJobId({ serviceJobId: 'job-1' });
    const key = [...(registry as unknown as { limiters: Map<string, unknown> }).limiters.keys()][0] as string;
    expect(registry.get(key, { rate: 1, burst: 1 }).plan).toEqual({ rate: 20, burst: 40 });
  });
});

describe('the limiter never runs ahead of a continuous token bucket', () => {
  it('for random plans and random arrival patterns', async () => {
    const fc = await import('fast-check');
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 40, max: 120 }),
        fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 6, maxLength: 14 }),
        async (burst, rate, gaps) => {
          const limiter = new OperationRateLimiter({ rate, burst });
          const starts: number[] = [];
          const jobs: Promise<void>[] = [];
          for (const gap of gaps) {
            if (gap > 0) await new Promise((r) => setTimeout(r, gap));
            jobs.push(limiter.schedule(async () => void starts.push(Date.now())));
          }
          await Promise.all(jobs);
          await limiter.stop();
          return (
            bucketViolations(
              starts.sort((a, b) => a - b),
              rate,
              burst,
            ).length === 0
          );
        },
      ),
      { numRuns: 10, seed: 42 },
    );
  });
});
