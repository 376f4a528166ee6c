// Client against the local Services sandbox over real HTTP.
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { runningClock, startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.ts';
import {
  AuthError,
  createServicesClient,
  RateLimiterRegistry,
  ServicesClientError,
  type ServicesClient,
  type ServicesClientOptions,
} from '../../src/spapi/index.ts';
import { bucketViolations } from './helpers.ts';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

const fixedNow = new Date('2026-11-20T12:00:00Z');

async function sandbox(options: SandboxOptions): Promise<Sandbox> {
  const s = await startSandbox({ startDate: '2026-11-23', clock: () => fixedNow, logger: false, ...options });
  open.push(s);
  return s;
}

function clientOf(s: Sandbox, options: ServicesClientOptions = {}): ServicesClient {
  const registry = new RateLimiterRegistry();
  open.push({ close: () => registry.clear() });
  return createServicesClient({
    baseUrl: s.url,
    credentials: { ...s.credentials, tokenUrl: `${s.url}/auth/o2/token` },
    rateLimits: 'off',
    rateLimiters: registry,
    retry: { maxAttempts: 10, initialDelayMs: 2, maxDelayMs: 40 },
    logger: pino({ level: 'silent' }),
    ...options,
  });
}

describe('paging through the sandbox', () => {
  it('brings 300 jobs back whole: none missing, none twice', async () => {
    const s = await sandbox({ seed: 11, jobs: 300, technicians: 6, stores: 2, rateLimits: 'amazon' });
    const client = clientOf(s, { rateLimits: 'amazon' });
    const ids: string[] = [];
    let pages = 0;
    for await (const page of client.serviceJobPages({
      marketplaceIds: [s.marketplaceId],
      createdAfter: '2000-01-01T00:00:00Z',
      pageSize: 20,
    })) {
      pages += 1;
      for (const job of page.jobs ?? []) ids.push(job.serviceJobId ?? '');
    }
    const expected = s.snapshot().jobs.map((j) => String(j['serviceJobId']));
    expect(expected).toHaveLength(300);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...expected].sort());
    expect(pages).toBe(15);
  });
});

describe('throttling against the sandbox at Amazon limits', () => {
  it('30 assignAppointmentResources calls all succeed and never exceed 1/s burst 2 at the server', async () => {
    // A running clock from the pinned instant: the log carries real arrival intervals while the
    // seeded appointments stay in the sandbox's future whatever today is.
    const s = await sandbox({
      seed: 5,
      jobs: 120,
      technicians: 8,
      stores: 2,
      rateLimits: 'amazon',
      clock: runningClock(fixedNow),
    });
    const byAppointment = new Map<
      string,
      { serviceJobId: string; appointmentId: string; resources: string[] }
    >();
    for (const a of s.snapshot().assignments) {
      const entry = byAppointment.get(a.appointmentId) ?? {
        serviceJobId: a.serviceJobId,
        appointmentId: a.appointmentId,
        resources: [],
      };
      entry.resources.push(a.resourceId);
      byAppointment.set(a.appointmentId, entry);
    }
    const targets = [...byAppointment.values()];
    expect(targets.length).toBeGreaterThan(0);
    const client = clientOf(s, { rateLimits: 'amazon', retry: { maxAttempts: 1 } });
    const calls = Array.from({ length: 30 }, (_, i) => {
      const t = targets[i % targets.length] as (typeof targets)[number];
      return client.assignAppointmentResources({
        serviceJobId: t.serviceJobId,
        appointmentId: t.appointmentId,
        body: { resources: t.resources.map((resourceId) => ({ resourceId })) },
      });
    });
    const results = await Promise.allSettled(calls);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const log = s.requestLog.filter((e) => e.operation === 'assignAppointmentResources');
    expect(log).toHaveLength(30);
    expect(log.every((e) => e.status === 200)).toBe(true);
    expect(
      bucketViolations(
        log.map((e) => e.timestamp).sort((a, b) => a - b),
        1,
        2,
      ),
    ).toEqual([]);
  });
});

