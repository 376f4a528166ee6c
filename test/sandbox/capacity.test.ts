import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxClient, errorMessages, firstError } from './client.ts';
import { jobWith, openSandbox } from './fixtures.ts';
import type { TestSandbox } from './fixtures.ts';

let t: TestSandbox;
let client: SandboxClient;
beforeAll(async () => {
  t = await openSandbox({ seed: 41 });
  client = new SandboxClient(t.sandbox);
});
afterAll(() => t.sandbox.close());

const TYPES = ['SCHEDULED_CAPACITY', 'AVAILABLE_CAPACITY', 'RESERVED_CAPACITY', 'ENCUMBERED_CAPACITY'];
// Tuesday 2026-03-03, the first seeded working day, as a UTC day.
const DAY_START = '2026-03-03T00:00:00Z';
const DAY_END = '2026-03-04T00:00:00Z';

type Slots = { startDateTime: string; endDateTime: string; capacity: number }[];
async function range(resourceId: string, start = DAY_START, end = DAY_END): Promise<Record<string, Slots>> {
  const res = await client.call('getRangeSlotCapacity', {
    params: { resourceId },
    body: { capacityTypes: TYPES, startDateTime: start, endDateTime: end },
  });
  expect(res.status).toBe(200);
  const body = res.body as { resourceId: string; capacities: { capacityType: string; slots: Slots }[] };
  expect(body.resourceId).toBe(resourceId);
  return Object.fromEntries(body.capacities.map((c) => [c.capacityType, c.slots]));
}

function valueAt(slots: Slots | undefined, ms: number): number {
  const s = (slots ?? []).find((x) => Date.parse(x.startDateTime) <= ms && ms < Date.parse(x.endDateTime));
  return s?.capacity ?? Number.NaN;
}

/** AVAILABLE = max(0, SCHEDULED - RESERVED - ENCUMBERED) at every breakpoint of any of the four. */
function expectConsistent(c: Record<string, Slots>): void {
  const points = new Set<number>();
  for (const slots of Object.values(c)) for (const s of slots) points.add(Date.parse(s.startDateTime));
  for (const p of points) {
    const scheduled = valueAt(c.SCHEDULED_CAPACITY, p);
    const reserved = valueAt(c.RESERVED_CAPACITY, p);
    const encumbered = valueAt(c.ENCUMBERED_CAPACITY, p);
    expect(valueAt(c.AVAILABLE_CAPACITY, p), new Date(p).toISOString()).toBe(
      Math.max(0, scheduled - reserved - encumbered),
    );
  }
}

