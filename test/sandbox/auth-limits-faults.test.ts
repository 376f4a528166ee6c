import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { runningClock, startSandbox, SANDBOX_CREDENTIALS, parseFaultSpec } from '../../src/sandbox/index.ts';
import { SandboxClient, firstError } from './client.ts';
import { jobWith, openSandbox, T0 } from './fixtures.ts';

const lwa = (url: string, body: Record<string, string>, json = false): Promise<Response> =>
  fetch(`${url}/auth/o2/token`, {
    method: 'POST',
    headers: {
      'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded;charset=UTF-8',
    },
    body: json ? JSON.stringify(body) : new URLSearchParams(body),
  });

describe('Login with Amazon', () => {
  it('exchanges the refresh token (form or JSON) and answers invalid_grant / invalid_client as LWA does', async () => {
    const { sandbox } = await openSandbox({ jobs: 5, technicians: 2, stores: 1 });
    try {
      const c = SANDBOX_CREDENTIALS;
      const base = {
        grant_type: 'refresh_token',
        refresh_token: c.refreshToken,
        client_id: c.clientId,
        client_secret: c.clientSecret,
      };
      for (const json of [false, true]) {
        const ok = await lwa(sandbox.url, base, json);
        expect(ok.status).toBe(200);
        expect(ok.headers.get('cache-control')).toBe('no-store');
        const body = (await ok.json()) as Record<string, unknown>;
        expect(body).toMatchObject({ token_type: 'bearer', expires_in: 3600, refresh_token: c.refreshToken });
        expect(String(body.access_token)).toMatch(/^Atza\|/);
      }
      const badGrant = await lwa(sandbox.url, { ...base, refresh_token: 'Atzr|revoked' });
      expect(badGrant.status).toBe(400);
      expect(await badGrant.json()).toEqual({
        error_description: 'The request has an invalid grant parameter : refresh_token',
        error: 'invalid_grant',
      });
      const badClient = await lwa(sandbox.url, { ...base, client_secret: 'wrong' });
      expect(badClient.status).toBe(401);
      expect(await badClient.json()).toEqual({
        error_description: 'Client authentication failed',
        error: 'invalid_client',
      });
      const grantless = await lwa(sandbox.url, {
        grant_type: 'client_credentials',
        scope: 'sellingpartnerapi::notifications',
        client_id: c.clientId,
        client_secret: c.clientSecret,
      });
      expect(grantless.status).toBe(200);
      expect(sandbox.requestLog.every((e) => !JSON.stringify(e).includes(c.clientSecret))).toBe(true);
    } finally {
      await sandbox.close();
    }
  });

  it('rejects missing, unknown and expired tokens with 403 Unauthorized, saying expired when it is', async () => {
    const { sandbox, clock } = await openSandbox({ jobs: 5, technicians: 2, stores: 1, tokenTtlSeconds: 60 });
    try {
      const client = new SandboxClient(sandbox);
      const job = jobWith(sandbox, () => true);
      const params = { serviceJobId: job.serviceJobId };
      const missing = await client.call('getServiceJobByServiceJobId', { params, token: null });
      expect([missing.status, firstError(missing.body).code]).toEqual([403, 'Unauthorized']);
      const bogus = await client.call('getServiceJobByServiceJobId', { params, token: 'Atza|forged' });
      expect(firstError(bogus.body)).toEqual({
        code: 'Unauthorized',
        message: 'Access to requested resource is denied.',
        details: 'The access token you provided is revoked, malformed or invalid.',
      });
      expect((await client.call('getServiceJobByServiceJobId', { params })).status).toBe(200);
      clock.now = T0 + 61_000;
      const expired = await client.call('getServiceJobByServiceJobId', { params });
      expect(expired.status).toBe(403);
      expect(firstError(expired.body).details).toMatch(/access token.*expired/);
      expect(expired.headers.has('x-amzn-ratelimit-limit')).toBe(false);
    } finally {
      await sandbox.close();
    }
  });

  it('issues restricted data tokens that work only for their listed resources', async () => {
    const { sandbox } = await openSandbox({ jobs: 5, technicians: 2, stores: 1 });
    try {
      const client = new SandboxClient(sandbox);
      const [a, b] = sandbox.snapshot().jobs;
      const token = await client.token();
      const rdt = await fetch(`${sandbox.url}/tokens/2021-03-01/restrictedDataToken`, {
        method: 'POST',
        headers: { 'x-amz-access-token': token, 'content-type': 'application/json' },
        body: JSON.stringify({
          restrictedResources: [{ method: 'GET', path: `/service/v1/serviceJobs/${a?.serviceJobId}` }],
        }),
      });
      expect(rdt.status).toBe(200);
      const { restrictedDataToken, expiresIn } = (await rdt.json()) as {
        restrictedDataToken: string;
        expiresIn: number;
      };
      expect(restrictedDataToken).toMatch(/^Atz\.sprdt\|/);
      expect(expiresIn).toBe(3600);
      expect(
        (
          await client.call('getServiceJobByServiceJobId', {
            params: { serviceJobId: a?.serviceJobId as string },
            token: restrictedDataToken,
          })
        ).status,
      ).toBe(200);
      expect(
        (
          await client.call('getServiceJobByServiceJobId', {
            params: { serviceJobId: b?.serviceJobId as string },
            token: restrictedDataToken,
          })
        ).status,
      ).toBe(403);
      const bad = await fetch(`${sandbox.url}/tokens/2021-03-01/restrictedDataToken`, {
        method: 'POST',
        headers: { 'x-amz-access-token': token, 'content-type': 'application/json' },
        body: JSON.stringify({
          restrictedResources: [{ method: '', path: '/orders/v0/orders/943-12-123434/address' }],
        }),
      });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toEqual({
        errors: [
          {
            code: 'InvalidRequest',
            message: 'Request is missing or has invalid parameters',
            details: 'Resource not provided.',
          },
        ],
      });
    } finally {
      await sandbox.close();
    }
  });
});

