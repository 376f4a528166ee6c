/**
 * Random and malformed requests to every route (a fast-check property, over real HTTP):
 * bodies of any JSON shape, broken JSON, wrong content types, odd query strings and path
 * parameters. Every answer is 4xx in the error shape (a 400 names each field and the rule)
 * or a success; never a 500.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiWorld, type ApiWorld } from './support/api-world.ts';

interface Target {
  method: 'GET' | 'POST';
  path: string;
  token: string;
  /** Path with a parameter to fill in, e.g. /v1/plans/{} */
  param?: boolean;
}

/** Every route the server has; other areas' routes join this list as they land. */
const TARGETS: Target[] = [
  { method: 'GET', path: '/v1/plans', token: 'viewer' },
  { method: 'GET', path: '/v1/plans/{}', token: 'viewer', param: true },
  { method: 'POST', path: '/v1/plans', token: 'planner' },
  { method: 'POST', path: '/v1/plans/{}/apply', token: 'planner', param: true },
  { method: 'POST', path: '/v1/optimize-today', token: 'planner' },
  { method: 'POST', path: '/v1/solve', token: 'planner' },
  { method: 'GET', path: '/v1/board', token: 'viewer' },
  { method: 'GET', path: '/v1/tokens', token: 'admin' },
  { method: 'GET', path: '/v1/session', token: 'viewer' },
  { method: 'GET', path: '/metrics', token: 'viewer' },
  { method: 'GET', path: '/health', token: 'viewer' },
  { method: 'GET', path: '/v1/capacity', token: 'viewer' },
  { method: 'POST', path: '/v1/capacity/publish', token: 'planner' },
  { method: 'POST', path: '/v1/what-if', token: 'planner' },
  { method: 'GET', path: '/v1/what-if/{}', token: 'viewer', param: true },
  { method: 'GET', path: '/v1/kpis', token: 'viewer' },
  { method: 'POST', path: '/v1/jobs/{}/fulfillment', token: 'planner', param: true },
  { method: 'POST', path: '/v1/jobs/{}/complete', token: 'planner', param: true },
  { method: 'POST', path: '/v1/jobs/{}/cancel', token: 'planner', param: true },
];

const FIELD_NAMES = [
  'from',
  'to',
  'storeId',
  'storeIds',
  'apply',
  'timeBudgetMs',
  'freezeMinutes',
  'unavailableTechnicians',
  'date',
  'planId',
  'limit',
  'status',
  'jobs',
  'technicians',
  'vehicles',
  'matrices',
  'seed',
  'format',
  'skill',
  'slotMinutes',
  'base',
  'changes',
  'samples',
  'fulfillmentTime',
  'documents',
  'reasonCode',
];

const scalar = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(
    '2026-13-45',
    '2026-11-24',
    'STORE-1',
    '-1',
    '1e309',
    'NaN',
    '',
    '../etc',
    '%00',
    '<script>',
  ),
);
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(
    fc.constantFrom(...FIELD_NAMES),
    fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.jsonValue({ maxDepth: 2 })),
    {
      maxKeys: 6,
    },
  ),
);
const raw = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('{', '{"from":', '[1,2', 'null', '"str"', '{"a":1}}', '\u0000', '{"__proto__":{"x":1}}'),
);
const queryString = fc
  .array(
    fc.tuple(
      fc.constantFrom(...FIELD_NAMES, 'x'),
      fc.oneof(fc.string({ maxLength: 12 }), scalar.map(String)),
    ),
    {
      maxLength: 4,
    },
  )
  .map((pairs) => new URLSearchParams(pairs).toString());
const param = fc.oneof(fc.string({ maxLength: 40 }), fc.uuid(), fc.constantFrom('..', '%2e%2e', 'null', ' '));

const request = fc.record({
  target: fc.constantFrom(...TARGETS),
  query: queryString,
  param,
  payload: fc.oneof(
    body.map((b) => ({ kind: 'json' as const, b })),
    raw.map((r) => ({ kind: 'raw-json' as const, r })),
    raw.map((r) => ({ kind: 'text' as const, r })),
    fc.constant({ kind: 'none' as const }),
  ),
});

describe('random and malformed requests', () => {
  let w: ApiWorld;
  beforeAll(async () => {
    w = await startApiWorld({ api: { server: { rateLimit: false } } });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('never answer 500, and every 400 names the fields at fault', async () => {
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(request, async ({ target, query, param: p, payload }) => {
        const path =
          (target.param ? target.path.replace('{}', encodeURIComponent(p)) : target.path) +
          (query ? `?${query}` : '');
        const options: Parameters<ApiWorld['call']>[2] = { token: target.token };
        if (target.method === 'POST') {
          if (payload.kind === 'json') options.body = payload.b;
          else if (payload.kind === 'raw-json') {
            options.rawBody = payload.r;
            options.headers = { 'content-type': 'application/json' };
          } else if (payload.kind === 'text') {
            options.rawBody = payload.r;
            options.headers = { 'content-type': 'text/plain' };
          }
        }
        const r = await w.call(target.method, path, options);
        seen.set(String(r.status), (seen.get(String(r.status)) ?? 0) + 1);
        expect(r.status, `${target.method} ${path} → ${r.text.slice(0, 300)}`).toBeLessThan(500);
        if (r.status >= 400) {
          const e = (
            r.body as {
              error?: { code?: string; message?: string; issues?: { path: string; message: string }[] };
            }
          )?.error;
          expect(e?.code, r.text).toBeTypeOf('string');
          expect(e?.message, r.text).toBeTypeOf('string');
          if (r.status === 400 && e?.issues !== undefined) {
            expect(e.issues.length).toBeGreaterThan(0);
            for (const i of e.issues) {
              expect(i.path, r.text).toMatch(/^(body|query|params|querystring)?/);
              expect(i.message.length, r.text).toBeGreaterThan(0);
            }
          }
        }
      }),
      { numRuns: 400 },
    );
    // The property reached the validation of the routes, not only auth or routing failures.
    expect(seen.get('400') ?? 0).toBeGreaterThan(50);
  });
});
