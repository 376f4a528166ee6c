import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxClient, errorMessages, firstError } from './client.ts';
import { activeOf, jobWith, openSandbox, T0 } from './fixtures.ts';
import type { JobView, TestSandbox } from './fixtures.ts';

let t: TestSandbox;
let client: SandboxClient;
beforeAll(async () => {
  t = await openSandbox({ seed: 21 });
  client = new SandboxClient(t.sandbox);
});
afterAll(() => t.sandbox.close());

const used = new Set<string>();
/** A seeded job not yet used by another test. */
function fresh(predicate: (job: JobView) => boolean): JobView {
  const job = jobWith(t.sandbox, (j) => !used.has(j.serviceJobId) && predicate(j));
  used.add(job.serviceJobId);
  return job;
}

async function freeSlots(serviceJobId: string): Promise<{ startTime: string; capacity: number }[]> {
  const res = await client.call('getAppointmmentSlotsByJobId', { params: { serviceJobId } });
  expect(res.status).toBe(200);
  const slots = (res.body as { payload: { appointmentSlots: { startTime: string; capacity: number }[] } })
    .payload.appointmentSlots;
  return slots.filter((s) => s.capacity > 0);
}

const at = (ms: number): string => new Date(ms).toISOString();
const DAY = 86_400_000;

