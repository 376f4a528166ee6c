import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxClient, errorMessages, firstError } from './client.ts';
import { jobWith, jobsOf, openSandbox } from './fixtures.ts';
import type { TestSandbox } from './fixtures.ts';

let t: TestSandbox;
let client: SandboxClient;
beforeAll(async () => {
  t = await openSandbox();
  client = new SandboxClient(t.sandbox);
});
afterAll(() => t.sandbox.close());

describe('getServiceJobByServiceJobId', () => {
  it('returns the job wrapped in payload', async () => {
    const job = jobWith(t.sandbox, (j) => j.serviceJobStatus === 'PENDING_SCHEDULE');
    const res = await client.call('getServiceJobByServiceJobId', {
      params: { serviceJobId: job.serviceJobId },
    });
    expect(res.status).toBe(200);
    expect((res.body as { payload: { serviceJobId: string } }).payload.serviceJobId).toBe(job.serviceJobId);
  });
  it('answers 400 for an invalid id, 404 for an unknown one, 403 for another seller’s job', async () => {
    const bad = await client.call('getServiceJobByServiceJobId', {
      params: { serviceJobId: 'x'.repeat(101) },
    });
    expect(bad.status).toBe(400);
    expect(firstError(bad.body).message).toBe('Missing or invalid request parameters: [serviceJobId]');
    const unknown = await client.call('getServiceJobByServiceJobId', {
      params: { serviceJobId: 'no-such-job' },
    });
    expect(unknown.status).toBe(404);
    const foreign = t.sandbox.snapshot().foreignJobIds[0] as string;
    const denied = await client.call('getServiceJobByServiceJobId', { params: { serviceJobId: foreign } });
    expect(denied.status).toBe(403);
    expect(firstError(denied.body).code).toBe('UnauthorizedAction');
  });
});

describe('getServiceJobs', () => {
  it('filters by status and store, pages with tokens and reports the total', async () => {
    const all = jobsOf(t.sandbox);
    const store = all[0]?.storeId as string;
    const expected = all.filter(
      (j) => j.storeId === store && ['PENDING_SCHEDULE', 'NOT_SERVICED'].includes(j.serviceJobStatus),
    );
    const seen: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const res = await client.call('getServiceJobs', {
        query: {
          createdAfter: '2020-01-01T00:00:00Z',
          serviceJobStatus: ['PENDING_SCHEDULE', 'NOT_SERVICED'],
          storeIds: store,
          pageSize: '7',
          ...(pageToken ? { pageToken } : {}),
        },
      });
      expect(res.status).toBe(200);
      const payload = (
        res.body as {
          payload: {
            totalResultSize: number;
            nextPageToken?: string;
            jobs: { serviceJobId: string; storeId: string }[];
          };
        }
      ).payload;
      expect(payload.totalResultSize).toBe(expected.length);
      expect(payload.jobs.length).toBeLessThanOrEqual(7);
      for (const j of payload.jobs) expect(j.storeId).toBe(store);
      seen.push(...payload.jobs.map((j) => j.serviceJobId));
      pageToken = payload.nextPageToken;
      pages++;
    } while (pageToken && pages < 50);
    expect(new Set(seen).size).toBe(expected.length);
    expect(new Set(seen)).toEqual(new Set(expected.map((j) => j.serviceJobId)));
  });
  it('sorts by status descending', async () => {
    const res = await client.call('getServiceJobs', {
      query: {
        createdAfter: '2020-01-01T00:00:00Z',
        sortField: 'JOB_STATUS',
        sortOrder: 'DESC',
        pageSize: '20',
      },
    });
    const statuses = (res.body as { payload: { jobs: { serviceJobStatus: string }[] } }).payload.jobs.map(
      (j) => j.serviceJobStatus,
    );
    expect(statuses).toEqual([...statuses].sort().reverse());
  });
  it('lastUpdatedAfter sees a job that was just written', async () => {
    const job = jobWith(t.sandbox, (j) => j.serviceJobStatus === 'HOLD');
    t.clock.now += 60_000;
    const mark = new Date(t.clock.now).toISOString();
    await client.call('cancelServiceJobByServiceJobId', {
      params: { serviceJobId: job.serviceJobId },
      query: { cancellationReasonCode: 'V2' },
    });
    const res = await client.call('getServiceJobs', { query: { lastUpdatedAfter: mark } });
    const ids = (res.body as { payload: { jobs: { serviceJobId: string }[] } }).payload.jobs.map(
      (j) => j.serviceJobId,
    );
    expect(ids).toEqual([job.serviceJobId]);
  });
  it('answers 400 Invalid Input for bad dates, both or neither of createdAfter/lastUpdatedAfter, and a bad page size', async () => {
    const queries: Record<string, string>[] = [
      { createdAfter: 'TEST_CASE_400' },
      {},
      { createdAfter: '2020-01-01T00:00:00Z', lastUpdatedAfter: '2020-01-01T00:00:00Z' },
      { createdAfter: '2020-01-01T00:00:00Z', pageSize: '21' },
      { createdAfter: '2020-01-01T00:00:00Z', serviceJobStatus: 'DONE' },
      { createdAfter: '2020-01-01T00:00:00Z', pageToken: 'garbage' },
    ];
    for (const query of queries) {
      const res = await client.call('getServiceJobs', { query });
      expect(res.status, JSON.stringify(query)).toBe(400);
      expect(firstError(res.body).message).toBe('Invalid Input');
    }
    const noMarket = await client.call('getServiceJobs', {
      query: { createdAfter: '2020-01-01T00:00:00Z' },
      marketplace: false,
    });
    expect(firstError(noMarket.body).message).toBe('Missing or invalid request parameters: [marketplaceIds]');
  });
});

