import { expect, it } from 'vitest';
import { describeEachDialect } from './dialects.ts';
import { BUYER_NAME, PLAINTEXT_MARKERS, manualClock, record, scheduledRecord } from './fixtures.ts';

const DAY = 86_400_000;

describeEachDialect('personal data retention', (harness) => {
  it('deletes personal data 30 days after completion or cancellation and keeps the history', async () => {
    const clock = manualClock('2026-11-01T12:00:00Z');
    const { store, rawText } = await harness.fresh({ clock: clock.now });
    await store.jobs.upsertMany([
      scheduledRecord('done', '2026-11-01T17:00:00Z'),
      record('cancelled'),
      scheduledRecord('open', '2026-11-30T17:00:00Z'),
    ]);
    const plan = await store.plans.create({
      kind: 'nightly',
      periodStart: '2026-11-01',
      periodEnd: '2026-11-01',
      storeIds: ['store-seattle'],
    });
    const { entry } = await store.journal.intend({
      planId: plan.planId,
      operation: 'addAppointmentForServiceJobByServiceJobId',
      idempotencyKey: 'add-cancelled',
      serviceJobId: 'cancelled',
      personalRequestBody: { appointmentTime: { startTime: '2026-11-02T17:00:00Z', durationInMinutes: 60 } },
    });
    await store.journal.markSent(entry.entryId);
    await store.journal.markResult(entry.entryId, {
      state: 'succeeded',
      result: { appointmentId: 'appt-new-1' },
    });
    await store.plans.finish(plan.planId, {
      status: 'succeeded',
      plan: { routes: [{ technicianId: 'tech-7', jobs: ['done'] }] },
    });

    clock.set('2026-11-02T12:00:00Z');
    await store.jobs.upsertMany([
      scheduledRecord('done', '2026-11-01T17:00:00Z', 'COMPLETED'),
      record('cancelled', { serviceJobStatus: 'CANCELLED' }),
    ]);

    // Day 29 after closing: nothing is due yet.
    expect(
      await store.purgeExpiredPersonalData(new Date(Date.parse('2026-11-02T12:00:00Z') + 29 * DAY)),
    ).toMatchObject({
      jobs: 0,
      appointments: 0,
      journalEntries: 0,
    });
    expect((await store.jobs.get('done'))?.personal?.buyerName).toBe(BUYER_NAME);

    // Day 31: both closed jobs lose their personal data.
    const at31 = new Date(Date.parse('2026-11-02T12:00:00Z') + 31 * DAY);
    const counts = await store.purgeExpiredPersonalData(at31);
    expect(counts).toMatchObject({ jobs: 2, appointments: 1, journalEntries: 1 });

    const done = await store.jobs.get('done');
    expect(done?.personal).toBeNull();
    expect(done?.status).toBe('COMPLETED');
    expect(done?.scopeOfWork?.requiredSkills).toEqual(['TV_MOUNT']);
    expect(done?.appointments.map((a) => [a.appointmentId, a.status, a.time])).toEqual([
      ['appt-done', 'ACTIVE', null],
    ]);
    expect(done?.personalDataPurgedAt).toBe(at31.toISOString());

    const journal = await store.journal.list(plan.planId);
    expect(journal).toHaveLength(1);
    expect(journal[0]).toMatchObject({
      state: 'succeeded',
      personalRequestBody: null,
      result: { appointmentId: 'appt-new-1' },
    });
    expect((await store.plans.get(plan.planId))?.plan).toEqual({
      routes: [{ technicianId: 'tech-7', jobs: ['done'] }],
    });

    // The open job keeps its data.
    expect((await store.jobs.get('open'))?.personal?.buyerName).toBe(BUYER_NAME);

    // A later pull of a purged job does not bring its personal data back.
    await store.jobs.upsertMany([scheduledRecord('done', '2026-11-01T17:00:00Z', 'COMPLETED')]);
    expect((await store.jobs.get('done'))?.personal).toBeNull();
    expect((await store.jobs.get('done'))?.appointments[0]?.time).toBeNull();

    // A second run has nothing left to do, and each run is audited with counts only.
    expect(await store.purgeExpiredPersonalData(at31)).toMatchObject({ jobs: 0 });
    const audits = await store.audit.list({ action: 'personal_data.purged' });
    expect(audits.map((a) => (a.details as { jobs: number }).jobs)).toEqual([0, 2, 0]);

    // Only the open job's (encrypted) personal data remains: close it out too and check the raw store.
    clock.set('2026-12-01T00:00:00Z');
    await store.jobs.setStatus('open', 'COMPLETED');
    await store.purgeExpiredPersonalData(new Date('2027-01-05T00:00:00Z'));
    await store.close();
    const raw = await rawText();
    for (const marker of PLAINTEXT_MARKERS) expect(raw).not.toContain(marker);
  });

  it('uses the configured retention period', async () => {
    const clock = manualClock('2026-11-01T00:00:00Z');
    const { store } = await harness.fresh({ clock: clock.now, retentionDays: 7 });
    await store.jobs.upsertMany([record('job', { serviceJobStatus: 'CANCELLED' })]);
    expect((await store.purgeExpiredPersonalData(new Date('2026-11-07T23:00:00Z'))).jobs).toBe(0);
    expect((await store.purgeExpiredPersonalData(new Date('2026-11-08T00:00:00Z'))).jobs).toBe(1);
  });
});