describe('login against the sandbox', () => {
  it('refreshes an expired access token transparently', async () => {
    let now = fixedNow.getTime();
    const s = await sandbox({
      seed: 2,
      jobs: 10,
      technicians: 2,
      stores: 1,
      rateLimits: 'off',
      clock: () => new Date(now),
      tokenTtlSeconds: 3600,
    });
    const client = clientOf(s);
    const jobId = String(s.snapshot().jobs[0]?.['serviceJobId']);
    await client.getServiceJobByServiceJobId({ serviceJobId: jobId });
    now += 2 * 3600_000; // the sandbox's clock moves on; the client still holds its token
    const job = await client.getServiceJobByServiceJobId({ serviceJobId: jobId });
    expect(job.payload?.serviceJobId).toBe(jobId);
    const outcomes = s.requestLog.map((e) => `${e.operation}:${e.status}`);
    expect(outcomes).toEqual([
      'lwaToken:200',
      'getServiceJobByServiceJobId:200',
      'getServiceJobByServiceJobId:403',
      'lwaToken:200',
      'getServiceJobByServiceJobId:200',
    ]);
  });

  it('a bad refresh token gives one clear error and one token request', async () => {
    const s = await sandbox({ seed: 2, jobs: 10, technicians: 2, stores: 1, rateLimits: 'off' });
    const client = clientOf(s, {
      credentials: {
        ...s.credentials,
        refreshToken: 'Atzr|not-a-real-token',
        tokenUrl: `${s.url}/auth/o2/token`,
      },
    });
    const error = await client.getServiceJobByServiceJobId({ serviceJobId: 'any' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: 'invalid_grant', retryable: false });
    expect(s.requestLog.map((e) => e.operation)).toEqual(['lwaToken']);
  });
});

// --- a mixed write-back under faults ---------------------------------------------------

type Step = (client: ServicesClient) => Promise<string>;

const describeError = (e: unknown): string =>
  e instanceof ServicesClientError
    ? `${e.kind}:${'status' in e ? String(e.status) : ''}:${'code' in e ? String(e.code) : ''}`
    : `thrown:${String(e)}`;

/**
 * The journal's side of the retry rule: a creating call that fails with
 * mayHaveTakenEffect is checked against state before it is tried again.
 */
async function createOnce(
  attempt: () => Promise<string>,
  tookEffect: () => Promise<boolean>,
): Promise<string> {
  for (let round = 0; round < 8; round += 1) {
    try {
      return await attempt();
    } catch (e) {
      if (!(e instanceof ServicesClientError) || !e.mayHaveTakenEffect) return describeError(e);
      if (await tookEffect()) return 'ok(reconciled)'.replace('(reconciled)', '');
    }
  }
  return 'gave-up';
}

