import { expect, it } from 'vitest';
import type { ServiceJob } from '../../src/spapi/generated/services.ts';
import { serviceJobRecordFromWire } from '../../src/store/service-job-record.ts';
import { describeEachDialect } from './dialects.ts';
import {
  BUYER_NAME,
  BUYER_PHONE,
  STREET,
  manualClock,
  record,
  scheduledRecord,
  wireJob,
} from './fixtures.ts';

describeEachDialect('service jobs', (harness) => {
  it('round-trips a pulled job, decrypting its personal data', async () => {
    const { store } = await harness.fresh();
    const job = scheduledRecord('job-1', '2026-11-24T17:00:00.000Z');
    expect(await store.jobs.upsertMany([job])).toEqual({ inserted: 1, updated: 0 });
    const stored = await store.jobs.get('job-1');
    expect(stored).toMatchObject(job);
    expect(stored?.personal?.buyerName).toBe(BUYER_NAME);
    expect(stored?.personal?.buyerPhone).toBe(BUYER_PHONE);
    expect(stored?.personal?.serviceAddress?.addressLine1).toBe(STREET);
    expect(stored?.appointments[0]?.time).toEqual({
      startTime: '2026-11-24T17:00:00.000Z',
      durationInMinutes: 90,
    });
    expect(stored?.appointments[0]?.technicianIds).toEqual(['tech-7']);
    expect(stored?.closedAt).toBeNull();
    expect(await store.jobs.get('job-missing')).toBeUndefined();
  });

  it('refreshes on a later pull and tracks status changes and closing', async () => {
    const clock = manualClock('2026-11-20T00:00:00Z');
    const { store } = await harness.fresh({ clock: clock.now });
    await store.jobs.upsertMany([record('job-1'), record('job-2')]);
    clock.advance(3_600_000);
    const counts = await store.jobs.upsertMany([
      record('job-1', { serviceJobStatus: 'COMPLETED' }),
      record('job-2'),
      record('job-3'),
    ]);
    expect(counts).toEqual({ inserted: 1, updated: 2 });
    const one = await store.jobs.get('job-1');
    expect(one?.status).toBe('COMPLETED');
    expect(one?.closedAt).toBe('2026-11-20T01:00:00.000Z');
    expect(one?.statusChangedAt).toBe('2026-11-20T01:00:00.000Z');
    expect(one?.firstPulledAt).toBe('2026-11-20T00:00:00.000Z');
    const two = await store.jobs.get('job-2');
    expect(two?.statusChangedAt).toBe('2026-11-20T00:00:00.000Z');
    expect(two?.lastPulledAt).toBe('2026-11-20T01:00:00.000Z');
    // A later pull of a closed job keeps the original close time (the retention clock).
    clock.advance(3_600_000);
    await store.jobs.upsertMany([record('job-1', { serviceJobStatus: 'COMPLETED' })]);
    expect((await store.jobs.get('job-1'))?.closedAt).toBe('2026-11-20T01:00:00.000Z');
  });

  it('lists plannable jobs of the given stores inside the horizon', async () => {
    const { store } = await harness.fresh();
    await store.jobs.upsertMany([
      record('pending-in', {
        preferredAppointmentTimes: [{ startTime: '2026-11-24T17:00:00Z', durationInMinutes: 60 }],
      }),
      record('pending-out', {
        preferredAppointmentTimes: [{ startTime: '2026-11-30T17:00:00Z', durationInMinutes: 60 }],
      }),
      record('pending-any', { preferredAppointmentTimes: [] }),
      scheduledRecord('booked-in', '2026-11-24T20:00:00Z'),
      scheduledRecord('booked-out', '2026-11-26T20:00:00Z'),
      scheduledRecord('done', '2026-11-24T20:00:00Z', 'COMPLETED'),
      record('other-store', { storeId: 'store-tacoma' }),
      record('held', { serviceJobStatus: 'HOLD' }),
    ]);
    const jobs = await store.jobs.listPlannable(['store-seattle'], {
      from: '2026-11-24T08:00:00Z',
      to: '2026-11-25T08:00:00Z',
    });
    expect(jobs.map((j) => j.serviceJobId).sort()).toEqual(['booked-in', 'pending-any', 'pending-in']);
    expect(
      await store.jobs.listPlannable([], { from: '2026-11-24T08:00:00Z', to: '2026-11-25T08:00:00Z' }),
    ).toEqual([]);
    await expect(store.jobs.listPlannable(['store-seattle'], { from: 'x', to: 'y' })).rejects.toThrow(
      RangeError,
    );
  });

  it('records a status the engine caused', async () => {
    const { store } = await harness.fresh();
    await store.jobs.upsertMany([record('job-1')]);
    await store.jobs.setStatus('job-1', 'CANCELLED');
    const job = await store.jobs.get('job-1');
    expect(job?.status).toBe('CANCELLED');
    expect(job?.closedAt).not.toBeNull();
    await expect(store.jobs.setStatus('nope', 'CANCELLED')).rejects.toMatchObject({ code: 'JOB_NOT_FOUND' });
    expect(await store.jobs.listStatuses(['store-seattle'])).toEqual([
      { serviceJobId: 'job-1', status: 'CANCELLED' },
    ]);
  });

  it('upserts a large pull in one go', async () => {
    const { store } = await harness.fresh();
    const jobs = Array.from({ length: 600 }, (_, i) => scheduledRecord(`bulk-${i}`, '2026-11-24T17:00:00Z'));
    expect(await store.jobs.upsertMany(jobs)).toEqual({ inserted: 600, updated: 0 });
    expect(await store.jobs.upsertMany(jobs)).toEqual({ inserted: 0, updated: 600 });
    const listed = await store.jobs.listPlannable(['store-seattle'], {
      from: '2026-11-24T00:00:00Z',
      to: '2026-11-25T00:00:00Z',
    });
    expect(listed).toHaveLength(600);
  });
});

it('maps a wire job, keeping payments and technician names out', () => {
  const mapped = serviceJobRecordFromWire(
    wireJob('job-x', {
      payments: [{ amount: { value: 99, currency: 'USD' }, instrument: 'VISA-1234' }],
      appointments: [
        { appointmentId: 'appt-x', assignedTechnicians: [{ technicianId: 't1', name: 'Jo Tech' }] },
      ],
    }),
  );
  expect(mapped.ok).toBe(true);
  if (!mapped.ok) return;
  const text = JSON.stringify(mapped.record);
  expect(text).not.toContain('VISA-1234');
  expect(text).not.toContain('Jo Tech');
  expect(mapped.record.scopeOfWork?.requiredSkills).toEqual(['TV_MOUNT']);
  expect(serviceJobRecordFromWire({ serviceJobStatus: 'HOLD' })).toMatchObject({
    ok: false,
    error: { code: 'JOB_ID_MISSING' },
  });
  expect(
    serviceJobRecordFromWire({ serviceJobId: 'j', serviceJobStatus: 'LOST' } as unknown as ServiceJob),
  ).toMatchObject({
    ok: false,
    error: { code: 'JOB_STATUS_INVALID' },
  });
});
