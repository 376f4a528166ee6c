/**
 * Requests built to knock the server over, against every route of its own OpenAPI document
 * and every kind of caller (no token, a wrong token, viewer, planner, admin), over real
 * sockets with request logging on as `fieldplan serve` runs it: bodies nested 100 000 levels
 * deep (objects and arrays), `__proto__` / `constructor` keys, 100 000-item arrays, broken
 * UTF-8, huge strings, numbers like 1e400, wrong content types and broken JSON.
 *
 * Never a 5xx, never a dropped connection, /health answers after every request. A route that
 * needs a token answers 401 to a caller without a valid one whatever the body, and 403 to a
 * scope too low whatever the body, in exactly the words it uses for an empty request: a
 * refusal tells nothing about the route's fields. Deep JSON to a caller allowed in is a 400
 * naming the limit.
 */
import { request as httpRequest } from 'node:http';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privacyLoggerOptions } from '../../src/privacy/redact.ts';
import { startApiWorld, type ApiWorld } from './support/api-world.ts';

type Role = 'none' | 'wrong' | 'viewer' | 'planner' | 'admin';
const ROLES: Role[] = ['none', 'wrong', 'viewer', 'planner', 'admin'];
const RANK: Record<Role, number> = { none: 0, wrong: 0, viewer: 1, planner: 2, admin: 3 };

interface Route {
  method: string;
  /** OpenAPI path, e.g. /v1/plans/{id} */
  path: string;
  public: boolean;
  /** Body and query field names the document lists for the route. */
  fields: string[];
  /** Lowest rank answered without 401/403, probed with an empty request. */
  rank: number;
}

interface Sent {
  contentType?: string;
  body?: string | Buffer;
}

interface Answer {
  status: number;
  text: string;
}

/** One request on its own connection; rejects only when no complete answer arrived. */
function send(
  base: string,
  method: string,
  path: string,
  token: string | undefined,
  sent: Sent,
): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
    if (sent.contentType !== undefined) headers['content-type'] = sent.contentType;
    if (sent.body !== undefined) headers['content-length'] = String(Buffer.byteLength(sent.body));
    let answered = false;
    const req = httpRequest(
      { host: url.hostname, port: url.port, method, path, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          answered = true;
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', (e) => reject(new Error(`answer to ${method} ${path} cut off: ${e.message}`)));
      },
    );
    req.on('error', (e) => {
      // An early answer (401, 413) may close the socket while the rest of a big body is
      // still being written; that is not a dropped connection once the answer is complete.
      if (!answered) reject(new Error(`${method} ${path}: connection dropped (${e.message})`));
    });
    req.end(sent.body);
  });
}

const nested = (levels: number, kind: 'object' | 'array'): string =>
  kind === 'object'
    ? '{"a":'.repeat(levels) + '1' + '}'.repeat(levels)
    : '['.repeat(levels) + ']'.repeat(levels);

const JSON_TYPE = 'application/json';
const json = (body: string | Buffer): Sent => ({ contentType: JSON_TYPE, body });
/** A body under one of the route's own field names (or a made-up one). */
const under = (field: string | undefined, value: string): string =>
  field === undefined ? value : `{${JSON.stringify(field)}:${value}}`;

type Family =
  | 'deep-object'
  | 'deep-array'
  | 'prototype-keys'
  | 'long-array'
  | 'broken-utf8'
  | 'huge-string'
  | 'huge-number'
  | 'content-type'
  | 'broken-json';
const FAMILIES: Family[] = [
  'deep-object',
  'deep-array',
  'prototype-keys',
  'long-array',
  'broken-utf8',
  'huge-string',
  'huge-number',
  'content-type',
  'broken-json',
];
const DEEP = fc.constantFrom(65, 1_000, 10_000, 100_000);

type Hostile = Sent & { deep?: boolean; overLimit?: boolean };

/** Counterexamples name their body by its start and size; some are megabytes long. */
function labelled(sent: Hostile): Hostile {
  const body = sent.body === undefined ? Buffer.alloc(0) : Buffer.from(sent.body);
  const start = JSON.stringify(body.subarray(0, 60).toString('utf8'));
  const label = `${sent.contentType ?? 'no content type'}, ${body.length} bytes: ${start}…`;
  return Object.assign(sent, { [fc.toStringMethod]: () => label });
}

/** Bodies of one family; `field` draws from the route's own field names. */
function family(name: Family, fields: string[]): fc.Arbitrary<Hostile> {
  return bodies(name, fields).map(labelled);
}

