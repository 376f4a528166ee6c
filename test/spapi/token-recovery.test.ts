// A cached access token Amazon refuses (expired, or forgotten by a restarted token issuer) is
// dropped and exchanged once more; a second refusal is one clear error.
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import {
  AuthError,
  createServicesClient,
  RateLimiterRegistry,
  ServicesApiError,
  type ServicesClient,
} from '../../src/spapi/index.ts';
import { clientFor, startFakeAmazon, type FakeAmazon } from './helpers.ts';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

const fixedNow = new Date('2026-11-20T12:00:00Z');

async function sandbox(): Promise<Sandbox> {
  const s = await startSandbox({
    seed: 3,
    jobs: 10,
    technicians: 2,
    stores: 1,
    rateLimits: 'off',
    startDate: '2026-11-23',
    clock: () => fixedNow,
    logger: false,
  });
  open.push(s);
  return s;
}

function clientOf(s: Sandbox): ServicesClient {
  return createServicesClient({
    baseUrl: s.url,
    credentials: { ...s.credentials, tokenUrl: `${s.url}/auth/o2/token` },
    rateLimits: 'off',
    rateLimiters: new RateLimiterRegistry(),
    retry: { initialDelayMs: 2, maxDelayMs: 20 },
    logger: pino({ level: 'silent' }),
  });
}

const listJobs = (client: ServicesClient, s: Sandbox) =>
  client.getServiceJobs({ marketplaceIds: [s.marketplaceId], createdAfter: '2000-01-01T00:00:00Z' });

const countOf = (s: Sandbox, operation: string, status?: number): number =>
  s.requestLog.filter((e) => e.operation === operation && (status === undefined || e.status === status))
    .length;

describe('a token issuer that restarts mid-run', () => {
  it('the client drops the forgotten token, exchanges once more and goes on', async () => {
    const s = await sandbox();
    const client = clientOf(s);
    expect((await listJobs(client, s)).payload?.jobs?.length).toBeGreaterThan(0);
    expect(countOf(s, 'lwaToken')).toBe(1);

    expect(s.forgetIssuedTokens()).toBe(1);
    const again = await listJobs(client, s);
    expect(again.payload?.jobs?.length).toBeGreaterThan(0);
    expect(countOf(s, 'lwaToken')).toBe(2);
    expect(countOf(s, 'getServiceJobs', 403)).toBe(1);

    // The new token is cached again: no exchange for the next call.
    await listJobs(client, s);
    expect(countOf(s, 'lwaToken')).toBe(2);
  });

  it('calls in flight when the issuer restarts share one new exchange', async () => {
    const s = await sandbox();
    const client = clientOf(s);
    await listJobs(client, s);
    s.forgetIssuedTokens();
    const results = await Promise.all(Array.from({ length: 8 }, () => listJobs(client, s)));
    expect(results.every((r) => (r.payload?.jobs?.length ?? 0) > 0)).toBe(true);
    expect(countOf(s, 'lwaToken')).toBe(2);
    expect(countOf(s, 'getServiceJobs', 403)).toBe(8);
  });

  it('recovers after every one of several restarts', async () => {
    const s = await sandbox();
    const client = clientOf(s);
    for (let i = 0; i < 4; i++) {
      await listJobs(client, s);
      s.forgetIssuedTokens();
    }
    await listJobs(client, s);
    expect(countOf(s, 'lwaToken')).toBe(5);
  });
});

type Answer =
  | 'ok'
  | 'expired-403'
  | 'invalid-403'
  | 'missing-403'
  | 'unauthorized-401'
  | 'invalid-input-401'
  | 'role-403';

const tokenRefusals: readonly Answer[] = [
  'expired-403',
  'invalid-403',
  'missing-403',
  'unauthorized-401',
  'invalid-input-401',
];

