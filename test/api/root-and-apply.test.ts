/** The API root points people to the board and the docs; applying a reviewed plan needs no body. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiWorld, waitForPlan, type ApiWorld } from './support/api-world.ts';

describe('API root and apply without a body', () => {
  let w: ApiWorld;
  beforeAll(async () => {
    w = await startApiWorld();
  });
  afterAll(async () => {
    await w?.close();
  });

  it('answers / with the board and docs addresses, without a token', async () => {
    const json = await w.call('GET', '/', { token: null, headers: { accept: 'application/json' } });
    expect(json.status, json.text).toBe(200);
    expect(json.body).toMatchObject({
      board: `${w.url}/board/`,
      docs: `${w.url}/docs`,
      health: `${w.url}/health`,
    });
    const page = await w.call('GET', '/', { token: null, headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain('href="/board/"');
    expect(page.text).toContain('href="/docs"');
  });

  it('applies a dry-run plan posted with no body (or an empty object)', async () => {
    for (const body of [undefined, {}]) {
      const dry = await w.call('POST', '/v1/plans', {
        token: 'planner',
        body: { from: w.world.date, solverSeconds: 1, seed: 3 },
      });
      expect(dry.status, dry.text).toBe(202);
      const planId = (dry.body as { planId: string }).planId;
      await waitForPlan(w, planId);
      const applied = await w.call('POST', `/v1/plans/${planId}/apply`, { token: 'planner', body });
      expect(applied.status, applied.text).toBe(200);
      expect(applied.body).toMatchObject({ planId, applied: true });
    }
  });
});
