import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiWorld, type ApiWorld } from './support/api-world.ts';

describe('GET /v1/session', () => {
  let w: ApiWorld;
  beforeAll(async () => {
    w = await startApiWorld({ sandbox: { jobs: 5, technicians: 1 } });
  });
  afterAll(async () => {
    await w?.close();
  });

  it("answers the token's scope and name", async () => {
    for (const scope of ['viewer', 'planner', 'admin'] as const) {
      const r = await w.call('GET', '/v1/session', { token: scope });
      expect(r.status, r.text).toBe(200);
      expect(r.body).toEqual({ scope, name: `test ${scope}` });
    }
  });

  it('refuses a missing or unknown token, and unknown query parameters', async () => {
    const none = await w.call('GET', '/v1/session', { token: null });
    expect(none.status).toBe(401);
    expect((none.body as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
    expect((await w.call('GET', '/v1/session', { token: 'not-a-token' })).status).toBe(401);
    const odd = await w.call('GET', '/v1/session?x=1');
    expect(odd.status).toBe(400);
    expect((odd.body as { error: { code: string } }).error.code).toBe('BAD_REQUEST');
  });
});