// Assignment runs first: its overbooking case needs the seeded week before other tests fill it.
describe('assignAppointmentResources', () => {
  const crewsFor = (job: JobView) =>
    t.sandbox
      .seededCrews()
      .filter(
        (c) =>
          c.storeId === job.storeId &&
          job.scopeOfWork.requiredSkills.every((s) => (c.skills as string[]).includes(s)),
      );

  it('assigns a qualified free technician, replaces earlier assignments, and warns when overbooked', async () => {
    const book = async (job: JobView, startTime: string): Promise<string> => {
      const add = await client.call('addAppointmentForServiceJobByServiceJobId', {
        params: { serviceJobId: job.serviceJobId },
        body: { appointmentTime: { startTime } },
      });
      expect(add.status).toBe(200);
      return (add.body as { appointmentId: string }).appointmentId;
    };
    const assign = (job: JobView, appointmentId: string, resourceId: string) =>
      client.call('assignAppointmentResources', {
        params: { serviceJobId: job.serviceJobId, appointmentId },
        body: { resources: [{ resourceId }] },
      });

    const job = fresh((j) => j.serviceJobStatus === 'PENDING_SCHEDULE' && crewsFor(j).length > 1);
    // The slot with the most room, so another job can be booked beside it.
    const slot = (await freeSlots(job.serviceJobId)).reduce((best, s) =>
      s.capacity > best.capacity ? s : best,
    );
    const appointmentId = await book(job, slot.startTime);
    const free: string[] = [];
    for (const crew of crewsFor(job)) {
      const res = await assign(job, appointmentId, crew.resourceId);
      if (res.status === 200 && !(res.body as { payload: { warnings?: unknown } }).payload.warnings)
        free.push(crew.resourceId);
    }
    expect(free.length).toBeGreaterThan(0);
    const technician = free[0] as string;
    const res = await assign(job, appointmentId, technician);
    expect(res.body).toEqual({ payload: {} });
    // Assigning replaces: only the last assignment remains.
    const assignments = t.sandbox.snapshot().assignments.filter((a) => a.serviceJobId === job.serviceJobId);
    expect(assignments.map((a) => a.resourceId)).toEqual([technician]);

    // Another job at the same time with the same technician: accepted, with RESOURCES_OVERBOOKED.
    let warned = false;
    for (const other of t.sandbox.snapshot().jobs as unknown as JobView[]) {
      if (
        used.has(other.serviceJobId) ||
        other.serviceJobStatus !== 'PENDING_SCHEDULE' ||
        other.storeId !== job.storeId
      )
        continue;
      if (!crewsFor(other).some((c) => c.resourceId === technician)) continue;
      const slots = await freeSlots(other.serviceJobId);
      const same = slots.find((s) => s.startTime === slot.startTime);
      if (!same) continue;
      used.add(other.serviceJobId);
      const otherAppointment = await book(other, same.startTime);
      const r = await assign(other, otherAppointment, technician);
      expect(r.status).toBe(200);
      expect(r.body).toEqual({
        payload: {
          warnings: [{ code: 'RESOURCES_OVERBOOKED', message: 'Resources overbooked for this time window.' }],
        },
      });
      warned = true;
      break;
    }
    expect(warned).toBe(true);
  });

  it('answers each documented error', async () => {
    const job = fresh((j) => j.serviceJobStatus === 'NOT_SERVICED' && crewsFor(j).length > 0);
    const appointmentId = activeOf(job)?.appointmentId as string;
    const id = job.serviceJobId;
    const crew = crewsFor(job)[0];
    const resources = { resources: [{ resourceId: crew?.resourceId }] };
    const completed = fresh((j) => j.serviceJobStatus === 'COMPLETED');
    const cancelled = fresh((j) => j.serviceJobStatus === 'CANCELLED');
    // Rescheduling leaves a cancelled appointment behind.
    const withCancelledAppointment = fresh((j) => j.serviceJobStatus === 'NOT_SERVICED');
    const toReplace = activeOf(withCancelledAppointment);
    const moved = await client.call('rescheduleAppointmentForServiceJobByServiceJobId', {
      params: {
        serviceJobId: withCancelledAppointment.serviceJobId,
        appointmentId: toReplace?.appointmentId ?? '',
      },
      body: {
        appointmentTime: { startTime: toReplace?.appointmentTime.startTime },
        rescheduleReasonCode: 'R1',
      },
    });
    expect(moved.status).toBe(200);
    const foreign = t.sandbox.snapshot().foreignJobIds[0] as string;
    const cancelledAppointment = toReplace?.appointmentId as string;
    const cases: [string, string, unknown, number, string][] = [
      ['null', appointmentId, resources, 400, 'Missing or invalid request parameters: [serviceJobId]'],
      [id, 'null', resources, 400, 'Missing or invalid request parameters: [appointmentId]'],
      [
        'null',
        'null',
        resources,
        400,
        'Missing or invalid request parameters: [appointmentId, serviceJobId]',
      ],
      [id, appointmentId, {}, 400, 'Resources not provided in input JSON payload.'],
      [id, appointmentId, { resources: [] }, 400, 'Resources must have size greater than or equal to 1.'],
      [
        foreign,
        `${foreign}_1234`,
        resources,
        403,
        'Not authorized to access this resource. Please check your input again.',
      ],
      ['invalidJobId-1', appointmentId, resources, 422, 'No job exists with jobId : invalidJobId-1'],
      [
        id,
        'invalidAppointmentId-1',
        resources,
        422,
        `Failed to Update Appointment for jobId : ${id}, appointmentId : invalidAppointmentId-1, reason : No appointment exists with appointmentId: invalidAppointmentId-1`,
      ],
      [
        id,
        appointmentId,
        { resources: [{ resourceId: 'badResourceId' }] },
        422,
        'Invalid resourceId : badResourceId provided in the input.',
      ],
      [
        completed.serviceJobId,
        `${completed.serviceJobId}_1`,
        resources,
        422,
        `Operation not allowed on job with jobId : ${completed.serviceJobId} and jobState : COMPLETED`,
      ],
      [
        cancelled.serviceJobId,
        `${cancelled.serviceJobId}_1`,
        resources,
        422,
        `Operation not allowed on job with jobId : ${cancelled.serviceJobId} and jobState : CANCELLED`,
      ],
      [
        withCancelledAppointment.serviceJobId,
        cancelledAppointment,
        resources,
        422,
        `Appointment metadata update is not allowed for appointmentId ${cancelledAppointment}`,
      ],
    ];
    for (const [serviceJobId, appt, b, status, message] of cases) {
      const res = await client.call('assignAppointmentResources', {
        params: { serviceJobId, appointmentId: appt },
        body: b,
      });
      expect(res.status, message).toBe(status);
      expect(errorMessages(res.body), message).toEqual([message]);
    }
  });

  it('checks store, skills and shift: RESOURCES_NOT_AVAILABLE_IN_LOCATION, RESOURCES_MISSING_REQUIRED_SKILLS, RESOURCES_NOT_AVAILABLE_IN_TIME_WINDOW', async () => {
    const crews = t.sandbox.seededCrews();
    const job = fresh(
      (j) =>
        j.serviceJobStatus === 'NOT_SERVICED' &&
        crews.some(
          (c) =>
            c.storeId === j.storeId &&
            !j.scopeOfWork.requiredSkills.every((s) => (c.skills as string[]).includes(s)),
        ),
    );
    const appointmentId = activeOf(job)?.appointmentId as string;
    const unskilled = crews.find(
      (c) =>
        c.storeId === job.storeId &&
        !job.scopeOfWork.requiredSkills.every((s) => (c.skills as string[]).includes(s)),
    );
    const elsewhere = crews.find((c) => c.storeId !== job.storeId);
    const res = await client.call('assignAppointmentResources', {
      params: { serviceJobId: job.serviceJobId, appointmentId },
      body: { resources: [{ resourceId: unskilled?.resourceId }, { resourceId: elsewhere?.resourceId }] },
    });
    expect(res.status).toBe(422);
    const codes = (res.body as { errors: { code: string; message: string }[] }).errors.map((e) => e.code);
    expect(codes).toContain('RESOURCES_NOT_AVAILABLE_IN_LOCATION');
    expect(codes).toContain('RESOURCES_MISSING_REQUIRED_SKILLS');
    const skills = (res.body as { errors: { code: string; message: string }[] }).errors.find(
      (e) => e.code === 'RESOURCES_MISSING_REQUIRED_SKILLS',
    );
    expect(skills?.message).toContain(`Applicable resources: ${unskilled?.resourceId}`);

    // Outside every shift: a Saturday appointment cannot be booked, so move the clock and use a late evening on a weekday.
    const pending = fresh((j) => j.serviceJobStatus === 'PENDING_SCHEDULE' && crewsFor(j).length > 0);
    const [slot] = await freeSlots(pending.serviceJobId);
    const add = await client.call('addAppointmentForServiceJobByServiceJobId', {
      params: { serviceJobId: pending.serviceJobId },
      body: { appointmentTime: { startTime: slot?.startTime } },
    });
    const newId = (add.body as { appointmentId: string }).appointmentId;
    const qualified = crewsFor(pending);
    const offShift = qualified.find((c) => {
      const startLocal = new Date(slot?.startTime ?? '').toLocaleString('en-US', {
        timeZone: c.timeZone,
        hour: '2-digit',
        hour12: false,
      });
      const start = Number(startLocal);
      const shift = c.weeklyShifts[0];
      return (
        shift !== undefined &&
        (start < Number(shift.start.slice(0, 2)) || start + 1 > Number(shift.end.slice(0, 2)) - 1)
      );
    });
    if (offShift) {
      const r = await client.call('assignAppointmentResources', {
        params: { serviceJobId: pending.serviceJobId, appointmentId: newId },
        body: { resources: [{ resourceId: offShift.resourceId }] },
      });
      expect(r.status).toBe(422);
      expect(firstError(r.body).code).toBe('RESOURCES_NOT_AVAILABLE_IN_TIME_WINDOW');
    }
  });
});