function bodies(name: Family, fields: string[]): fc.Arbitrary<Hostile> {
  const field = fc.option(fc.constantFrom(...fields, 'x'), { nil: undefined });
  switch (name) {
    case 'deep-object':
    case 'deep-array':
      return fc.tuple(DEEP, field).map(([levels, f]) => ({
        ...json(under(f, nested(levels, name === 'deep-object' ? 'object' : 'array'))),
        deep: true,
      }));
    case 'prototype-keys':
      return fc
        .tuple(
          fc.constantFrom(
            '{"__proto__":{"admin":true}}',
            '{"constructor":{"prototype":{"admin":true}}}',
            '{"\\u005f_proto__":{"admin":true}}',
            '[{"__proto__":[]}]',
            '{"constructor":1}',
          ),
          field,
        )
        .map(([v, f]) => json(under(f, v)));
    case 'long-array':
      return fc
        .tuple(fc.constantFrom('0', '{}', '"S1"', 'null', '[]'), field)
        .map(([item, f]) => json(under(f, `[${Array.from({ length: 100_000 }, () => item).join(',')}]`)));
    case 'broken-utf8':
      return fc
        .tuple(fc.uint8Array({ minLength: 1, maxLength: 32 }), field, fc.boolean())
        .map(([bytes, f, quoted]) => {
          const bad = Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xff, 0xfe, 0xed, 0xa0, 0x80, ...bytes]);
          const body = quoted
            ? Buffer.concat([
                Buffer.from(under(f, '"').slice(0, -1)),
                bad,
                Buffer.from(f === undefined ? '"' : '"}'),
              ])
            : bad;
          return json(body);
        });
    case 'huge-string':
      return fc.tuple(fc.constantFrom(900_000, 1_100_000), field).map(([length, f]) => ({
        ...json(under(f, JSON.stringify('x'.repeat(length)))),
        overLimit: length > 1024 * 1024,
      }));
    case 'huge-number':
      return fc
        .tuple(fc.constantFrom('1e400', '-1e400', '1e-400', '123456789012345678901234567890', '-0'), field)
        .map(([n, f]) => json(under(f ?? 'x', n)));
    case 'content-type':
      return fc
        .tuple(
          fc.constantFrom(
            'text/plain',
            'application/x-www-form-urlencoded',
            'multipart/form-data; boundary=x',
            'application/xml',
            'application/json; charset=utf-16',
            'application/jsonx',
            '***',
          ),
          fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
        )
        .map(([contentType, body]) => ({ contentType, body }));
    case 'broken-json':
      return fc
        .oneof(
          fc.constantFrom('{', '{"a":', '[1,2', '{"a":1}}', '\u0000', '', 'nul', '{"a":NaN}'),
          fc.string({ maxLength: 20 }),
        )
        .map((body) => json(body));
  }
}

const PARAMS = fc.oneof(fc.uuid(), fc.constantFrom('x', '..', '%2e%2e', 'null', '0', 'a'.repeat(300)));

