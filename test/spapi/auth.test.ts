import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthError, LwaTokenProvider, resolveCredentials } from '../../src/spapi/index.ts';
import { clientFor, credentials, startFakeAmazon, type FakeAmazon } from './helpers.ts';

let fake: FakeAmazon | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const jobRoute =
  (answer: (token: string | undefined) => { status: number; body: unknown }) => (app: FastifyInstance) => {
    app.get('/service/v1/serviceJobs/:id', async (request, reply) => {
      const a = answer(request.headers['x-amz-access-token'] as string | undefined);
      return reply.code(a.status).header('x-amzn-RequestId', 'req-1').send(a.body);
    });
  };

describe('Login with Amazon', () => {
  it('exchanges the refresh token form-encoded and caches the access token until shortly before expiry', async () => {
    fake = await startFakeAmazon(() => undefined);
    let now = 1_000_000;
    const provider = new LwaTokenProvider({
      credentials: { ...credentials, tokenUrl: `${fake.url}/auth/o2/token` },
      now: () => now,
    });
    expect(await provider.getAccessToken()).toBe('Atza|token-1');
    expect(await provider.getAccessToken()).toBe('Atza|token-1');
    expect(fake.tokenRequests).toHaveLength(1);
    expect(fake.tokenRequests[0]?.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect(fake.tokenRequests[0]?.body).toEqual({
      grant_type: 'refresh_token',
      refresh_token: credentials.refreshToken,
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
    });
    now += 3_600_000 - 61_000; // still more than the 60 s margin left
    expect(await provider.getAccessToken()).toBe('Atza|token-1');
    now += 2_000; // inside the margin
    expect(await provider.getAccessToken()).toBe('Atza|token-2');
    expect(fake.tokenRequests).toHaveLength(2);
  });

  it('shares one exchange between concurrent callers', async () => {
    fake = await startFakeAmazon(() => undefined);
    const provider = new LwaTokenProvider({
      credentials: { ...credentials, tokenUrl: `${fake.url}/auth/o2/token` },
    });
    const tokens = await Promise.all([
      provider.getAccessToken(),
      provider.getAccessToken(),
      provider.getAccessToken(),
    ]);
    expect(new Set(tokens).size).toBe(1);
    expect(fake.tokenRequests).toHaveLength(1);
  });

  it('refreshes transparently when Amazon says the access token expired', async () => {
    fake = await startFakeAmazon(
      jobRoute((token) =>
        token === 'Atza|token-1'
          ? {
              status: 403,
              body: {
                errors: [
                  {
                    code: 'Unauthorized',
                    message: 'Access to requested resource is denied.',
                    details: 'The access token you provided has expired.',
                  },
                ],
              },
            }
          : { status: 200, body: { payload: { serviceJobId: 'job-1' } } },
      ),
    );
    const client = clientFor(fake);
    const result = await client.getServiceJobByServiceJobId({ serviceJobId: 'job-1' });
    expect(result.payload?.serviceJobId).toBe('job-1');
    expect(fake.tokenRequests).toHaveLength(2);
    expect(fake.requests.map((r) => r.token)).toEqual(['Atza|token-1', 'Atza|token-2']);
  });

  it('does not refresh on a 403 that is not about expiry', async () => {
    fake = await startFakeAmazon(
      jobRoute(() => ({
        status: 403,
        body: {
          errors: [{ code: 'UnauthorizedAction', message: 'Not authorized to access this resource.' }],
        },
      })),
    );
    const error = await clientFor(fake)
      .getServiceJobByServiceJobId({ serviceJobId: 'job-1' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'api', status: 403, code: 'UnauthorizedAction', requestId: 'req-1' });
    expect(fake.tokenRequests).toHaveLength(1);
    expect(fake.requests).toHaveLength(1);
  });

  it('a bad refresh token gives one clear error and no retry loop', async () => {
    fake = await startFakeAmazon(jobRoute(() => ({ status: 200, body: {} })));
    fake.tokenAnswer = () => ({
      status: 400,
      body: {
        error_description: 'The request has an invalid grant parameter : refresh_token',
        error: 'invalid_grant',
      },
    });
    const error = await clientFor(fake)
      .getServiceJobByServiceJobId({ serviceJobId: 'job-1' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: 'invalid_grant', retryable: false, status: 400 });
    expect((error as Error).message).toContain('re-authorise the application');
    expect((error as Error).message).not.toContain(credentials.refreshToken);
    expect((error as Error).message).not.toContain(credentials.clientSecret);
    expect(fake.tokenRequests).toHaveLength(1);
    expect(fake.requests).toHaveLength(0);
  });

  it('a wrong client secret is invalid_client', async () => {
    fake = await startFakeAmazon(() => undefined);
    fake.tokenAnswer = () => ({
      status: 401,
      body: { error_description: 'Client authentication failed', error: 'invalid_client' },
    });
    const provider = new LwaTokenProvider({
      credentials: { ...credentials, tokenUrl: `${fake.url}/auth/o2/token` },
    });
    await expect(provider.getAccessToken()).rejects.toMatchObject({
      code: 'invalid_client',
      retryable: false,
    });
  });

  it('token-endpoint trouble is retried, then the call goes through', async () => {
    fake = await startFakeAmazon(
      jobRoute(() => ({ status: 200, body: { payload: { serviceJobId: 'job-1' } } })),
    );
    fake.tokenAnswer = (n) =>
      n < 3
        ? { status: 503, body: {} }
        : { status: 200, body: { access_token: 'Atza|late', expires_in: 3600 } };
    const result = await clientFor(fake).getServiceJobByServiceJobId({ serviceJobId: 'job-1' });
    expect(result.payload?.serviceJobId).toBe('job-1');
    expect(fake.tokenRequests).toHaveLength(3);
  });
});

describe('credentials', () => {
  it('come from options first, then the environment', () => {
    const env = {
      LWA_CLIENT_ID: 'env-id',
      LWA_CLIENT_SECRET: 'env-secret',
      LWA_REFRESH_TOKEN: 'env-refresh',
    };
    expect(resolveCredentials({ clientId: 'opt-id' }, { env })).toMatchObject({
      clientId: 'opt-id',
      clientSecret: 'env-secret',
      refreshToken: 'env-refresh',
    });
  });

  it('name what is missing without showing values', () => {
    const run = () => resolveCredentials({}, { env: { LWA_CLIENT_SECRET: 'very-secret' } });
    expect(run).toThrow(AuthError);
    expect(run).toThrow(/missing LWA credentials: clientId, refreshToken/);
    expect(run).not.toThrow(/very-secret/);
  });
});
