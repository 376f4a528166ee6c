import { request as httpRequest, Agent } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxClient } from './client.ts';
import { openSandbox } from './fixtures.ts';
import type { TestSandbox } from './fixtures.ts';
import { modelOperations, responseProblems } from './model.ts';

/**
 * Bodies built to exhaust a server rather than to mean anything: nesting 100 000 levels deep,
 * prototype keys, 100 000-item arrays, broken UTF-8. Every operation that takes a body answers
 * below 500 in the model's shape, refuses deep nesting with a 400 naming the limit, never drops
 * the connection, and the sandbox keeps serving.
 */
let t: TestSandbox;
let token: string;
let jobId: string;
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
beforeAll(async () => {
  t = await openSandbox({ seed: 52, jobs: 20, technicians: 3, stores: 1 });
  token = await new SandboxClient(t.sandbox).token();
  jobId = t.sandbox.snapshot().jobs[0]?.serviceJobId as string;
});
afterAll(async () => {
  agent.destroy();
  await t.sandbox.close();
});

function send(
  method: string,
  path: string,
  body: string | Buffer,
): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  const url = new URL(t.sandbox.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        agent,
        headers: {
          'x-amz-access-token': token,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            headers: res.headers,
          }),
        );
        res.on('error', reject);
      },
    );
    // A reset or a closed socket fails the request, and with it the test: nothing may drop us.
    req.on('error', reject);
    req.end(body);
  });
}

const deep = (levels: number, kind: 'object' | 'array', inner = '1'): string =>
  kind === 'object'
    ? '{"a":'.repeat(levels) + inner + '}'.repeat(levels)
    : '['.repeat(levels) + inner + ']'.repeat(levels);

/** Field names the operations read, so a deep value lands where a handler looks. */
const FIELDS = [
  'appointmentTime',
  'resources',
  'schedules',
  'reservation',
  'fulfillmentTime',
  'restrictedResources',
];

const hostile = fc.oneof(
  fc
    .record({
      levels: fc.constantFrom(65, 1_000, 10_000, 100_000),
      kind: fc.constantFrom('object' as const, 'array' as const),
      field: fc.option(fc.constantFrom(...FIELDS), { nil: undefined }),
    })
    .map(({ levels, kind, field }) => ({
      deep: true,
      body: field === undefined ? deep(levels, kind) : `{"${field}":${deep(levels, kind)}}`,
    })),
  fc
    .constantFrom(
      '{"__proto__":{"polluted":true}}',
      '{"constructor":{"prototype":{"polluted":true}}}',
      '{"appointmentTime":{"__proto__":{"startTime":"2026-03-03T16:00:00Z"}}}',
      `{"resources":[${Array.from({ length: 100_000 }, () => '{}').join(',')}]}`,
      `[${'0,'.repeat(99_999)}0]`,
      `{"appointmentTime":{"startTime":1e400,"durationInMinutes":-1e400}}`,
    )
    .map((body) => ({ deep: false, body })),
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => ({
    deep: false,
    body: Buffer.concat([
      Buffer.from('{"a":"'),
      Buffer.from([0xc3, 0x28, 0xff, ...bytes]),
      Buffer.from('"}'),
    ]),
  })),
);

const targets = [
  ...[...modelOperations.values()]
    .filter((op) => op.method === 'POST' || op.method === 'PUT')
    .map((op) => ({ method: op.method, path: op.path, operationId: op.operationId as string | undefined })),
  { method: 'POST', path: '/tokens/2021-03-01/restrictedDataToken', operationId: undefined },
];

describe('hostile request bodies', () => {
  it('every operation with a body answers below 500, refuses deep nesting with 400, and stays up', async () => {
    expect(targets.length).toBeGreaterThan(5);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...targets), hostile, async (target, h) => {
        const path = target.path.replace(/\{(\w+)\}/g, (_m, name: string) =>
          name === 'serviceJobId' ? jobId : 'X1',
        );
        const res = await send(target.method, path, h.body);
        expect(res.status, `${target.method} ${path}`).toBeLessThan(500);
        if (h.deep) {
          expect(res.status, `${target.method} ${path} ${res.body.slice(0, 200)}`).toBe(400);
          expect(res.body).toContain('nests deeper than 64 levels');
        }
        if (target.operationId !== undefined && res.status >= 400) {
          expect(responseProblems(target.operationId, res.status, JSON.parse(res.body))).toEqual([]);
        }
        expect(Object.getPrototypeOf({})).toBe(Object.prototype);
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      }),
      { numRuns: 120, seed: 20261201 },
    );
    // Every operation met the deepest bodies at least once, whatever the random draw.
    for (const target of targets) {
      const path = target.path.replace(/\{(\w+)\}/g, (_m, name: string) =>
        name === 'serviceJobId' ? jobId : 'X1',
      );
      for (const kind of ['object', 'array'] as const) {
        const res = await send(target.method, path, deep(100_000, kind));
        expect(res.status, `${target.method} ${path}`).toBe(400);
      }
    }
    const ok = await new SandboxClient(t.sandbox).call('getServiceJobs', {
      query: { createdAfter: '2020-01-01T00:00:00Z' },
    });
    expect(ok.status).toBe(200);
    expect(JSON.stringify(t.sandbox.snapshot()).length).toBeGreaterThan(0);
  });
});