describe('rate limits', () => {
  it('amazon plans: assignAppointmentResources bursts 2, then answers 429 QuotaExceeded without acting', async () => {
    const { sandbox } = await openSandbox({ jobs: 40, technicians: 4, stores: 1, rateLimits: 'amazon' });
    try {
      const client = new SandboxClient(sandbox);
      const job = jobWith(sandbox, (j) => j.serviceJobStatus === 'NOT_SERVICED');
      const appointmentId = job.appointments.find((a) => a.appointmentStatus === 'ACTIVE')
        ?.appointmentId as string;
      const params = { serviceJobId: job.serviceJobId, appointmentId };
      const body = { resources: [{ resourceId: 'unknown-technician' }] };
      const statuses: number[] = [];
      const responses = await Promise.all(
        [0, 1, 2, 3].map(() => client.call('assignAppointmentResources', { params, body })),
      );
      for (const r of responses) statuses.push(r.status);
      expect(statuses.filter((s) => s === 429)).toHaveLength(2);
      expect(statuses.filter((s) => s === 422)).toHaveLength(2);
      const throttled = responses.find((r) => r.status === 429);
      expect(firstError(throttled?.body)).toEqual({
        code: 'QuotaExceeded',
        message: 'You exceeded your quota for the requested resource.',
        details: '',
      });
      expect(throttled?.headers.has('x-amzn-ratelimit-limit')).toBe(false);
      // The model declares x-amzn-RateLimit-Limit on 200, 400 and 404 only.
      expect(responses.find((r) => r.status === 422)?.headers.has('x-amzn-ratelimit-limit')).toBe(false);
      // Other operations have their own buckets.
      const get = await client.call('getServiceJobByServiceJobId', {
        params: { serviceJobId: job.serviceJobId },
      });
      expect([get.status, get.headers.get('x-amzn-ratelimit-limit')]).toEqual([200, '20.0']);
      expect(sandbox.requestLog.filter((e) => e.outcome === 'throttled')).toHaveLength(2);
    } finally {
      await sandbox.close();
    }
  });

  it('amazon-sandbox: 5/s burst 15 shared by every operation; off: never throttles', async () => {
    const limited = await openSandbox({ jobs: 5, technicians: 2, stores: 1, rateLimits: 'amazon-sandbox' });
    const open = await openSandbox({ jobs: 5, technicians: 2, stores: 1, rateLimits: 'off' });
    try {
      for (const [t, limitedMode] of [
        [limited, true],
        [open, false],
      ] as const) {
        const client = new SandboxClient(t.sandbox);
        const id = t.sandbox.snapshot().jobs[0]?.serviceJobId as string;
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            i % 2 === 0
              ? client.call('getServiceJobByServiceJobId', { params: { serviceJobId: id } })
              : client.call('getServiceJobs', {
                  query: { createdAfter: '2020-01-01T00:00:00Z', pageSize: '1' },
                }),
          ),
        );
        const throttled = results.filter((r) => r.status === 429).length;
        // 20 at once against a burst of 15: about 5 refused (fewer if a token refilled meanwhile).
        if (limitedMode) expect(throttled >= 1 && throttled <= 5, `${throttled} throttled`).toBe(true);
        else expect(throttled).toBe(0);
      }
    } finally {
      await limited.sandbox.close();
      await open.sandbox.close();
    }
  });
});