describe('getRangeSlotCapacity', () => {
  it('reports the four capacity kinds consistently for stores and technicians, covering the whole range', async () => {
    const stores = t.sandbox.seededStores();
    const crew = t.sandbox.seededCrews()[0];
    for (const id of [stores[0]?.storeId, stores[1]?.storeId, crew?.resourceId]) {
      const c = await range(id as string);
      expectConsistent(c);
      for (const slots of Object.values(c)) {
        expect(slots[0]?.startDateTime).toBe(DAY_START);
        expect(slots[slots.length - 1]?.endDateTime).toBe(DAY_END);
      }
      expect(Math.max(...(c.SCHEDULED_CAPACITY ?? []).map((s) => s.capacity))).toBeGreaterThan(0);
    }
    // A store's schedule is its technicians' shifts added up.
    const store = stores[0]?.storeId as string;
    const members = t.sandbox.seededCrews().filter((m) => m.storeId === store);
    const storeCapacity = await range(store);
    const techs = await Promise.all(members.map((m) => range(m.resourceId)));
    for (const s of storeCapacity.SCHEDULED_CAPACITY ?? []) {
      const p = Date.parse(s.startDateTime);
      expect(s.capacity).toBe(techs.reduce((sum, c) => sum + valueAt(c.SCHEDULED_CAPACITY, p), 0));
    }
  });

  it('pages a 90-day range with a base64 nextPageToken in the query string', async () => {
    const store = t.sandbox.seededStores()[0]?.storeId as string;
    const body = {
      capacityTypes: ['SCHEDULED_CAPACITY'],
      startDateTime: '2026-03-03T00:00:00Z',
      endDateTime: '2026-06-01T00:00:00Z',
    };
    const first = await client.call('getRangeSlotCapacity', { params: { resourceId: store }, body });
    const token = (first.body as { nextPageToken?: string }).nextPageToken as string;
    expect(Buffer.from(token, 'base64').toString()).toBe('2026-04-07T00:00:00Z');
    const second = await client.call('getRangeSlotCapacity', {
      params: { resourceId: store },
      body,
      query: { nextPageToken: token },
    });
    const page = second.body as { nextPageToken?: string; capacities: { slots: Slots }[] };
    expect(page.capacities[0]?.slots[0]?.startDateTime).toBe('2026-04-07T00:00:00Z');
  });

  it('answers the documented 400s', async () => {
    const store = t.sandbox.seededStores()[0]?.storeId as string;
    const cases: [string, unknown, string][] = [
      [
        'null',
        { startDateTime: DAY_START, endDateTime: DAY_END },
        'Missing or invalid request parameters: [resourceId]',
      ],
      [
        store,
        { capacityTypes: ['SCHEDULED_CAPACITY'], startDateTime: DAY_START },
        'startDateTime or endDateTime are not present',
      ],
      [store, { startDateTime: DAY_END, endDateTime: DAY_START }, 'endDateTime should be after Start Time'],
      [
        store,
        { startDateTime: '2021-0', endDateTime: DAY_END },
        'startDateTime is not a valid ISO date/time object',
      ],
    ];
    for (const [resourceId, body, problem] of cases) {
      const res = await client.call('getRangeSlotCapacity', { params: { resourceId }, body });
      expect(res.status, problem).toBe(400);
      expect(firstError(res.body)).toEqual({
        code: 'InvalidInput',
        message: 'This is invalid input',
        details: `Received the following errors: [${problem}]`,
      });
    }
    const unknown = await client.call('getRangeSlotCapacity', {
      params: { resourceId: 'no-such-resource' },
      body: { startDateTime: DAY_START, endDateTime: DAY_END },
    });
    expect(unknown.status).toBe(404);
  });
});

describe('getFixedSlotCapacity', () => {
  it('agrees with the range view on aligned slots and only carries the requested kinds', async () => {
    const store = t.sandbox.seededStores()[1]?.storeId as string;
    const res = await client.call('getFixedSlotCapacity', {
      params: { resourceId: store },
      body: { capacityTypes: TYPES, startDateTime: DAY_START, endDateTime: DAY_END, slotDuration: 30 },
    });
    expect(res.status).toBe(200);
    const body = res.body as { slotDuration: number; capacities: Record<string, number | string>[] };
    expect(body.slotDuration).toBe(30);
    expect(body.capacities).toHaveLength(48);
    const r = await range(store);
    for (const slot of body.capacities) {
      const p = Date.parse(slot.startDateTime as string);
      // Every seeded boundary is on a half hour, so a 30-minute slot is constant.
      expect(slot.scheduledCapacity).toBe(valueAt(r.SCHEDULED_CAPACITY, p));
      expect(slot.availableCapacity).toBe(valueAt(r.AVAILABLE_CAPACITY, p));
      expect(slot.reservedCapacity).toBe(valueAt(r.RESERVED_CAPACITY, p));
      expect(slot.encumberedCapacity).toBe(valueAt(r.ENCUMBERED_CAPACITY, p));
    }
    const only = await client.call('getFixedSlotCapacity', {
      params: { resourceId: store },
      body: { startDateTime: DAY_START, endDateTime: DAY_END },
    });
    expect(Object.keys((only.body as { capacities: object[] }).capacities[0] ?? {}).sort()).toEqual([
      'scheduledCapacity',
      'startDateTime',
    ]);
  });

  it('answers the documented 400s', async () => {
    const store = t.sandbox.seededStores()[1]?.storeId as string;
    const cases: [string, unknown, string][] = [
      [
        'null',
        { startDateTime: DAY_START, endDateTime: DAY_END },
        'Missing or invalid request parameters: [resourceId]',
      ],
      [
        store,
        { startDateTime: DAY_START, endDateTime: DAY_END, slotDuration: 400 },
        'Slot duration is not valid, it should be a multiple of 5 and within allowed range.',
      ],
      [
        store,
        { startDateTime: DAY_START, endDateTime: DAY_END, slotDuration: 7 },
        'Slot duration is not valid, it should be a multiple of 5 and within allowed range.',
      ],
      [store, { startDateTime: DAY_END, endDateTime: DAY_START }, 'endDateTime should be after Start Time'],
      [store, { startDateTime: DAY_START }, 'startDateTime or endDateTime are not present'],
      [
        store,
        { startDateTime: '2021-0', endDateTime: DAY_END },
        'startDateTime is not a valid ISO date/time object',
      ],
    ];
    for (const [resourceId, body, problem] of cases) {
      const res = await client.call('getFixedSlotCapacity', { params: { resourceId }, body });
      expect(res.status, problem).toBe(400);
      expect(firstError(res.body).details).toBe(`Received the following errors: [${problem}]`);
    }
  });
});

