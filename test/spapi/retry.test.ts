import { afterEach, describe, expect, it } from 'vitest';
import {
  AuthError,
  isRetryable,
  NetworkError,
  ServicesApiError,
  type OperationId,
} from '../../src/spapi/index.ts';
import { retryPolicyFor } from '../../src/spapi/retry.ts';
import { clientFor, startFakeAmazon, unusedPortUrl, type FakeAmazon } from './helpers.ts';

const api = (status: number) =>
  new ServicesApiError({
    operation: 'x',
    status,
    errors: [{ code: 'C', message: 'm' }],
    requestId: undefined,
  });
const add: OperationId = 'addAppointmentForServiceJobByServiceJobId';
const assign: OperationId = 'assignAppointmentResources';

describe('the retry rule', () => {
  it.each([
    ['429 on a creating operation', api(429), add, undefined, true],
    ['503 on a creating operation', api(503), add, undefined, false],
    ['503 on a creating operation the caller vouches for', api(503), add, true, true],
    ['500 on a replacing operation', api(500), assign, undefined, true],
    ['400', api(400), assign, undefined, false],
    ['422', api(422), add, true, false],
    [
      'connection refused on a creating operation',
      new NetworkError('x', 'ECONNREFUSED', false),
      add,
      undefined,
      true,
    ],
    [
      'dropped after sending on a creating operation',
      new NetworkError('x', 'UND_ERR_SOCKET', true),
      add,
      undefined,
      false,
    ],
    [
      'dropped after sending on createReservation',
      new NetworkError('x', 'ECONNRESET', true),
      'createReservation',
      undefined,
      false,
    ],
    [
      'dropped after sending on a read',
      new NetworkError('x', 'ECONNRESET', true),
      'getServiceJobs',
      undefined,
      true,
    ],
    [
      'token endpoint down',
      new AuthError('token_endpoint_unavailable', 'x', { retryable: true }),
      add,
      undefined,
      true,
    ],
    ['refresh token refused', new AuthError('invalid_grant', 'x'), assign, undefined, false],
  ] as const)('%s -> %s', (_name, error, operation, retrySafe, expected) => {
    expect(isRetryable(error, { operation, retrySafe })).toBe(expected);
  });

  it('backs off exponentially and stops after maxAttempts', async () => {
    const policy = retryPolicyFor(
      { operation: assign },
      { maxAttempts: 4, initialDelayMs: 10, maxDelayMs: 1000 },
    );
    const delays: number[] = [];
    policy.onRetry((event) => {
      if ('delay' in event) delays.push(event.delay);
    });
    let attempts = 0;
    await expect(
      policy.execute(() => {
        attempts += 1;
        throw api(503);
      }),
    ).rejects.toMatchObject({ status: 503 });
    expect(attempts).toBe(4);
    // Three waits between four attempts, each a real pause and none past the ceiling.
    expect(delays).toHaveLength(3);
    expect(delays.every((d) => d > 0 && d <= 1000)).toBe(true);
  });

  it('stops once the total time budget is spent', async () => {
    let now = 0;
    const policy = retryPolicyFor(
      { operation: assign },
      { maxAttempts: 50, initialDelayMs: 1, maxDelayMs: 2, maxElapsedMs: 1000 },
      () => now,
    );
    let attempts = 0;
    await expect(
      policy.execute(() => {
        attempts += 1;
        now += 300;
        throw api(429);
      }),
    ).rejects.toMatchObject({ status: 429 });
    expect(attempts).toBe(4);
  });
});

