import { request as httpRequest, Agent } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxClient } from './client.ts';
import { openSandbox } from './fixtures.ts';
import type { TestSandbox } from './fixtures.ts';
import { modelOperations, responseProblems } from './model.ts';

/**
 * About a thousand random and malformed requests against every route: whatever arrives, the
 * sandbox answers below 500, in the model's error shape when it refuses, and keeps serving.
 */
let t: TestSandbox;
let token: string;
// One connection per request: a refused request may close its connection, which must not fail the next one.
const agent = new Agent({ keepAlive: false });
beforeAll(async () => {
  t = await openSandbox({ seed: 51, jobs: 60, technicians: 4, stores: 2 });
  token = await new SandboxClient(t.sandbox).token();
});
afterAll(async () => {
  agent.destroy();
  await t.sandbox.close();
});

interface Raw {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

function send(
  raw: Raw,
): Promise<
  | { status: number; body: string; headers: Record<string, string | string[] | undefined> }
  | 'refused-by-client'
> {
  const url = new URL(t.sandbox.url);
  return new Promise((resolve, reject) => {
    let req;
    try {
      req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          method: raw.method,
          path: raw.path,
          headers: raw.headers,
          agent,
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
    } catch {
      // Node refuses to send some malformed paths or headers at all; nothing reached the server.
      resolve('refused-by-client');
      return;
    }
    req.on('error', reject);
    if (raw.body !== undefined) req.write(raw.body);
    req.end();
  });
}

const segment = fc.oneof(
  fc.constantFrom(
    'null',
    'undefined',
    '',
    '%',
    '%zz',
    '%E0%A4%A',
    '..',
    '.',
    '%2F',
    'x'.repeat(150),
    '😀',
    '%00',
    'a b',
  ),
  fc.string({ maxLength: 30 }).map((s) => encodeURIComponent(s)),
  fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/),
);

const templates = [...modelOperations.values()].map((op) => ({ method: op.method, path: op.path }));
const extraPaths = [
  '/auth/o2/token',
  '/tokens/2021-03-01/restrictedDataToken',
  '/uploads/{id}',
  '/service/v1',
  '/',
  '/service/v1/nothing/{x}',
];

const pathArb = fc
  .tuple(
    fc.constantFrom(...templates.map((x) => x.path), ...extraPaths),
    fc.array(segment, { minLength: 4, maxLength: 4 }),
  )
  .map(([template, segs]) => {
    let i = 0;
    return template.replace(/\{\w+\}/g, () => segs[i++ % segs.length] || 'x');
  });

const queryArb = fc.oneof(
  fc.constant(''),
  fc
    .dictionary(
      fc.constantFrom(
        'marketplaceIds',
        'createdAfter',
        'lastUpdatedAfter',
        'pageSize',
        'pageToken',
        'serviceJobStatus',
        'storeIds',
        'asins',
        'startTime',
        'endTime',
        'asin',
        'storeId',
        'nextPageToken',
        'cancellationReasonCode',
        'sortField',
        'x',
      ),
      fc.oneof(
        fc.constantFrom(
          'ATVPDKIKX0DER',
          'ATVPDKIKX0DER,A2EUQ1WTGCTBG2',
          '2026-03-03T00:00:00Z',
          '2026-13-45T99:99:99Z',
          '-1',
          '0',
          '21',
          '1e9',
          'NULL',
          'V1',
          'HOLD,NOPE',
          '',
          '%',
          '%zz',
        ),
        fc.string({ maxLength: 40 }),
      ),
      { maxKeys: 6 },
    )
    .map((d) =>
      Object.entries(d)
        .map(([k, v]) => `${k}=${/%/.test(v) ? v : encodeURIComponent(v)}`)
        .join('&'),
    ),
  fc.constantFrom('a=%', '=&=&', '&&&', 'marketplaceIds=%E0%A4%A', 'a[b]=c', `pageSize=${'9'.repeat(400)}`),
);

const bodyArb = fc.oneof(
  fc.constant(undefined),
  fc.json({ maxDepth: 4 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) =>
    JSON.stringify({
      appointmentTime: v,
      resources: v,
      schedules: v,
      reservation: v,
      resourceId: v,
      fulfillmentTime: v,
      contentType: v,
      contentLength: v,
      startDateTime: v,
      endDateTime: v,
      capacityTypes: v,
      slotDuration: v,
    }),
  ),
  fc.constantFrom(
    '{',
    '{"a":',
    'null',
    '[]',
    '""',
    '0',
    'true',
    '{"appointmentTime":{"startTime":"2026-03-03T16:00:00Z","durationInMinutes":-5}}',
    '{"resources":[{"resourceId":{}}]}',
    '{"schedules":[{"startTime":"2026-03-03T00:00:00Z","endTime":"2099-01-01T00:00:00Z","recurrence":{"endTime":"2099-01-01T00:00:00Z"}}]}',
  ),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
);