function answerOf(a: Answer): { status: number; body: unknown } {
  const denied = (status: number, code: string, message: string, details?: string) => ({
    status,
    body: { errors: [{ code, message, ...(details !== undefined ? { details } : {}) }] },
  });
  switch (a) {
    case 'ok':
      return { status: 200, body: { payload: { serviceJobId: 'job-1' } } };
    case 'expired-403':
      return denied(
        403,
        'Unauthorized',
        'Access to requested resource is denied.',
        'The access token you provided has expired.',
      );
    case 'invalid-403':
      return denied(
        403,
        'Unauthorized',
        'Access to requested resource is denied.',
        'The access token you provided is revoked, malformed or invalid.',
      );
    case 'missing-403':
      return denied(403, 'Unauthorized', 'Access to requested resource is denied.', '');
    case 'unauthorized-401':
      return denied(401, 'Unauthorized', 'Access to requested resource is denied.');
    case 'invalid-input-401':
      return denied(401, 'InvalidInput', 'The access token you provided is revoked, malformed or invalid.');
    case 'role-403':
      return denied(403, 'UnauthorizedAction', 'Not authorized to access this resource.');
  }
}

/** A Services route answering the scripted answers in order, then `ok`. */
async function scripted(answers: readonly Answer[]): Promise<FakeAmazon> {
  let n = 0;
  const fake = await startFakeAmazon((app: FastifyInstance) => {
    app.get('/service/v1/serviceJobs/:id', async (_request, reply) => {
      const a = answerOf(answers[n++] ?? 'ok');
      return reply.code(a.status).header('x-amzn-RequestId', `req-${n}`).send(a.body);
    });
  });
  open.push(fake);
  return fake;
}

describe('refused access tokens', () => {
  it('a token refused again right after a new exchange is one clear error', async () => {
    const fake = await scripted(['invalid-403', 'invalid-403', 'ok']);
    const error = await clientFor(fake)
      .getServiceJobByServiceJobId({ serviceJobId: 'job-1' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({
      kind: 'auth',
      code: 'access_token_rejected',
      status: 403,
      retryable: false,
    });
    const message = (error as Error).message;
    expect(message).toContain('getServiceJobByServiceJobId');
    expect(message).toContain('revoked, malformed or invalid');
    expect(message).not.toMatch(/Atza\|/);
    expect(fake.tokenRequests).toHaveLength(2);
    expect(fake.requests).toHaveLength(2);
  });

  it('the refused token is not used again by the next call', async () => {
    const fake = await scripted(['invalid-403', 'invalid-403']);
    const client = clientFor(fake);
    await client.getServiceJobByServiceJobId({ serviceJobId: 'job-1' }).catch(() => undefined);
    await client.getServiceJobByServiceJobId({ serviceJobId: 'job-1' });
    expect(fake.requests.map((r) => r.token)).toEqual(['Atza|token-1', 'Atza|token-2', 'Atza|token-3']);
  });

  it('any sequence of answers: one new exchange per refusal, at most one per call, as the rule says', async () => {
    const answer = fc.constantFrom<Answer>(...tokenRefusals, 'ok', 'role-403');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(answer, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 }),
        async (calls) => {
          // Each call meets its own scripted answers; what a call does not consume is dropped.
          const expected: Array<'ok' | 'rejected' | 'role'> = [];
          const script: Answer[] = [];
          let exchanges = 0;
          let cached = false;
          for (const answers of calls) {
            for (let i = 0; ; i++) {
              if (!cached) exchanges += 1;
              cached = true;
              const a = answers[i] ?? 'ok';
              script.push(a);
              if (a === 'ok' || a === 'role-403') {
                expected.push(a === 'ok' ? 'ok' : 'role');
                break;
              }
              // A refused token is dropped; a second refusal ends the call.
              cached = false;
              if (i === 1) {
                expected.push('rejected');
                break;
              }
            }
          }
          const fake = await scripted(script);
          const client = clientFor(fake);
          const seen: Array<'ok' | 'rejected' | 'role'> = [];
          for (let i = 0; i < calls.length; i++) {
            try {
              await client.getServiceJobByServiceJobId({ serviceJobId: 'job-1' });
              seen.push('ok');
            } catch (e) {
              if (e instanceof AuthError && e.code === 'access_token_rejected') seen.push('rejected');
              else if (e instanceof ServicesApiError && e.code === 'UnauthorizedAction') seen.push('role');
              else throw e;
            }
          }
          expect(seen).toEqual(expected);
          expect(fake.tokenRequests).toHaveLength(exchanges);
          expect(fake.requests).toHaveLength(script.length);
          await fake.close();
          open.splice(open.indexOf(fake), 1);
        },
      ),
      { numRuns: 40 },
    );
  });
});