function buildScript(s: Sandbox): Step[] {
  const mkt = [s.marketplaceId];
  const snap = s.snapshot();
  const jobs = snap.jobs.map((j) => ({
    id: String(j['serviceJobId']),
    status: String(j['serviceJobStatus']),
  }));
  const pending = jobs.filter((j) => j.status === 'PENDING_SCHEDULE').map((j) => j.id);
  const active = new Map<string, { serviceJobId: string; appointmentId: string; resources: string[] }>();
  for (const a of snap.assignments) {
    const e = active.get(a.appointmentId) ?? {
      serviceJobId: a.serviceJobId,
      appointmentId: a.appointmentId,
      resources: [],
    };
    e.resources.push(a.resourceId);
    active.set(a.appointmentId, e);
  }
  const crews = s.seededCrews().map((c) => c.resourceId);
  const seeded = snap.reservations.filter((r) => r.origin === 'seed');

  const reads: Step[] = jobs.slice(0, 80).map((j) => async (c) => {
    const r = await c.getServiceJobByServiceJobId({ serviceJobId: j.id });
    return `read:${r.payload?.serviceJobStatus}:${r.payload?.appointments?.length ?? 0}`;
  });
  const listings: Step[] = Array.from({ length: 10 }, (_, i) => async (c) => {
    const r = await c.getServiceJobs({
      marketplaceIds: mkt,
      createdAfter: '2000-01-01T00:00:00Z',
      pageSize: 5 + i,
    });
    return `list:${r.payload?.jobs?.length}`;
  });

  const appointmentAt = async (c: ServicesClient, jobId: string, start: string): Promise<boolean> => {
    const job = await c.getServiceJobByServiceJobId({ serviceJobId: jobId });
    return (job.payload?.appointments ?? []).some(
      (a) =>
        a.appointmentStatus === 'ACTIVE' &&
        Date.parse(a.appointmentTime?.startTime ?? '') === Date.parse(start),
    );
  };
  const firstOpenSlot = async (c: ServicesClient, jobId: string, skip = 0): Promise<string | undefined> => {
    const slots = await c.getAppointmmentSlotsByJobId({ serviceJobId: jobId, marketplaceIds: mkt });
    return (slots.payload?.appointmentSlots ?? []).filter((x) => (x.capacity ?? 0) > 0)[skip]?.startTime;
  };

  const adds: Step[] = pending.slice(0, 30).map((jobId) => async (c) => {
    const start = await firstOpenSlot(c, jobId);
    if (!start) return 'add:no-slot';
    return `add:${await createOnce(
      async () => {
        await c.addAppointmentForServiceJobByServiceJobId({
          serviceJobId: jobId,
          body: { appointmentTime: { startTime: start } },
        });
        return 'ok';
      },
      () => appointmentAt(c, jobId, start),
    )}`;
  });

  // Twice over: assigning is a replace, so a second round changes nothing.
  const assigns: Step[] = [...active.values(), ...active.values()].map((t) => async (c) => {
    try {
      await c.assignAppointmentResources({
        serviceJobId: t.serviceJobId,
        appointmentId: t.appointmentId,
        body: { resources: t.resources.map((resourceId) => ({ resourceId })) },
      });
      return 'assign:ok';
    } catch (e) {
      return `assign:${describeError(e)}`;
    }
  });

  const reschedules: Step[] = [...active.values()].slice(0, 4).map((t) => async (c) => {
    const start = await firstOpenSlot(c, t.serviceJobId, 2);
    if (!start) return 'reschedule:no-slot';
    return `reschedule:${await createOnce(
      async () => {
        await c.rescheduleAppointmentForServiceJobByServiceJobId({
          serviceJobId: t.serviceJobId,
          appointmentId: t.appointmentId,
          body: { appointmentTime: { startTime: start }, rescheduleReasonCode: 'R1' },
        });
        return 'ok';
      },
      () => appointmentAt(c, t.serviceJobId, start),
    )}`;
  });

  const schedules: Step[] = crews.slice(0, 10).map((resourceId, i) => async (c) => {
    try {
      await c.updateSchedule({
        resourceId,
        marketplaceIds: mkt,
        body: {
          schedules: [
            { startTime: `2026-12-0${1 + (i % 5)}T16:00:00Z`, endTime: `2026-12-0${1 + (i % 5)}T23:00:00Z` },
          ],
        },
      });
      return 'schedule:ok';
    } catch (e) {
      return `schedule:${describeError(e)}`;
    }
  });

  const reservedMinutes = async (
    c: ServicesClient,
    resourceId: string,
    start: string,
    end: string,
  ): Promise<number> => {
    const cap = await c.getRangeSlotCapacity({
      resourceId,
      marketplaceIds: mkt,
      body: { startDateTime: start, endDateTime: end, capacityTypes: ['RESERVED_CAPACITY'] },
    });
    return (cap.capacities ?? [])
      .flatMap((x) => x.slots ?? [])
      .reduce(
        (sum, slot) =>
          sum +
          (slot.capacity ?? 0) * (Date.parse(slot.endDateTime ?? '') - Date.parse(slot.startDateTime ?? '')),
        0,
      );
  };
  const creates: Step[] = crews.slice(0, 8).flatMap((resourceId, i) =>
    [0, 1].map((k) => async (c: ServicesClient) => {
      const start = `2026-11-2${4 + k}T${String(17 + (i % 4)).padStart(2, '0')}:10:00Z`;
      const end = start.replace(':10:00Z', ':40:00Z');
      const before = await reservedMinutes(c, resourceId, start, end);
      return `reserve:${await createOnce(
        async () => {
          await c.createReservation({
            marketplaceIds: mkt,
            body: {
              resourceId,
              reservation: { type: 'TRAVEL', availability: { startTime: start, endTime: end } },
            },
          });
          return 'ok';
        },
        async () => (await reservedMinutes(c, resourceId, start, end)) > before,
      )}`;
    }),
  );

  const updates: Step[] = seeded.slice(0, Math.ceil(seeded.length / 2)).map((r) => async (c) => {
    try {
      await c.updateReservation({
        reservationId: r.reservationId,
        marketplaceIds: mkt,
        body: {
          resourceId: r.resourceId,
          reservation: {
            type: 'TRAINING',
            availability: { startTime: '2026-12-02T17:00:00Z', endTime: '2026-12-02T18:00:00Z' },
          },
        },
      });
      return 'update:ok';
    } catch (e) {
      return `update:${describeError(e)}`;
    }
  });
  const cancels: Step[] = seeded.slice(Math.ceil(seeded.length / 2)).map((r) => async (c) => {
    try {
      await c.cancelReservation({ reservationId: r.reservationId, marketplaceIds: mkt });
      return 'cancel:ok';
    } catch (e) {
      return `cancel:${describeError(e)}`;
    }
  });

  // Interleave the kinds so that reads see writes in progress.
  const lanes = [adds, assigns, reads, reschedules, schedules, creates, listings, updates, cancels];
  const script: Step[] = [];
  for (let i = 0; lanes.some((l) => i < l.length); i += 1)
    for (const lane of lanes) if (i < lane.length) script.push(lane[i] as Step);
  return script;
}