const requestArb = fc.record({
  method: fc.oneof(
    fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
    fc.constantFrom('PATCH', 'HEAD', 'OPTIONS'),
  ),
  path: pathArb,
  query: queryArb,
  body: bodyArb,
  contentType: fc.constantFrom(
    undefined,
    'application/json',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/json; charset=utf-16',
    '***',
  ),
  auth: fc.constantFrom('valid', 'missing', 'junk', 'rdt-like'),
});

function errorShaped(value: unknown): boolean {
  const list = Array.isArray(value) ? value : (value as { errors?: unknown } | null)?.errors;
  return (
    Array.isArray(list) &&
    list.length > 0 &&
    list.every(
      (e) =>
        typeof e === 'object' &&
        e !== null &&
        typeof (e as { code?: unknown }).code === 'string' &&
        typeof (e as { message?: unknown }).message === 'string',
    )
  );
}

describe('malformed and random requests', () => {
  it('never answer 5xx, answer refusals in the model’s error shape, and leave the server up', async () => {
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(requestArb, async (r) => {
        const headers: Record<string, string> = {};
        if (r.auth === 'valid') headers['x-amz-access-token'] = token;
        if (r.auth === 'junk') headers['x-amz-access-token'] = 'Atza|nope';
        if (r.auth === 'rdt-like') headers['x-amz-access-token'] = 'Atz.sprdt|nope';
        if (r.contentType) headers['content-type'] = r.contentType;
        const body = r.method === 'GET' || r.method === 'HEAD' ? undefined : r.body;
        // Framed HTTP: the malformation under test is in the request's content, not its framing.
        if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
        const path = r.query ? `${r.path}?${r.query}` : r.path;
        const res = await send({ method: r.method, path, headers, ...(body !== undefined ? { body } : {}) });
        if (res === 'refused-by-client') return;
        sent++;
        expect(res.status, `${r.method} ${path}`).toBeLessThan(500);
        expect(res.status).toBeGreaterThanOrEqual(200);
        if (r.method === 'HEAD' || res.status === 204 || res.status < 400) return;
        const requestId = res.headers['x-amzn-requestid'];
        expect(requestId, 'x-amzn-RequestId').toBeTruthy();
        if (path.startsWith('/auth/o2/token')) {
          if (r.method === 'POST') expect(JSON.parse(res.body)).toHaveProperty('error');
          return;
        }
        if (path.startsWith('/uploads/') && r.method === 'PUT') return;
        const parsed: unknown = JSON.parse(res.body);
        expect(errorShaped(parsed), `${r.method} ${path} -> ${res.status} ${res.body.slice(0, 200)}`).toBe(
          true,
        );
        const entry = t.sandbox.requestLog.find((e) => e.requestId === requestId);
        if (entry && modelOperations.has(entry.operation)) {
          expect(
            responseProblems(entry.operation, res.status, parsed),
            `${entry.operation} ${res.status}`,
          ).toEqual([]);
        }
      }),
      { numRuns: 1000, seed: Number(process.env.SANDBOX_FUZZ_SEED ?? 20261122) },
    );
    expect(sent).toBeGreaterThan(900);
    // Still serving, and its state still answers normally.
    const ok = await new SandboxClient(t.sandbox).call('getServiceJobs', {
      query: { createdAfter: '2020-01-01T00:00:00Z' },
    });
    expect(ok.status).toBe(200);
  });

  it('a body over the size limit is a 413 in the error shape', async () => {
    const id = t.sandbox.snapshot().jobs[0]?.serviceJobId as string;
    const res = await send({
      method: 'POST',
      path: `/service/v1/serviceJobs/${id}/appointments`,
      headers: { 'x-amz-access-token': token, 'content-type': 'application/json' },
      body: JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(res).not.toBe('refused-by-client');
    if (res === 'refused-by-client') return;
    expect(res.status).toBe(413);
    expect(responseProblems('addAppointmentForServiceJobByServiceJobId', 413, JSON.parse(res.body))).toEqual(
      [],
    );
  });
});
