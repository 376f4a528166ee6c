import { afterEach, describe, expect, it } from 'vitest';
import { ResponseShapeError, ServicesApiError } from '../../src/spapi/index.ts';
import { clientFor, startFakeAmazon, type FakeAmazon } from './helpers.ts';

let fake: FakeAmazon | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const mkt = ['ATVPDKIKX0DER'];

describe('requests on the wire', () => {
  it('send csv arrays, the access token, x-amz-date and a user agent', async () => {
    fake = await startFakeAmazon((app) => {
      app.get('/service/v1/serviceJobs', async () => ({ payload: { jobs: [] } }));
    });
    await clientFor(fake).getServiceJobs({
      marketplaceIds: mkt,
      createdAfter: '2026-01-01T00:00:00Z',
      serviceJobStatus: ['NOT_SERVICED', 'HOLD'],
      pageSize: 5,
    });
    const request = fake.requests[0];
    const url = new URL(request?.url ?? '', fake.url);
    expect(url.searchParams.get('serviceJobStatus')).toBe('NOT_SERVICED,HOLD');
    expect(url.searchParams.get('marketplaceIds')).toBe('ATVPDKIKX0DER');
    expect(url.searchParams.get('pageSize')).toBe('5');
    expect(request?.token).toBe('Atza|token-1');
    expect(request?.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(request?.headers['user-agent']).toMatch(/^fieldplan\//);
  });

  it('encode path ids and send JSON bodies', async () => {
    let seen: { id?: string; body?: unknown; type?: string } = {};
    fake = await startFakeAmazon((app) => {
      app.put('/service/v1/serviceJobs/:id/appointments/:appt/resources', async (request) => {
        seen = {
          id: (request.params as { id: string }).id,
          body: request.body,
          type: request.headers['content-type'],
        };
        return { payload: { warnings: [{ code: 'RESOURCES_OVERBOOKED', message: 'overbooked' }] } };
      });
    });
    const result = await clientFor(fake).assignAppointmentResources({
      serviceJobId: 'job/1 a',
      appointmentId: 'appt-00001',
      body: { resources: [{ resourceId: 'tech-1' }] },
    });
    expect(seen).toEqual({
      id: 'job/1 a',
      body: { resources: [{ resourceId: 'tech-1' }] },
      type: 'application/json',
    });
    expect(result.payload?.warnings?.[0]?.code).toBe('RESOURCES_OVERBOOKED');
  });
});

describe('answers', () => {
  it('204 operations resolve to nothing', async () => {
    fake = await startFakeAmazon((app) => {
      app.put('/service/v1/serviceJobs/:id/appointments/:appt/fulfillment', async (_req, reply) =>
        reply.code(204).send(),
      );
      app.delete('/service/v1/reservation/:id', async (_req, reply) => reply.code(204).send());
    });
    const client = clientFor(fake);
    await expect(
      client.setAppointmentFulfillmentData({
        serviceJobId: 'job-1',
        appointmentId: 'appt-00001',
        body: { appointmentResources: [{ resourceId: 'tech-1' }] },
      }),
    ).resolves.toBeUndefined();
    await expect(
      client.cancelReservation({ reservationId: 'r-1', marketplaceIds: mkt }),
    ).resolves.toBeUndefined();
  });

  it('fulfilment errors come as a bare array and become a ServicesApiError with code, details and request id', async () => {
    fake = await startFakeAmazon((app) => {
      app.put('/service/v1/serviceJobs/:id/appointments/:appt/fulfillment', async (_req, reply) =>
        reply
          .code(422)
          .header('x-amzn-RequestId', 'req-422')
          .send([
            {
              code: 'InvalidInput',
              message: 'Fulfillment end time 2020-01-03T13:18:10.668Z is in the future.',
              details: 'd',
            },
            { code: 'InvalidInput', message: 'second' },
          ]),
      );
    });
    const error = await clientFor(fake)
      .setAppointmentFulfillmentData({
        serviceJobId: 'job-1',
        appointmentId: 'appt-00001',
        body: {
          fulfillmentTime: { startTime: '2020-01-02T13:18:10.668Z', endTime: '2020-01-03T13:18:10.668Z' },
        },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServicesApiError);
    const e = error as ServicesApiError;
    expect(e).toMatchObject({
      status: 422,
      code: 'InvalidInput',
      details: 'd',
      requestId: 'req-422',
      operation: 'setAppointmentFulfillmentData',
    });
    expect(e.errors).toHaveLength(2);
    // times in Amazon's messages can identify a visit: they are masked
    expect(e.message).toContain('Fulfillment end time <time> is in the future.');
    expect(e.message).not.toContain('2020-01-03');
  });

  it('a 200 that carries only errors did not succeed', async () => {
    fake = await startFakeAmazon((app) => {
      app.put('/service/v1/serviceResources/:id/schedules', async () => ({
        errors: [{ code: 'InvalidInput', message: 'Resource not found' }],
      }));
    });
    const error = await clientFor(fake)
      .updateSchedule({
        resourceId: 'invalidResourceId-1',
        marketplaceIds: mkt,
        body: { schedules: [{ startTime: '2030-01-01T09:00:00Z', endTime: '2030-01-01T17:00:00Z' }] },
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: 'api',
      status: 200,
      code: 'InvalidInput',
      mayHaveTakenEffect: false,
    });
  });

  it('a 2xx body outside the model is a ResponseShapeError naming the field', async () => {
    fake = await startFakeAmazon((app) => {
      app.get('/service/v1/serviceJobs/:id', async () => ({
        payload: { serviceJobStatus: 'SOMETHING_NEW' },
      }));
    });
    const error = await clientFor(fake)
      .getServiceJobByServiceJobId({ serviceJobId: 'job-1' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect((error as Error).message).toContain('payload.serviceJobStatus: must be one of');
  });
});

describe('pagination', () => {
  const jobs = Array.from({ length: 47 }, (_, i) => ({ serviceJobId: `job-${i}` }));

  it('walks getServiceJobs by nextPageToken until the end', async () => {
    fake = await startFakeAmazon((app) => {
      app.get('/service/v1/serviceJobs', async (request) => {
        const q = request.query as { pageToken?: string; pageSize?: string };
        const start = q.pageToken ? Number(q.pageToken.replace('p', '')) : 0;
        const size = Number(q.pageSize ?? 20);
        const next = start + size < jobs.length ? `p${start + size}` : undefined;
        return {
          payload: {
            totalResultSize: jobs.length,
            jobs: jobs.slice(start, start + size),
            nextPageToken: next,
          },
        };
      });
    });
    const seen: string[] = [];
    for await (const job of clientFor(fake).serviceJobs({
      marketplaceIds: mkt,
      createdAfter: '2026-01-01T00:00:00Z',
      pageSize: 20,
    })) {
      seen.push(job.serviceJobId ?? '');
    }
    expect(seen).toEqual(jobs.map((j) => j.serviceJobId));
    expect(fake.requests).toHaveLength(3);
  });

  it('stops when a token comes back again (Amazon sandbox uses one token for next and previous)', async () => {
    fake = await startFakeAmazon((app) => {
      app.get('/service/v1/serviceJobs', async () => ({
        payload: { jobs: [{ serviceJobId: 'x' }], nextPageToken: 'same', previousPageToken: 'same' },
      }));
    });
    const pages = [];
    for await (const page of clientFor(fake).serviceJobPages({
      marketplaceIds: mkt,
      createdAfter: '2026-01-01T00:00:00Z',
    }))
      pages.push(page);
    expect(pages).toHaveLength(2);
  });

  it('walks capacity pages with nextPageToken in the query and the body repeated', async () => {
    const bodies: unknown[] = [];
    fake = await startFakeAmazon((app) => {
      app.post('/service/v1/serviceResources/:id/capacity/range', async (request) => {
        bodies.push(request.body);
        const token = (request.query as { nextPageToken?: string }).nextPageToken;
        return token
          ? { resourceId: 'store-1', capacities: [] }
          : { resourceId: 'store-1', capacities: [], nextPageToken: 'MjAyMi0wNC0wNVQwMDowMDowMFo=' };
      });
    });
    const body = {
      startDateTime: '2030-03-01T00:00:00Z',
      endDateTime: '2030-05-30T00:00:00Z',
      capacityTypes: ['AVAILABLE_CAPACITY' as const],
    };
    const pages = [];
    for await (const page of clientFor(fake).rangeSlotCapacityPages({
      resourceId: 'store-1',
      marketplaceIds: mkt,
      body,
    }))
      pages.push(page);
    expect(pages).toHaveLength(2);
    expect(bodies).toEqual([body, body]);
    expect(new URL(fake.requests[1]?.url ?? '', fake.url).searchParams.get('nextPageToken')).toBe(
      'MjAyMi0wNC0wNVQwMDowMDowMFo=',
    );
  });
});