describe('fault injection', () => {
  it('parses the spec and rejects a bad one with a message', () => {
    expect(parseFaultSpec('429=0.1,5xx=0.05,drop=0.02,dropafter=0.01,latency=20-200ms')).toEqual({
      throttle: 0.1,
      serverError: 0.05,
      drop: 0.02,
      dropAfter: 0.01,
      latency: { min: 20, max: 200 },
    });
    expect(() => parseFaultSpec('429=2')).toThrow(/\[0, 1\]/);
    expect(() => parseFaultSpec('teapot=0.1')).toThrow(/unknown fault kind/);
  });

  async function runScript(
    seed: number,
  ): Promise<{ outcomes: string[]; cancelled: string[]; completed: string[] }> {
    const { sandbox } = await openSandbox({
      seed,
      jobs: 80,
      technicians: 4,
      stores: 1,
      faults: '429=0.2,5xx=0.2,drop=0.2,dropafter=0.2',
    });
    try {
      const client = new SandboxClient(sandbox);
      await client.token();
      const targets = sandbox
        .snapshot()
        .jobs.filter((j) => j.serviceJobStatus === 'PENDING_SCHEDULE' || j.serviceJobStatus === 'HOLD')
        .slice(0, 40);
      const outcomes: string[] = [];
      for (const job of targets) {
        try {
          const res = await fetch(
            `${sandbox.url}/service/v1/serviceJobs/${job.serviceJobId}/cancellations?cancellationReasonCode=V1`,
            {
              method: 'PUT',
              headers: { 'x-amz-access-token': await client.token() },
            },
          );
          outcomes.push(String(res.status));
        } catch {
          outcomes.push('dropped');
        }
      }
      const snap = sandbox.snapshot();
      const cancelled = targets
        .filter(
          (t) => snap.jobs.find((j) => j.serviceJobId === t.serviceJobId)?.serviceJobStatus === 'CANCELLED',
        )
        .map((t) => t.serviceJobId as string);
      const log = sandbox.requestLog.filter((e) => e.operation === 'cancelServiceJobByServiceJobId');
      // 429/5xx/drop happen before acting; dropafter acts and then loses the answer.
      const acted = log.filter((e) => e.outcome === 'ok' || e.outcome === 'fault-dropafter').length;
      expect(cancelled).toHaveLength(acted);
      for (const e of log.filter((x) => x.outcome.startsWith('fault-drop'))) expect(e.status).toBe(0);
      expect(log.filter((e) => e.outcome === 'fault-dropafter').every((e) => e.handledStatus === 200)).toBe(
        true,
      );
      return { outcomes, cancelled, completed: log.map((e) => e.outcome) };
    } finally {
      await sandbox.close();
    }
  }

  it('is deterministic for a seed, leaves state unchanged on 429/5xx/drop, and applies the write on dropafter', async () => {
    const a = await runScript(5);
    const b = await runScript(5);
    expect(a).toEqual(b);
    for (const kind of ['fault-429', 'fault-5xx', 'fault-drop', 'fault-dropafter', 'ok'])
      expect(a.completed).toContain(kind);
    const c = await runScript(6);
    expect(c.completed).not.toEqual(a.completed);
  });

  it('adds latency within the configured range', async () => {
    const { sandbox } = await openSandbox({ jobs: 5, technicians: 2, stores: 1, faults: 'latency=20-40ms' });
    try {
      const client = new SandboxClient(sandbox);
      const id = sandbox.snapshot().jobs[0]?.serviceJobId as string;
      for (let i = 0; i < 5; i++)
        await client.call('getServiceJobByServiceJobId', { params: { serviceJobId: id } });
      const latencies = sandbox.requestLog
        .filter((e) => e.operation === 'getServiceJobByServiceJobId')
        .map((e) => e.latencyMs ?? 0);
      expect(latencies).toHaveLength(5);
      for (const l of latencies) expect(l >= 20 && l <= 40).toBe(true);
    } finally {
      await sandbox.close();
    }
  });
});