describe('addAppointmentForServiceJobByServiceJobId', () => {
  it('books a free slot (with and without a duration), returning a bare appointmentId', async () => {
    for (const duration of [undefined, 60]) {
      const job = fresh((j) => j.serviceJobStatus === 'PENDING_SCHEDULE');
      const [slot] = await freeSlots(job.serviceJobId);
      expect(slot).toBeDefined();
      const res = await client.call('addAppointmentForServiceJobByServiceJobId', {
        params: { serviceJobId: job.serviceJobId },
        body: {
          appointmentTime: {
            startTime: slot?.startTime,
            ...(duration ? { durationInMinutes: duration } : {}),
          },
        },
      });
      expect(res.status).toBe(200);
      const { appointmentId } = res.body as { appointmentId: string };
      expect(appointmentId).toMatch(new RegExp(`^${job.serviceJobId}_`));
      const after = jobWith(t.sandbox, (j) => j.serviceJobId === job.serviceJobId);
      expect(after.serviceJobStatus).toBe('NOT_SERVICED');
      expect(activeOf(after)?.appointmentId).toBe(appointmentId);
      if (duration) expect(activeOf(after)?.appointmentTime.durationInMinutes).toBe(60);
    }
  });

  it('answers each documented error and leaves the job unchanged', async () => {
    const job = fresh((j) => j.serviceJobStatus === 'PENDING_SCHEDULE');
    const [slot] = await freeSlots(job.serviceJobId);
    const start = slot?.startTime as string;
    const completed = fresh((j) => j.serviceJobStatus === 'COMPLETED');
    const booked = fresh((j) => j.serviceJobStatus === 'NOT_SERVICED');
    const foreign = t.sandbox.snapshot().foreignJobIds[0] as string;
    const id = job.serviceJobId;
    const offset = start
      .replace('Z', '+00:00')
      .replace(/T(\d\d)/, (_m, h: string) => `T${String(Number(h)).padStart(2, '0')}`);
    const cases: [string, unknown, number, string][] = [
      [
        'null',
        { appointmentTime: { startTime: start } },
        400,
        'Missing or invalid request parameters: [serviceJobId]',
      ],
      [
        foreign,
        { appointmentTime: { startTime: start } },
        403,
        'Not authorized to access this resource. Please check your input again.',
      ],
      [
        id,
        { appointmentTime: { startTime: '2027-01-01T10:00:00.000+05:30' } },
        422,
        'ISO8601 time 2027-01-01T10:00:00.000+05:30 is not in UTC.',
      ],
      [
        id,
        { appointmentTime: { startTime: '2027-01-01T10-00:00.000Z' } },
        422,
        'Failed to parse ISO8601 input: 2027-01-01T10-00:00.000Z',
      ],
      [
        'invalidJobId-9cb9',
        { appointmentTime: { startTime: start } },
        422,
        'No job exist with jobId : invalidJobId-9cb9',
      ],
      [
        completed.serviceJobId,
        { appointmentTime: { startTime: start } },
        422,
        `Operation not allowed on job with jobId : ${completed.serviceJobId} and jobState : COMPLETED`,
      ],
      [
        booked.serviceJobId,
        { appointmentTime: { startTime: start } },
        422,
        `Failed to add appointment for jobId : ${booked.serviceJobId}, reason : Job already has an active appointmentId.`,
      ],
      [
        id,
        { appointmentTime: { startTime: at(T0 - DAY) } },
        422,
        `Failed to add appointment for jobId : ${id}, reason : Start time of appointment should be in the future.`,
      ],
      [
        id,
        { appointmentTime: { startTime: at(T0 + 366 * DAY) } },
        422,
        `Failed to add appointment for jobId : ${id}, reason : Start time for appointment is beyond the maximum allowed period of 365 days.`,
      ],
      [
        id,
        { appointmentTime: { startTime: at(Date.parse(start) + 15 * 60_000) } },
        422,
        `Failed to add appointment for jobId : ${id}, reason : Appointment slot is not available.`,
      ],
      [
        id,
        { appointmentTime: { startTime: at(Date.parse('2026-03-08T06:00:00Z')) } },
        422,
        `Failed to add appointment for jobId : ${id}, reason : Appointment slot is not available.`,
      ],
    ];
    expect(offset).toContain('+00:00');
    for (const [serviceJobId, body, status, message] of cases) {
      const res = await client.call('addAppointmentForServiceJobByServiceJobId', {
        params: { serviceJobId },
        body,
      });
      expect(res.status, message).toBe(status);
      expect(errorMessages(res.body), message).toEqual([message]);
    }
    // An explicit zero offset is UTC.
    const ok = await client.call('addAppointmentForServiceJobByServiceJobId', {
      params: { serviceJobId: id },
      body: { appointmentTime: { startTime: offset } },
    });
    expect(ok.status).toBe(200);
    const after = jobWith(t.sandbox, (j) => j.serviceJobId === booked.serviceJobId);
    expect(after.appointments).toEqual(booked.appointments);
  });
});

