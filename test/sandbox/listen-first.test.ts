/**
 * A sandbox that listens before seeding its seller and jobs (`fieldplan sandbox`) serves the same
 * world as one seeded first: a request made at once waits for the seeding and sees every job.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.ts';
import { SandboxClient } from './client.ts';
import { openSandbox } from './fixtures.ts';

const open: Sandbox[] = [];
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
});

describe('listening before seeding', () => {
  it('answers the first request with every seeded job, as a sandbox seeded first does', async () => {
    const first = (await openSandbox()).sandbox;
    const later = (await openSandbox({ listenBeforeSeeding: true })).sandbox;
    open.push(first, later);
    // The address is known before anything is seeded; the first request waits for the seeding.
    expect(later.seededCrews()).toEqual([]);
    const client = new SandboxClient(later);
    const query = { createdAfter: '2020-01-01T00:00:00Z', pageSize: '20' };
    const answered = await client.call('getServiceJobs', { query });
    expect(answered.status).toBe(200);
    await later.ready();
    expect(later.seededCrews()).toEqual(first.seededCrews());
    expect(later.seededStores()).toEqual(first.seededStores());
    expect(later.snapshot()).toEqual(first.snapshot());
    const again = await new SandboxClient(first).call('getServiceJobs', { query });
    expect((answered.body as { payload: { jobs: unknown[] } }).payload.jobs.length).toBeGreaterThan(0);
    expect(answered.body).toEqual(again.body);
  });
});