describe('schedules and reservations change capacity', () => {
  it('updateSchedule overrides a technician’s day; overlapping writes warn ScheduleOverride', async () => {
    const crew = t.sandbox.seededCrews()[2];
    const id = crew?.resourceId as string;
    const record = { startTime: '2026-03-03T18:00:00Z', endTime: '2026-03-03T20:00:00Z' };
    const first = await client.call('updateSchedule', {
      params: { resourceId: id },
      body: { schedules: [record] },
    });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({});
    const c = await range(id);
    expectConsistent(c);
    // Inside the record's span only the record counts: 18:00-20:00.
    expect(
      (c.SCHEDULED_CAPACITY ?? []).filter((s) => s.capacity > 0).map((s) => [s.startDateTime, s.endDateTime]),
    ).toEqual([['2026-03-03T18:00:00Z', '2026-03-03T20:00:00Z']]);
    const again = await client.call('updateSchedule', {
      params: { resourceId: id },
      body: { schedules: [{ ...record, capacity: 2 }] },
    });
    const payload = (again.body as { payload: { warnings: { code: string }[] }[] }).payload;
    expect(payload[0]?.warnings[0]?.code).toBe('ScheduleOverride');
    expect(valueAt((await range(id)).SCHEDULED_CAPACITY, Date.parse('2026-03-03T19:00:00Z'))).toBe(2);
    expect(t.sandbox.snapshot().schedules.filter((s) => s.resourceId === id)).toHaveLength(2);
  });

  it('the records of one updateSchedule are read together: a shift past midnight (UTC) keeps its tail', async () => {
    const crew = t.sandbox.seededCrews()[3];
    const id = crew?.resourceId as string;
    // Two evening shifts (UTC), each running into the next UTC day, written in one request.
    const records = [
      { startTime: '2026-03-05T17:00:00Z', endTime: '2026-03-06T02:00:00Z' },
      { startTime: '2026-03-06T17:00:00Z', endTime: '2026-03-07T02:00:00Z' },
    ];
    const res = await client.call('updateSchedule', {
      params: { resourceId: id },
      body: { schedules: records },
    });
    expect(res.status).toBe(200);
    // Nothing earlier overlaps, so no record of this request overrides another one of it.
    expect(res.body).toEqual({});
    const c = await range(id, '2026-03-05T00:00:00Z', '2026-03-08T00:00:00Z');
    expectConsistent(c);
    expect(
      (c.SCHEDULED_CAPACITY ?? []).filter((s) => s.capacity > 0).map((s) => [s.startDateTime, s.endDateTime]),
    ).toEqual([
      ['2026-03-05T17:00:00Z', '2026-03-06T02:00:00Z'],
      ['2026-03-06T17:00:00Z', '2026-03-07T02:00:00Z'],
    ]);
  });

  it('updateSchedule answers the documented errors', async () => {
    const store = t.sandbox.seededStores()[0]?.storeId as string;
    const record = {
      startTime: '2026-03-10T00:00:00.00-07',
      endTime: '2026-03-10T23:59:00.00-07',
      recurrence: { endTime: '2026-03-16T23:59:00.00-07', daysOfWeek: ['MONDAY', 'TUESDAY'] },
    };
    const unknown = await client.call('updateSchedule', {
      params: { resourceId: 'invalidResourceId-9c15' },
      body: { schedules: [record] },
    });
    expect(unknown.status).toBe(200);
    expect(errorMessages(unknown.body)).toEqual(['Invalid request parameters: [resourceId]']);
    const noId = await client.call('updateSchedule', {
      params: { resourceId: 'null' },
      body: { schedules: [] },
    });
    expect([noId.status, errorMessages(noId.body)]).toEqual([
      400,
      ['Missing or invalid request parameters: [resourceId]'],
    ]);
    const empty = await client.call('updateSchedule', {
      params: { resourceId: store },
      body: { schedules: [] },
    });
    expect([empty.status, errorMessages(empty.body)]).toEqual([
      400,
      ['Missing or invalid request parameters: [schedule]'],
    ]);
    const recurring = await client.call('updateSchedule', {
      params: { resourceId: store },
      body: { schedules: [record] },
    });
    expect(recurring.status).toBe(200);
  });

  it('a reservation moves capacity from AVAILABLE to RESERVED and closes appointment slots; cancelling restores it', async () => {
    const job = jobWith(
      t.sandbox,
      (j) => j.serviceJobStatus === 'PENDING_SCHEDULE' && j.storeId === t.sandbox.seededStores()[1]?.storeId,
    );
    const slotsOf = async (): Promise<{ startTime: string; capacity: number }[]> => {
      const res = await client.call('getAppointmmentSlotsByJobId', {
        params: { serviceJobId: job.serviceJobId },
        query: { startTime: '2026-03-03T00:00:00Z', endTime: '2026-03-04T00:00:00Z' },
      });
      return (res.body as { payload: { appointmentSlots: { startTime: string; capacity: number }[] } })
        .payload.appointmentSlots;
    };
    const before = await slotsOf();
    const open = before.find((s) => s.capacity > 0);
    expect(open).toBeDefined();
    const start = Date.parse(open?.startTime as string);
    const storeBefore = await range(job.storeId);
    const scheduled = valueAt(storeBefore.SCHEDULED_CAPACITY, start);
    const created = await client.call('createReservation', {
      body: {
        resourceId: job.storeId,
        reservation: {
          type: 'TRAINING',
          availability: {
            startTime: new Date(start).toISOString(),
            endTime: new Date(start + 3_600_000).toISOString(),
            capacity: scheduled,
          },
        },
      },
    });
    expect(created.status).toBe(200);
    const reservation = (
      created.body as { payload: { reservation: { reservationId: string; type: string } } }
    ).payload.reservation;
    expect(reservation.type).toBe('TRAINING');
    const during = await range(job.storeId);
    expectConsistent(during);
    expect(valueAt(during.AVAILABLE_CAPACITY, start)).toBe(0);
    expect(valueAt(during.RESERVED_CAPACITY, start)).toBe(
      valueAt(storeBefore.RESERVED_CAPACITY, start) + scheduled,
    );
    expect((await slotsOf()).find((s) => s.startTime === open?.startTime)?.capacity).toBe(0);

    // Update answers with a new reservation id; the old one is gone.
    const moved = await client.call('updateReservation', {
      params: { reservationId: reservation.reservationId },
      body: {
        resourceId: job.storeId,
        reservation: {
          type: 'TRAINING',
          availability: { startTime: '2026-03-03T05:00:00Z', endTime: '2026-03-03T06:00:00Z' },
        },
      },
    });
    expect(moved.status).toBe(200);
    const newId = (moved.body as { payload: { reservation: { reservationId: string } } }).payload.reservation
      .reservationId;
    expect(newId).not.toBe(reservation.reservationId);
    expect((await slotsOf()).find((s) => s.startTime === open?.startTime)?.capacity).toBe(open?.capacity);
    const gone = await client.call('cancelReservation', {
      params: { reservationId: reservation.reservationId },
    });
    expect([gone.status, errorMessages(gone.body)]).toEqual([404, ['Reservation does not exist']]);
    const cancelled = await client.call('cancelReservation', { params: { reservationId: newId } });
    expect(cancelled.status).toBe(204);
    expect(t.sandbox.snapshot().reservations.some((r) => r.reservationId === newId)).toBe(false);
  });

  it('booking an appointment encumbers the store', async () => {
    const job = jobWith(
      t.sandbox,
      (j) => j.serviceJobStatus === 'PENDING_SCHEDULE' && j.storeId === t.sandbox.seededStores()[0]?.storeId,
    );
    const res = await client.call('getAppointmmentSlotsByJobId', {
      params: { serviceJobId: job.serviceJobId },
      query: { startTime: '2026-03-04T00:00:00Z', endTime: '2026-03-05T00:00:00Z' },
    });
    const slot = (
      res.body as { payload: { appointmentSlots: { startTime: string; capacity: number }[] } }
    ).payload.appointmentSlots.find((s) => s.capacity > 0);
    const start = Date.parse(slot?.startTime as string);
    const before = await range(job.storeId, '2026-03-04T00:00:00Z', '2026-03-05T00:00:00Z');
    const add = await client.call('addAppointmentForServiceJobByServiceJobId', {
      params: { serviceJobId: job.serviceJobId },
      body: { appointmentTime: { startTime: slot?.startTime } },
    });
    expect(add.status).toBe(200);
    const after = await range(job.storeId, '2026-03-04T00:00:00Z', '2026-03-05T00:00:00Z');
    expectConsistent(after);
    expect(valueAt(after.ENCUMBERED_CAPACITY, start)).toBe(valueAt(before.ENCUMBERED_CAPACITY, start) + 1);
  });

  it('reservation operations answer the documented errors', async () => {
    const store = t.sandbox.seededStores()[0]?.storeId as string;
    const availability = { startTime: '2026-04-01T10:00:00.00-07', endTime: '2026-04-01T11:00:00.00-07' };
    const invalidResource = await client.call('createReservation', {
      body: { resourceId: 'invalidResourceId-9c15', reservation: { availability, type: 'BREAK' } },
    });
    expect([invalidResource.status, errorMessages(invalidResource.body)]).toEqual([
      200,
      ['Invalid request parameters: [resourceId]'],
    ]);
    const nullResource = await client.call('createReservation', {
      body: { resourceId: 'null', reservation: {} },
    });
    expect([nullResource.status, errorMessages(nullResource.body)]).toEqual([
      400,
      ['Missing or invalid request parameters: [resourceId]'],
    ]);
    const emptyReservation = await client.call('createReservation', {
      body: { resourceId: store, reservation: {} },
    });
    expect([emptyReservation.status, errorMessages(emptyReservation.body)]).toEqual([
      400,
      ['Missing or invalid request parameters: [reservation]'],
    ]);
    const created = await client.call('createReservation', {
      body: { resourceId: store, reservation: { availability, type: 'BREAK' } },
    });
    const id = (created.body as { payload: { reservation: { reservationId: string } } }).payload.reservation
      .reservationId;
    const missing = await client.call('updateReservation', {
      params: { reservationId: 'not-existent-456' },
      body: { resourceId: store, reservation: { availability, type: 'BREAK' } },
    });
    expect([missing.status, errorMessages(missing.body)]).toEqual([
      404,
      ['Could not find reservation with ID: [not-existent-456]'],
    ]);
    const updInvalid = await client.call('updateReservation', {
      params: { reservationId: id },
      body: { resourceId: 'invalidResourceId-9c15', reservation: { availability, type: 'BREAK' } },
    });
    expect([updInvalid.status, errorMessages(updInvalid.body)]).toEqual([
      200,
      ['Invalid request parameters: [resourceId]'],
    ]);
    const updNull = await client.call('updateReservation', {
      params: { reservationId: id },
      body: { resourceId: 'null', reservation: {} },
    });
    expect(updNull.status).toBe(400);
    const updEmpty = await client.call('updateReservation', {
      params: { reservationId: id },
      body: { resourceId: store, reservation: {} },
    });
    expect(errorMessages(updEmpty.body)).toEqual(['Missing or invalid request parameters: [reservation]']);
    const badId = await client.call('cancelReservation', { params: { reservationId: 'bad id with spaces' } });
    expect([badId.status, errorMessages(badId.body)]).toEqual([
      400,
      ['Missing or invalid request parameters: [reservationId]'],
    ]);
  });
});

