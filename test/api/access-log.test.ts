/**
 * The access log as an operator reads it: one line per request with method, route pattern,
 * status, duration, request id and token id; never the token, the body, the raw URL or its
 * query values. Captured from the logger the server runs with (privacy formatter included).
 */
import { Writable } from 'node:stream';
import fc from 'fast-check';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privacyLoggerOptions } from '../../src/privacy/redact.ts';
import { startApiWorld, type ApiWorld } from './support/api-world.ts';

interface Line {
  msg?: string;
  reqId?: string;
  method?: string;
  route?: string;
  status?: number;
  durationMs?: number;
  tokenId?: string | null;
  req?: unknown;
  res?: unknown;
}

describe('access log', () => {
  let w: ApiWorld;
  const lines: string[] = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    w = await startApiWorld({
      api: {
        logger: pino({ level: 'info', ...privacyLoggerOptions() }, sink),
        server: { rateLimit: false, logRequests: true },
      },
    });
  });
  afterAll(async () => {
    await w?.close();
  });

  /** The access-log lines written since `from`. */
  const accessLines = (from: number): Line[] =>
    lines
      .slice(from)
      .map((l) => JSON.parse(l) as Line)
      .filter((l) => l.msg === 'request completed');

  it('writes one line per request with method, route pattern, status, duration, request and token ids', async () => {
    const tokenIds = new Map<string, string>();
    for (const scope of ['viewer', 'planner'] as const) {
      const found = (await w.api.ctx.store.tokens.verify(w.tokens[scope]))!;
      tokenIds.set(scope, found.tokenId);
    }
    const requests = fc.record({
      target: fc.constantFrom(
        { method: 'GET', url: (v: string) => `/v1/plans?status=${v}&limit=2`, route: '/v1/plans' },
        { method: 'GET', url: (v: string) => `/v1/plans/${v}`, route: '/v1/plans/:id' },
        { method: 'POST', url: () => '/v1/plans', route: '/v1/plans' },
        { method: 'GET', url: (v: string) => `/v1/kpis?from=${v}`, route: '/v1/kpis' },
        { method: 'GET', url: (v: string) => `/nowhere/${v}`, route: 'unmatched' },
      ),
      // Query and path values an operator must not find in the log (a name typed in a search).
      secret: fc.stringMatching(/^[A-Za-z]{12,20}$/).map((s) => `Zq${s}`),
      scope: fc.constantFrom('viewer' as const, 'planner' as const, null),
    });
    await fc.assert(
      fc.asyncProperty(requests, async ({ target, secret, scope }) => {
        const before = lines.length;
        const body = target.method === 'POST' ? { from: secret, buyerName: secret } : undefined;
        const r = await w.call(target.method, target.url(secret), {
          token: scope,
          ...(body !== undefined ? { body } : {}),
        });
        // The line is written when the answer has gone out; give the logger a moment.
        for (let i = 0; i < 50 && accessLines(before).length === 0; i++) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        const written = accessLines(before);
        expect(written).toHaveLength(1);
        const line = written[0]!;
        expect(line).toMatchObject({
          method: target.method,
          route: target.route,
          status: r.status,
          tokenId: scope === null ? null : tokenIds.get(scope),
        });
        expect(line.reqId).toMatch(/\S/);
        expect(line.durationMs).toBeTypeOf('number');
        expect(line.durationMs!).toBeGreaterThanOrEqual(0);
        expect(line.req).toBeUndefined();
        expect(line.res).toBeUndefined();
        const text = lines.slice(before).join('\n');
        expect(text).not.toContain(secret);
        for (const token of Object.values(w.tokens)) expect(text).not.toContain(token);
      }),
      { numRuns: 40 },
    );
  });

  it('gives each request its own id', async () => {
    const before = lines.length;
    for (let i = 0; i < 5; i++) await w.call('GET', '/health', { token: null });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const ids = accessLines(before).map((l) => l.reqId);
    expect(ids).toHaveLength(5);
    expect(new Set(ids).size).toBe(5);
  });
});