describe('rescheduleAppointmentForServiceJobByServiceJobId', () => {
  it('issues a new appointment id, cancels the old one and drops technicians with RESOURCES_UNASSIGNED', async () => {
    const job = fresh(
      (j) => j.serviceJobStatus === 'NOT_SERVICED' && (activeOf(j)?.assignedTechnicians?.length ?? 0) > 0,
    );
    const old = activeOf(job);
    const slots = await freeSlots(job.serviceJobId);
    const target = slots.find((s) => s.startTime !== old?.appointmentTime.startTime) ?? slots[0];
    const res = await client.call('rescheduleAppointmentForServiceJobByServiceJobId', {
      params: { serviceJobId: job.serviceJobId, appointmentId: old?.appointmentId ?? '' },
      body: {
        appointmentTime: { startTime: target?.startTime, durationInMinutes: 60 },
        rescheduleReasonCode: 'R1',
      },
    });
    expect(res.status).toBe(200);
    const body = res.body as { appointmentId: string; warnings?: { code: string; message: string }[] };
    expect(body.appointmentId).not.toBe(old?.appointmentId);
    const techs = old?.assignedTechnicians?.map((x) => x.technicianId).join(',');
    expect(body.warnings).toEqual([
      { code: 'RESOURCES_UNASSIGNED', message: `Unassigned resources : ${techs}` },
    ]);
    const after = jobWith(t.sandbox, (j) => j.serviceJobId === job.serviceJobId);
    expect(after.appointments.find((a) => a.appointmentId === old?.appointmentId)?.appointmentStatus).toBe(
      'CANCELLED',
    );
    const current = activeOf(after);
    expect(current?.appointmentId).toBe(body.appointmentId);
    expect(current?.assignedTechnicians).toBeUndefined();
    expect(after.appointments.filter((a) => a.appointmentStatus === 'ACTIVE')).toHaveLength(1);
    expect(
      t.sandbox.snapshot().appointments.find((a) => a.appointmentId === body.appointmentId)
        ?.rescheduledAppointmentId,
    ).toBe(old?.appointmentId);
  });

  it('reschedules without warnings when nobody was assigned, and may keep its own slot', async () => {
    const job = fresh((j) => j.serviceJobStatus === 'NOT_SERVICED' && !activeOf(j)?.assignedTechnicians);
    const old = activeOf(job);
    const res = await client.call('rescheduleAppointmentForServiceJobByServiceJobId', {
      params: { serviceJobId: job.serviceJobId, appointmentId: old?.appointmentId ?? '' },
      body: { appointmentTime: { startTime: old?.appointmentTime.startTime }, rescheduleReasonCode: 'R2' },
    });
    expect(res.status).toBe(200);
    expect((res.body as { warnings?: unknown }).warnings).toBeUndefined();
  });

  it('answers each documented error', async () => {
    const job = fresh((j) => j.serviceJobStatus === 'NOT_SERVICED');
    const appointmentId = activeOf(job)?.appointmentId as string;
    const id = job.serviceJobId;
    const [slot] = await freeSlots(id);
    const start = slot?.startTime as string;
    const completed = fresh((j) => j.serviceJobStatus === 'COMPLETED');
    const foreign = t.sandbox.snapshot().foreignJobIds[0] as string;
    const body = (startTime: string, code = 'R1'): unknown => ({
      appointmentTime: { startTime },
      rescheduleReasonCode: code,
    });
    const cases: [string, string, unknown, number, string][] = [
      ['null', appointmentId, body(start), 400, 'Missing or invalid request parameters: [serviceJobId]'],
      [id, 'null', body(start), 400, 'Missing or invalid request parameters: [appointmentId]'],
      [
        foreign,
        `${foreign}_00b9`,
        body(start),
        403,
        'Not authorized to access this resource. Please check your input again.',
      ],
      [
        id,
        appointmentId,
        body('2027-01-01T10:00:00.000+05:30'),
        422,
        'ISO8601 time 2027-01-01T10:00:00.000+05:30 is not in UTC.',
      ],
      [
        id,
        appointmentId,
        body('2027-01-01T10-00:00.000Z'),
        422,
        'Failed to parse ISO8601 input: 2027-01-01T10-00:00.000Z',
      ],
      [
        'invalidJobId-77',
        'invalidJobId-77_00b9',
        body(start),
        422,
        'No job exist with jobId : invalidJobId-77',
      ],
      [
        completed.serviceJobId,
        `${completed.serviceJobId}_x1`,
        body(start),
        422,
        `Operation not allowed on job with jobId : ${completed.serviceJobId} and jobState : COMPLETED`,
      ],
      [
        id,
        appointmentId,
        body(at(T0 - DAY)),
        422,
        `Failed to add appointment for jobId : ${id}, reason : Start time of appointment should be in the future.`,
      ],
      [
        id,
        appointmentId,
        body(at(T0 + 400 * DAY)),
        422,
        `Failed to add appointment for jobId : ${id}, reason : Start time for appointment is beyond the maximum allowed period of 365 days.`,
      ],
      [
        id,
        appointmentId,
        body(at(Date.parse(start) + 15 * 60_000)),
        422,
        `Failed to add appointment for jobId : ${id}, reason : Appointment slot is not available.`,
      ],
      [
        id,
        appointmentId,
        body(start, 'U1'),
        422,
        `Failed to add appointment for jobId : ${id}, reason : Appointment reschedule reason code is not valid.`,
      ],
    ];
    for (const [serviceJobId, appt, b, status, message] of cases) {
      const res = await client.call('rescheduleAppointmentForServiceJobByServiceJobId', {
        params: { serviceJobId, appointmentId: appt },
        body: b,
      });
      expect(res.status, message).toBe(status);
      expect(errorMessages(res.body), message).toEqual([message]);
    }
    expect(activeOf(jobWith(t.sandbox, (j) => j.serviceJobId === id))?.appointmentId).toBe(appointmentId);
  });
});