describe('hostile requests', () => {
  let w: ApiWorld;
  let routes: Route[];
  const logLines: string[] = [];
  const tokenFor = (role: Role): string | undefined =>
    role === 'none'
      ? undefined
      : role === 'wrong'
        ? `fpt_${'a'.repeat(12)}_${'B'.repeat(43)}`
        : w.tokens[role];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(chunk.toString());
        done();
      },
    });
    // Logged as `fieldplan serve` logs: privacy formatter and one line per request.
    w = await startApiWorld({
      api: {
        logger: pino({ level: 'info', ...privacyLoggerOptions() }, sink),
        server: { rateLimit: false, logRequests: true },
      },
    });
    const doc = (await w.call('GET', '/docs/json', { token: null })).body as {
      paths: Record<
        string,
        Record<string, { security?: unknown[]; parameters?: { name: string }[]; requestBody?: unknown }>
      >;
    };
    routes = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const fields = [...(op.parameters ?? []).map((p) => p.name), ...propertyNames(op.requestBody)].filter(
          (f, i, all) => all.indexOf(f) === i,
        );
        routes.push({
          method: method.toUpperCase(),
          path,
          public: Array.isArray(op.security) && op.security.length === 0,
          fields,
          rank: 0,
        });
      }
    }
    for (const route of routes) {
      const path = route.path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
      for (const role of ['viewer', 'planner', 'admin'] as const) {
        const r = await send(w.url, route.method, path, tokenFor(role), {});
        if (r.status !== 401 && r.status !== 403) {
          route.rank = RANK[role];
          break;
        }
        route.rank = 4;
      }
      if (route.public) route.rank = 0;
    }
  }, 120_000);
  afterAll(async () => {
    await w?.close();
  });

  /** The answer to an empty request: a refusal must read the same whatever the body. */
  const baseline = new Map<string, string>();
  async function refusalFor(route: Route, path: string, role: Role): Promise<string> {
    const key = `${route.method} ${route.path} ${role}`;
    let text = baseline.get(key);
    if (text === undefined) {
      text = (await send(w.url, route.method, path, tokenFor(role), {})).text;
      baseline.set(key, text);
    }
    return text;
  }

  async function check(route: Route, role: Role, param: string, sent: Hostile): Promise<void> {
    const path = route.path.replace(/\{[^}]+\}/g, encodeURIComponent(param));
    const what = `${route.method} ${route.path} as ${role}`;
    const r = await send(w.url, route.method, path, tokenFor(role), sent);
    expect(r.status, `${what}: ${r.text.slice(0, 300)}`).toBeLessThan(500);
    const health = await send(w.url, 'GET', '/health', undefined, {});
    expect(health.status, `/health after ${what}`).toBe(200);
    if (route.path.includes('{') && param.length > 100) {
      // The router refuses an over-long path parameter before any route runs, for everyone.
      expect(r.status, what).toBe(414);
      expect(JSON.parse(r.text), what).toEqual({
        error: { code: 'URI_TOO_LONG', message: expect.any(String) },
      });
      expect(r.text).not.toContain(param);
      return;
    }
    if (!route.public && RANK[role] === 0) {
      expect(r.status, `${what}: ${r.text.slice(0, 300)}`).toBe(401);
    } else if (!route.public && RANK[role] < route.rank) {
      expect(r.status, `${what}: ${r.text.slice(0, 300)}`).toBe(403);
    } else {
      expect([401, 403], `${what}: ${r.text.slice(0, 300)}`).not.toContain(r.status);
      const readsBody = route.method !== 'GET' && route.method !== 'HEAD';
      if (readsBody && sent.deep === true) {
        expect(r.status, what).toBe(400);
        expect(r.text, what).toContain('nests deeper than 64 levels');
      }
      // Over the default limit: 413, or a 400 from a route that accepts bigger bodies.
      if (readsBody && sent.overLimit === true) expect([400, 413], what).toContain(r.status);
    }
    if (r.status === 401 || r.status === 403) {
      // Same words as for an empty request: nothing of the body, no field, no issue list.
      expect(r.text, what).toBe(await refusalFor(route, path, role));
      expect(r.text, what).not.toMatch(/"issues"|\b(body|query|params)\./);
      for (const field of route.fields) expect(r.text, `${what} names ${field}`).not.toContain(`"${field}"`);
    }
  }

  it('covers every route of the OpenAPI document', () => {
    expect(routes.length).toBeGreaterThanOrEqual(15);
    expect(routes.some((r) => r.public)).toBe(true);
    expect(routes.filter((r) => r.method === 'POST').length).toBeGreaterThanOrEqual(8);
    // Probing found each scope in use, so the 403 checks below have something to check.
    expect(new Set(routes.filter((r) => !r.public).map((r) => r.rank))).toEqual(new Set([1, 2, 3]));
  });

  it('a body nested 10 000 levels sent without a token to any POST route is a 401, and the server stays up', async () => {
    for (const route of routes.filter((r) => r.method === 'POST')) {
      for (const kind of ['object', 'array'] as const) {
        const path = route.path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
        const r = await send(w.url, 'POST', path, undefined, json(nested(10_000, kind)));
        expect(r.status, `${route.path} ${r.text.slice(0, 200)}`).toBe(401);
        expect((await send(w.url, 'GET', '/health', undefined, {})).status).toBe(200);
      }
    }
  });

  it('every route × caller × body family: no 5xx, no dropped connection, 401/403 before the body', async () => {
    for (const fam of FAMILIES) {
      for (const route of routes) {
        for (const role of ROLES) {
          await fc.assert(
            fc.asyncProperty(family(fam, route.fields), PARAMS, async (sent, param) => {
              await check(route, role, param, sent);
            }),
            { numRuns: 1, endOnFailure: true },
          );
        }
      }
    }
    // The server logged every one of those requests and is still the same process.
    expect(logLines.length).toBeGreaterThan(FAMILIES.length * routes.length * ROLES.length);
  }, 300_000);

  it('random mixes of route, caller and body', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.constantFrom(...ROLES),
        fc.constantFrom(...FAMILIES),
        PARAMS,
        fc.nat(),
        async (route, role, fam, param, seed) => {
          const [sent] = fc.sample(family(fam, route.fields), { numRuns: 1, seed });
          await check(route, role, param, sent!);
        },
      ),
      { numRuns: 40, endOnFailure: true },
    );
  }, 300_000);
});

/** Property names anywhere in a request-body schema, walked with a stack. */
function propertyNames(schema: unknown): string[] {
  const out: string[] = [];
  const stack: unknown[] = [schema];
  for (let s = stack.pop(); s !== undefined; s = stack.pop()) {
    if (s === null || typeof s !== 'object') continue;
    const props = (s as { properties?: Record<string, unknown> }).properties;
    if (props !== undefined) out.push(...Object.keys(props));
    stack.push(...Object.values(s));
  }
  return out;
}
