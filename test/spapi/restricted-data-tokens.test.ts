import { Writable } from 'node:stream';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthError, resolveCredentials } from '../../src/spapi/index.ts';
import { clientFor, credentials, startFakeAmazon, type FakeAmazon } from './helpers.ts';

let fake: FakeAmazon | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('Restricted Data Tokens', () => {
  it('are off by default: the LWA token goes straight to the Services API', async () => {
    fake = await startFakeAmazon((app) => {
      app.get('/service/v1/serviceJobs/:id', async () => ({ payload: {} }));
    });
    await clientFor(fake).getServiceJobByServiceJobId({ serviceJobId: 'job-1' });
    expect(fake.requests.map((r) => `${r.method} ${r.url} ${r.token}`)).toEqual([
      'GET /service/v1/serviceJobs/job-1 Atza|token-1',
    ]);
  });

  it('when enabled for an operation, are obtained per method and path with the LWA token and cached', async () => {
    const rdtBodies: unknown[] = [];
    fake = await startFakeAmazon((app) => {
      app.post('/tokens/2021-03-01/restrictedDataToken', async (request) => {
        rdtBodies.push(request.body);
        return { restrictedDataToken: `Atz.sprdt|${rdtBodies.length}`, expiresIn: 3600 };
      });
      app.get('/service/v1/serviceJobs/:id', async () => ({ payload: {} }));
      app.get('/service/v1/serviceJobs', async () => ({ payload: { jobs: [] } }));
    });
    const client = clientFor(fake, {
      restrictedDataTokens: {
        operations: ['getServiceJobByServiceJobId'],
        targetApplication: 'amzn1.sp.solution.x',
      },
    });
    await client.getServiceJobByServiceJobId({ serviceJobId: 'job-1' });
    await client.getServiceJobByServiceJobId({ serviceJobId: 'job-1' });
    await client.getServiceJobByServiceJobId({ serviceJobId: 'job-2' });
    await client.getServiceJobs({ marketplaceIds: ['ATVPDKIKX0DER'], createdAfter: '2026-01-01T00:00:00Z' });
    expect(rdtBodies).toEqual([
      {
        restrictedResources: [{ method: 'GET', path: '/service/v1/serviceJobs/job-1' }],
        targetApplication: 'amzn1.sp.solution.x',
      },
      {
        restrictedResources: [{ method: 'GET', path: '/service/v1/serviceJobs/job-2' }],
        targetApplication: 'amzn1.sp.solution.x',
      },
    ]);
    const services = fake.requests.filter((r) => r.url.startsWith('/service/'));
    expect(services.map((r) => r.token)).toEqual([
      'Atz.sprdt|1',
      'Atz.sprdt|1',
      'Atz.sprdt|2',
      'Atza|token-1',
    ]);
    const tokenCalls = fake.requests.filter((r) => r.url.startsWith('/tokens/'));
    expect(tokenCalls.every((r) => r.token === 'Atza|token-1')).toBe(true);
  });

  it('a refused RDT request is an AuthError and the Services call is not made', async () => {
    fake = await startFakeAmazon((app) => {
      app.post('/tokens/2021-03-01/restrictedDataToken', async (_req, reply) =>
        reply.code(400).send({
          errors: [
            {
              code: 'InvalidInput',
              message: 'Application does not have access to one or more requested data elements',
            },
          ],
        }),
      );
      app.get('/service/v1/serviceJobs/:id', async () => ({ payload: {} }));
    });
    const client = clientFor(fake, { restrictedDataTokens: { operations: ['getServiceJobByServiceJobId'] } });
    const error = await client
      .getServiceJobByServiceJobId({ serviceJobId: 'job-1' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: 'restricted_data_token_failed' });
    expect(fake.requests.filter((r) => r.url.startsWith('/service/'))).toHaveLength(0);
  });
});

describe('logging', () => {
  it('records operation, status, request id, timing and attempt, and no token, secret or personal data', async () => {
    let n = 0;
    fake = await startFakeAmazon((app) => {
      app.get('/service/v1/serviceJobs/:id', async (_req, reply) => {
        n += 1;
        if (n === 1)
          return reply
            .code(503)
            .header('x-amzn-RequestId', 'req-a')
            .send({ errors: [{ code: 'ServiceUnavailable', message: 'x' }] });
        return reply.header('x-amzn-RequestId', 'req-b').send({
          payload: {
            serviceJobId: 'job-1',
            buyer: { name: 'Pat Example', phone: '+1-206-555-0100' },
            serviceLocation: { address: { name: 'Pat Example', addressLine1: '1 Secret Way' } },
          },
        });
      });
    });
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const client = clientFor(fake, { logger: pino({ level: 'debug' }, sink) });
    const job = await client.getServiceJobByServiceJobId({ serviceJobId: 'job-1' });
    expect(job.payload?.buyer?.name).toBe('Pat Example');
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toEqual([
      expect.objectContaining({
        operation: 'getServiceJobByServiceJobId',
        status: 503,
        requestId: 'req-a',
        attempt: 1,
        code: 'ServiceUnavailable',
        durationMs: expect.any(Number),
      }),
      expect.objectContaining({
        operation: 'getServiceJobByServiceJobId',
        status: 200,
        requestId: 'req-b',
        attempt: 2,
        durationMs: expect.any(Number),
      }),
    ]);
    const text = lines.join('');
    for (const secret of [
      'Atza|',
      credentials.clientSecret,
      credentials.refreshToken,
      'Pat Example',
      '555-0100',
      'Secret Way',
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});

describe('credentials file', () => {
  it('is read as YAML or JSON when named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spapi-'));
    const yaml = join(dir, 'lwa.yaml');
    writeFileSync(
      yaml,
      'clientId: file-id\nclientSecret: file-secret\nrefreshToken: file-refresh\ntokenUrl: http://127.0.0.1:4010/auth/o2/token\n',
    );
    expect(resolveCredentials({}, { env: {}, configFile: yaml })).toEqual({
      clientId: 'file-id',
      clientSecret: 'file-secret',
      refreshToken: 'file-refresh',
      tokenUrl: 'http://127.0.0.1:4010/auth/o2/token',
    });
    const json = join(dir, 'lwa.json');
    writeFileSync(json, JSON.stringify({ clientId: 'j', clientSecret: 's', refreshToken: 'r' }));
    expect(
      resolveCredentials({ refreshToken: 'override' }, { env: { SPAPI_CONFIG_FILE: json } }),
    ).toMatchObject({ clientId: 'j', refreshToken: 'override' });
  });
});