/** The state that matters, with volatile request bookkeeping left out. */
function stateOf(s: Sandbox) {
  const snap = s.snapshot();
  return {
    jobs: snap.jobs,
    appointments: snap.appointments,
    assignments: snap.assignments,
    schedules: snap.schedules,
    reservations: snap.reservations,
  };
}

async function runScript(
  faults: string | undefined,
): Promise<{ outcomes: string[]; state: ReturnType<typeof stateOf>; s: Sandbox }> {
  const s = await sandbox({
    seed: 21,
    jobs: 90,
    technicians: 8,
    stores: 2,
    rateLimits: 'off',
    ...(faults ? { faults } : {}),
  });
  const client = clientOf(s);
  const outcomes: string[] = [];
  for (const step of buildScript(s)) outcomes.push(await step(client));
  return { outcomes, state: stateOf(s), s };
}

describe('a mixed write-back under injected faults', () => {
  // The fault-free run is the reference for both cases; its state is captured before its sandbox closes.
  let reference: ReturnType<typeof runScript> | undefined;
  const cleanRun = () => (reference ??= runScript(undefined));

  it('ends in exactly the state of a run without faults: nothing duplicated, nothing missing', async () => {
    const clean = await cleanRun();
    const faulty = await runScript('429=0.15,5xx=0.05,drop=0.05');
    const calls = faulty.s.requestLog.filter((e) => e.operation !== 'lwaToken');
    const injected = calls.filter((e) => e.outcome.startsWith('fault-')).length;
    expect(clean.outcomes.length).toBeGreaterThanOrEqual(100);
    expect(clean.s.requestLog.filter((e) => e.operation !== 'lwaToken').length).toBeGreaterThanOrEqual(200);
    expect(injected).toBeGreaterThan(20);
    expect(clean.outcomes.filter((o) => o.endsWith(':ok')).length).toBeGreaterThan(50);
    expect(faulty.outcomes).toEqual(clean.outcomes);
    expect(faulty.state).toEqual(clean.state);
  });

  it('also when answers are lost after the sandbox acted (the reconcile path of creating calls)', async () => {
    const clean = await cleanRun();
    const faulty = await runScript('429=0.1,5xx=0.05,drop=0.05,dropafter=0.08');
    const lostAnswers = faulty.s.requestLog.filter((e) => e.outcome === 'fault-dropafter').length;
    expect(lostAnswers).toBeGreaterThan(5);
    // A lost answer to a replace or cancel that the client retried shows up as that retry's
    // 4xx (flagged mayHaveTakenEffect); the state must still match exactly.
    // updateSchedule sets a window's availability: a repeated identical record (a retry after a
    // lost answer) is the same schedule, though the sandbox lists each write.
    const distinctSchedules = (state: typeof clean.state) => ({
      ...state,
      schedules: [...new Map(state.schedules.map((r) => [JSON.stringify(r), r])).values()],
    });
    expect(distinctSchedules(faulty.state)).toEqual(distinctSchedules(clean.state));
    expect(faulty.state.reservations).toEqual(clean.state.reservations);
    expect(faulty.state.appointments).toEqual(clean.state.appointments);
  });
});