let fake: FakeAmazon | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('retries over HTTP', () => {
  const body = { appointmentTime: { startTime: '2030-01-01T10:00:00Z', durationInMinutes: 60 } };

  it('retries a creating operation after 429 and succeeds once', async () => {
    let n = 0;
    fake = await startFakeAmazon((app) => {
      app.post('/service/v1/serviceJobs/:id/appointments', async (_req, reply) => {
        n += 1;
        if (n <= 2)
          return reply.code(429).send({
            errors: [
              { code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.' },
            ],
          });
        return reply.send({ appointmentId: 'appt-00001' });
      });
    });
    const result = await clientFor(fake).addAppointmentForServiceJobByServiceJobId({
      serviceJobId: 'job-1',
      body,
    });
    expect(result.appointmentId).toBe('appt-00001');
    expect(n).toBe(3);
  });

  it('does not retry a creating operation after 503: the error says it may have taken effect', async () => {
    let n = 0;
    fake = await startFakeAmazon((app) => {
      app.post('/service/v1/serviceJobs/:id/appointments', async (_req, reply) => {
        n += 1;
        return reply
          .code(503)
          .send({ errors: [{ code: 'ServiceUnavailable', message: 'Service temporarily unavailable.' }] });
      });
    });
    const error = await clientFor(fake)
      .addAppointmentForServiceJobByServiceJobId({ serviceJobId: 'job-1', body })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'api', status: 503, mayHaveTakenEffect: true });
    expect(n).toBe(1);
  });

  it('retries a creating operation after 503 when the caller passes retrySafe', async () => {
    let n = 0;
    fake = await startFakeAmazon((app) => {
      app.post('/service/v1/serviceJobs/:id/appointments', async (_req, reply) => {
        n += 1;
        if (n === 1)
          return reply.code(503).send({ errors: [{ code: 'ServiceUnavailable', message: 'down' }] });
        return reply.send({ appointmentId: 'appt-00002' });
      });
    });
    const result = await clientFor(fake).addAppointmentForServiceJobByServiceJobId(
      { serviceJobId: 'job-1', body },
      { retrySafe: true },
    );
    expect(result.appointmentId).toBe('appt-00002');
    expect(n).toBe(2);
  });

  it('retries a replacing operation after a dropped connection', async () => {
    let n = 0;
    fake = await startFakeAmazon((app) => {
      app.put('/service/v1/serviceJobs/:id/appointments/:appt/resources', async (request, reply) => {
        n += 1;
        if (n === 1) {
          request.raw.socket.destroy();
          return reply;
        }
        return reply.send({ payload: {} });
      });
    });
    const result = await clientFor(fake).assignAppointmentResources({
      serviceJobId: 'job-1',
      appointmentId: 'appt-00001',
      body: { resources: [{ resourceId: 'tech-1' }] },
    });
    expect(result).toEqual({ payload: {} });
    expect(n).toBe(2);
  });

  it('a dropped connection on createReservation surfaces as a network error after sending', async () => {
    let n = 0;
    fake = await startFakeAmazon((app) => {
      app.post('/service/v1/reservation', async (request, reply) => {
        n += 1;
        request.raw.socket.destroy();
        return reply;
      });
    });
    const error = await clientFor(fake)
      .createReservation({
        marketplaceIds: ['ATVPDKIKX0DER'],
        body: {
          resourceId: 'store-1',
          reservation: {
            type: 'BREAK',
            availability: { startTime: '2030-01-01T12:00:00Z', endTime: '2030-01-01T12:30:00Z' },
          },
        },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ requestSent: true, mayHaveTakenEffect: true });
    expect(n).toBe(1);
  });

  it('connection refused before sending is retried even for a creating operation, within the attempt bound', async () => {
    let calls = 0;
    const client = clientFor(
      { url: await unusedPortUrl() },
      {
        retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 2 },
        fetch: (input, init) => {
          calls += 1;
          return fetch(input, init);
        },
        tokenSource: { getAccessToken: async () => 't', invalidate: () => undefined },
      },
    );
    const error = await client
      .addAppointmentForServiceJobByServiceJobId({ serviceJobId: 'job-1', body })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: 'network',
      code: 'ECONNREFUSED',
      requestSent: false,
      mayHaveTakenEffect: false,
    });
    expect(calls).toBe(3);
  });
});

describe('a call whose earlier attempt may have worked', () => {
  it('reports mayHaveTakenEffect even when the last answer is a plain 404', async () => {
    let n = 0;
    fake = await startFakeAmazon((app) => {
      app.put('/service/v1/reservation/:id', async (request, reply) => {
        n += 1;
        if (n === 1) {
          request.raw.socket.destroy();
          return reply;
        }
        return reply
          .code(404)
          .send({ errors: [{ code: 'InvalidInput', message: 'Could not find reservation' }] });
      });
    });
    const error = await clientFor(fake)
      .updateReservation({
        reservationId: 'r-1',
        marketplaceIds: ['ATVPDKIKX0DER'],
        body: {
          resourceId: 'store-1',
          reservation: {
            type: 'BREAK',
            availability: { startTime: '2030-01-01T12:00:00Z', endTime: '2030-01-01T12:30:00Z' },
          },
        },
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'api', status: 404, mayHaveTakenEffect: true });
    expect(n).toBe(2);
  });
});
