import Fastify, { type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import {
  createServicesClient,
  RateLimiterRegistry,
  type ServicesClientOptions,
} from '../../src/spapi/index.ts';

export const credentials = {
  clientId: 'amzn1.application-oa2-client.test',
  clientSecret: 'secret-value-1',
  refreshToken: 'Atzr|refresh-value-1',
};

/**
 * A small stand-in for Amazon inside one test: an LWA token endpoint and whatever Services
 * routes the test registers. It records token exchanges and Services requests.
 */
export interface FakeAmazon {
  url: string;
  app: FastifyInstance;
  tokenRequests: Array<{ contentType: string | undefined; body: Record<string, string> }>;
  requests: Array<{
    method: string;
    url: string;
    at: number;
    token: string | undefined;
    headers: Record<string, unknown>;
  }>;
  /** Answer of the token endpoint; replace to script failures. */
  tokenAnswer: (n: number) => { status: number; body: unknown };
  close(): Promise<void>;
}

export async function startFakeAmazon(
  routes: (app: FastifyInstance, fake: FakeAmazon) => void,
): Promise<FakeAmazon> {
  const app = Fastify({ logger: false });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  const fake: FakeAmazon = {
    url: '',
    app,
    tokenRequests: [],
    requests: [],
    tokenAnswer: (n) => ({
      status: 200,
      body: { access_token: `Atza|token-${n}`, token_type: 'bearer', expires_in: 3600 },
    }),
    close: () => app.close(),
  };
  app.post('/auth/o2/token', async (request, reply) => {
    fake.tokenRequests.push({
      contentType: request.headers['content-type'],
      body: request.body as Record<string, string>,
    });
    const answer = fake.tokenAnswer(fake.tokenRequests.length);
    return reply.code(answer.status).send(answer.body);
  });
  app.addHook('onRequest', async (request) => {
    if (request.url.startsWith('/auth/')) return;
    fake.requests.push({
      method: request.method,
      url: request.url,
      at: Date.now(),
      token: request.headers['x-amz-access-token'] as string | undefined,
      headers: request.headers,
    });
  });
  routes(app, fake);
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  fake.url = address;
  return fake;
}

export function clientFor(fake: { url: string }, options: ServicesClientOptions = {}) {
  return createServicesClient({
    baseUrl: fake.url,
    credentials: { ...credentials, tokenUrl: `${fake.url}/auth/o2/token` },
    rateLimits: 'off',
    rateLimiters: new RateLimiterRegistry(),
    retry: { initialDelayMs: 5, maxDelayMs: 20 },
    logger: pino({ level: 'silent' }),
    ...options,
  });
}

/**
 * Replays request times through a token bucket (burst tokens, refilled at `rate` per
 * second) and returns the indices of requests that found no token.
 */
export function bucketViolations(times: readonly number[], rate: number, burst: number): number[] {
  const violations: number[] = [];
  let tokens = burst;
  let last = times[0] ?? 0;
  times.forEach((t, i) => {
    tokens = Math.min(burst, tokens + ((t - last) * rate) / 1000);
    last = t;
    // 1 ms of clock granularity on either side.
    if (tokens < 1 - rate / 1000) violations.push(i);
    else tokens -= 1;
  });
  return violations;
}

/** A local port nothing listens on (bound and released at once). */
export async function unusedPortUrl(): Promise<string> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(`http://127.0.0.1:${port}`));
    });
  });
}