describe('startSandbox options', () => {
  it('rejects bad options with a coded error', async () => {
    await expect(startSandbox({ startDate: '03/02/2026' })).rejects.toMatchObject({
      code: 'INVALID_SANDBOX_OPTION',
    });
    await expect(startSandbox({ jobs: -1 })).rejects.toMatchObject({ code: 'INVALID_SANDBOX_OPTION' });
    await expect(startSandbox({ faults: 'drop=7' })).rejects.toMatchObject({ code: 'INVALID_FAULT_SPEC' });
  });
});

describe('the sandbox seeds from its own clock, not the machine’s', () => {
  it('refuses a start date before the clock’s today, naming the date and the fix', async () => {
    const clock = (): Date => new Date(T0);
    const err = await startSandbox({ startDate: '2026-02-27', clock, logger: false }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'INVALID_SANDBOX_OPTION' });
    expect(String((err as Error).message)).toMatch(/2026-02-27.*2026-03-02.*from 2026-03-01/);
  });

  it('books future appointments for any pinned instant and start date up to a week on', async () => {
    // Instants from 2026 to 2029 at any time of day, start dates from the day before to a week after.
    const cases = fc.tuple(
      fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2029-12-31T23:59:00Z') }),
      fc.integer({ min: -1, max: 7 }),
    );
    await fc.assert(
      fc.asyncProperty(cases, async ([at, offsetDays]) => {
        const startDate = DateTime.fromMillis(at, { zone: 'UTC' }).plus({ days: offsetDays }).toISODate()!;
        const sandbox = await startSandbox({
          seed: 3,
          jobs: 40,
          technicians: 4,
          stores: 1,
          rateLimits: 'off',
          logger: false,
          startDate,
          clock: runningClock(at),
        });
        try {
          const snap = sandbox.snapshot();
          const active = snap.appointments.filter((a) => a.status === 'ACTIVE');
          expect(active.length).toBeGreaterThan(0);
          for (const a of active) expect(Date.parse(a.startTime)).toBeGreaterThan(at);
        } finally {
          await sandbox.close();
        }
      }),
      { numRuns: 10 },
    );
  });

  it('runningClock starts at the pinned instant and keeps real intervals', async () => {
    const clock = runningClock(T0);
    expect(Math.abs(clock().getTime() - T0)).toBeLessThan(50);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const elapsed = clock().getTime() - T0;
    expect(elapsed).toBeGreaterThanOrEqual(25);
  });
});