describe('cancelServiceJobByServiceJobId', () => {
  it('cancels the job and its active appointment', async () => {
    const job = jobWith(t.sandbox, (j) => j.serviceJobStatus === 'NOT_SERVICED');
    const res = await client.call('cancelServiceJobByServiceJobId', {
      params: { serviceJobId: job.serviceJobId },
      query: { cancellationReasonCode: 'V1' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    const after = jobWith(t.sandbox, (j) => j.serviceJobId === job.serviceJobId);
    expect(after.serviceJobStatus).toBe('CANCELLED');
    expect(after.appointments.every((a) => a.appointmentStatus !== 'ACTIVE')).toBe(true);
  });
  it('answers each documented error', async () => {
    const pending = jobWith(t.sandbox, (j) => j.serviceJobStatus === 'PENDING_SCHEDULE');
    const completed = jobWith(t.sandbox, (j) => j.serviceJobStatus === 'COMPLETED');
    const foreign = t.sandbox.snapshot().foreignJobIds[0] as string;
    const cases: [string, string, number, string][] = [
      ['null', 'V1', 400, 'Missing or invalid request parameters: [serviceJobId]'],
      [pending.serviceJobId, 'NULL', 400, 'Missing or invalid request parameters: [cancellationReasonCode]'],
      ['null', 'NULL', 400, 'Missing or invalid request parameters: [serviceJobId, cancellationReasonCode]'],
      [foreign, 'V1', 403, 'Not authorized to access this resource. Please check your input again.'],
      [
        completed.serviceJobId,
        'V1',
        422,
        `Job with jobId ${completed.serviceJobId} and jobStatus COMPLETED cannot be cancelled`,
      ],
      [
        pending.serviceJobId,
        'INV1',
        422,
        `Received invalid input reason code INV1 for jobId ${pending.serviceJobId}`,
      ],
      ['unknownJob-1', 'V1', 422, 'Job not found for jobId unknownJob-1'],
    ];
    for (const [serviceJobId, code, status, message] of cases) {
      const res = await client.call('cancelServiceJobByServiceJobId', {
        params: { serviceJobId },
        query: { cancellationReasonCode: code },
      });
      expect(res.status, message).toBe(status);
      expect(firstError(res.body).message).toBe(message);
    }
    expect(jobWith(t.sandbox, (j) => j.serviceJobId === pending.serviceJobId).serviceJobStatus).toBe(
      'PENDING_SCHEDULE',
    );
  });
});

describe('completeServiceJobByServiceJobId', () => {
  it('completes a job with an active appointment', async () => {
    const job = jobWith(t.sandbox, (j) => j.serviceJobStatus === 'NOT_SERVICED');
    const res = await client.call('completeServiceJobByServiceJobId', {
      params: { serviceJobId: job.serviceJobId },
    });
    expect(res.status).toBe(200);
    const after = jobWith(t.sandbox, (j) => j.serviceJobId === job.serviceJobId);
    expect(after.serviceJobStatus).toBe('COMPLETED');
    expect(after.appointments.some((a) => a.appointmentStatus === 'COMPLETED')).toBe(true);
  });
  it('answers each documented error', async () => {
    const cancelled = jobWith(t.sandbox, (j) => j.serviceJobStatus === 'CANCELLED');
    const pending = jobWith(t.sandbox, (j) => j.serviceJobStatus === 'PENDING_SCHEDULE');
    const foreign = t.sandbox.snapshot().foreignJobIds[0] as string;
    const cases: [string, number, string][] = [
      ['null', 400, 'Missing or invalid request parameters: [serviceJobId]'],
      [foreign, 403, 'Not authorized to access this resource. Please check your input again.'],
      [
        cancelled.serviceJobId,
        422,
        `Operation not allowed on job with jobId : ${cancelled.serviceJobId} and jobState : CANCELLED`,
      ],
      [
        pending.serviceJobId,
        422,
        `Operation not allowed on job with jobId : ${pending.serviceJobId} and jobState : PENDING_SCHEDULE`,
      ],
      ['unknownJob-2', 422, 'Job not found for jobId unknownJob-2'],
    ];
    for (const [serviceJobId, status, message] of cases) {
      const res = await client.call('completeServiceJobByServiceJobId', { params: { serviceJobId } });
      expect(res.status, message).toBe(status);
      expect(errorMessages(res.body)).toEqual([message]);
    }
  });
});
