/**
 * The API skeleton over real HTTP against a server backed by the local sandbox: health,
 * bearer tokens and scopes (401 / 403), the error shape for unknown routes and bad input,
 * CORS closed by default, per-token rate limiting and the OpenAPI document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiWorld, type ApiWorld } from './support/api-world.ts';

describe('API server', () => {
  let w: ApiWorld;
  beforeAll(async () => {
    w = await startApiWorld({ api: { server: { rateLimit: { max: 40, timeWindowMs: 60_000 } } } });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('answers /health without a token', async () => {
    const r = await w.call('GET', '/health', { token: null });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'ok', solver: { threads: 2 } });
  });

  it('refuses a route without a token (401) and with a bad or malformed one', async () => {
    for (const token of [null, 'fpt_aaaaaaaaaaaa_' + 'A'.repeat(43), 'not-a-token']) {
      const r = await w.call('GET', '/v1/plans', { token });
      expect(r.status, String(token)).toBe(401);
      expect(r.body).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    }
    const basic = await w.call('GET', '/v1/plans', { token: null, headers: { authorization: 'Basic eDp5' } });
    expect(basic.status).toBe(401);
    expect(JSON.stringify(basic.body)).toContain('Bearer');
  });

  it('refuses a revoked token', async () => {
    const made = await w.api.ctx.store.tokens.create({ scope: 'admin' });
    expect((await w.call('GET', '/v1/plans', { token: made.token })).status).toBe(200);
    await w.api.ctx.store.tokens.revoke(made.tokenId);
    expect((await w.call('GET', '/v1/plans', { token: made.token })).status).toBe(401);
  });

  it('lets every scope read, since viewer < planner < admin', async () => {
    for (const token of ['viewer', 'planner', 'admin']) {
      const r = await w.call('GET', '/v1/plans', { token });
      expect(r.status, token).toBe(200);
      expect(r.body).toEqual({ plans: [] });
    }
  });

  it('refuses a scope below the route scope (403) and names the scope needed', async () => {
    for (const token of ['viewer', 'planner']) {
      const r = await w.call('GET', '/v1/tokens', { token });
      expect(r.status, token).toBe(403);
      expect(r.body).toMatchObject({
        error: { code: 'FORBIDDEN', message: expect.stringContaining('admin') },
      });
    }
    const ok = await w.call('GET', '/v1/tokens', { token: 'admin' });
    expect(ok.status).toBe(200);
    expect(JSON.stringify(ok.body)).not.toMatch(/fpt_/);
  });

  it('answers unknown routes with 404 in the error shape', async () => {
    const r = await w.call('GET', '/v1/no-such-thing');
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({
      error: { code: 'NOT_FOUND', message: expect.stringContaining('/v1/no-such-thing') },
    });
  });

  it('names each wrong field and the rule in a 400', async () => {
    const r = await w.call('GET', '/v1/plans?limit=0&status=sleeping&extra=1');
    expect(r.status).toBe(400);
    const issues = (r.body as { error: { code: string; issues: { path: string; message: string }[] } }).error;
    expect(issues.code).toBe('BAD_REQUEST');
    const paths = issues.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['query.limit', 'query.status', 'query.extra']));
    expect(issues.issues.every((i) => i.message.length > 0)).toBe(true);
    const bad = await w.call('GET', '/v1/plans/not-a-uuid');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { issues: [{ path: 'params.id' }] } });
    const missing = await w.call('GET', '/v1/plans/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
  });

  it('keeps CORS closed by default', async () => {
    const r = await w.call('OPTIONS', '/v1/plans', {
      token: null,
      headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'GET' },
    });
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('publishes the OpenAPI document at /docs/json', async () => {
    const r = await w.call('GET', '/docs/json', { token: null });
    expect(r.status).toBe(200);
    const doc = r.body as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/health', '/v1/plans', '/v1/plans/{id}']),
    );
  });

  it('limits requests per token, not per address', async () => {
    const made = await w.api.ctx.store.tokens.create({ scope: 'viewer' });
    const statuses: number[] = [];
    for (let i = 0; i < 41; i++)
      statuses.push((await w.call('GET', '/v1/plans', { token: made.token })).status);
    expect(statuses.slice(0, 40).every((s) => s === 200)).toBe(true);
    expect(statuses[40]).toBe(429);
    // Another token from the same address still gets through.
    const other = await w.api.ctx.store.tokens.create({ scope: 'viewer' });
    expect((await w.call('GET', '/v1/plans', { token: other.token })).status).toBe(200);
  });

  it('limits callers without a token per address before refusing them', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 41 && !statuses.includes(429); i++) {
      statuses.push((await w.call('POST', '/v1/plans', { token: null, rawBody: '{' })).status);
    }
    expect(statuses.slice(0, -1).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });
});