describe('appointment slots', () => {
  it('by job and by ASIN + store, default and explicit windows', async () => {
    const job = jobWith(t.sandbox, (j) => j.serviceJobStatus === 'PENDING_SCHEDULE');
    const windows: Record<string, string>[] = [
      {},
      { startTime: '2026-03-03T00:00:00Z', endTime: '2026-03-05T00:00:00Z' },
    ];
    for (const query of windows) {
      const byJob = await client.call('getAppointmmentSlotsByJobId', {
        params: { serviceJobId: job.serviceJobId },
        query,
      });
      expect(byJob.status).toBe(200);
      const report = (
        byJob.body as {
          payload: { schedulingType: string; appointmentSlots: { startTime: string; endTime: string }[] };
        }
      ).payload;
      expect(report.schedulingType).toBe('REAL_TIME_SCHEDULING');
      expect(report.appointmentSlots.length).toBeGreaterThan(0);
      for (const s of report.appointmentSlots) expect(new Date(s.startTime).getUTCMinutes()).toBe(0);
      const byAsin = await client.call('getAppointmentSlots', {
        query: { asin: job.scopeOfWork.asin, storeId: job.storeId, ...query },
      });
      expect(byAsin.status).toBe(200);
      expect((byAsin.body as { payload: { appointmentSlots: unknown[] } }).payload.appointmentSlots).toEqual(
        report.appointmentSlots,
      );
    }
  });

  it('answers the documented 400s', async () => {
    const job = jobWith(t.sandbox, (j) => j.serviceJobStatus === 'PENDING_SCHEDULE');
    const byJob: [string, Record<string, string>, string][] = [
      ['null', {}, 'Missing or invalid request parameters: [serviceJobId]'],
      [
        job.serviceJobId,
        { startTime: '2026-03-03T00:00:00Z', endTime: '20-21-04-04T01:00:00Z' },
        'End Time is not a valid ISO date/time object',
      ],
      [
        job.serviceJobId,
        { startTime: '2026-03-04T05:00:00Z', endTime: '2026-03-04T02:00:00Z' },
        'End Time should be after Start Time',
      ],
    ];
    for (const [serviceJobId, query, message] of byJob) {
      const res = await client.call('getAppointmmentSlotsByJobId', { params: { serviceJobId }, query });
      expect([res.status, errorMessages(res.body)]).toEqual([400, [message]]);
    }
    const byAsin: [Record<string, string>, string][] = [
      [{ asin: 'nullValue', storeId: job.storeId }, 'Missing or invalid request parameters: [asin]'],
      [
        {
          asin: job.scopeOfWork.asin,
          storeId: job.storeId,
          startTime: '2026-03-03T00:00:00Z',
          endTime: '20-21-04-04T01:00:00Z',
        },
        'Range End Time is not a valid ISO date/time object',
      ],
      [
        {
          asin: job.scopeOfWork.asin,
          storeId: job.storeId,
          startTime: '2026-03-04T05:00:00Z',
          endTime: '2026-03-04T02:00:00Z',
        },
        'Range End Time should be after Range Start Time',
      ],
    ];
    for (const [query, message] of byAsin) {
      const res = await client.call('getAppointmentSlots', { query });
      expect([res.status, errorMessages(res.body)]).toEqual([400, [message]]);
    }
  });
});
