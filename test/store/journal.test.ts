import { expect, it } from 'vitest';
import { describeEachDialect } from './dialects.ts';
import { record } from './fixtures.ts';

describeEachDialect('write-back journal', (harness) => {
  async function withPlan() {
    const fresh = await harness.fresh();
    await fresh.store.jobs.upsertMany([record('job-1'), record('job-2')]);
    const plan = await fresh.store.plans.create({
      kind: 'nightly',
      periodStart: '2026-11-24',
      periodEnd: '2026-11-24',
      storeIds: ['store-seattle'],
    });
    return { ...fresh, planId: plan.planId };
  }

  it('records intent, then the call, then its result', async () => {
    const { store, planId } = await withPlan();
    const { entry, created } = await store.journal.intend({
      planId,
      operation: 'addAppointmentForServiceJobByServiceJobId',
      idempotencyKey: `${planId}:add:job-1`,
      serviceJobId: 'job-1',
      personalRequestBody: { appointmentTime: { startTime: '2026-11-24T17:00:00Z', durationInMinutes: 60 } },
    });
    expect(created).toBe(true);
    expect(entry).toMatchObject({ state: 'intended', attempts: 0, sentAt: null, requestBody: null });
    expect(entry.personalRequestBody).toEqual({
      appointmentTime: { startTime: '2026-11-24T17:00:00Z', durationInMinutes: 60 },
    });
    const sent = await store.journal.markSent(entry.entryId);
    expect(sent).toMatchObject({ state: 'sent', attempts: 1 });
    expect(sent.sentAt).not.toBeNull();
    const done = await store.journal.markResult(entry.entryId, {
      state: 'succeeded',
      result: { appointmentId: 'appt-new-1', warningCodes: ['RESOURCES_UNASSIGNED'] },
    });
    expect(done).toMatchObject({ state: 'succeeded', result: { appointmentId: 'appt-new-1' } });
    expect(done.resolvedAt).not.toBeNull();
    expect(await store.journal.pending(planId)).toEqual([]);
  });

  it('is idempotent per key and refuses invalid transitions', async () => {
    const { store, planId } = await withPlan();
    const intent = {
      planId,
      operation: 'assignAppointmentResources',
      idempotencyKey: 'assign:appt-1:tech-7',
      serviceJobId: 'job-1',
      appointmentId: 'appt-1',
      requestBody: { resources: [{ resourceId: 'tech-7' }] },
    };
    const first = await store.journal.intend(intent);
    const again = await store.journal.intend({
      ...intent,
      requestBody: { resources: [{ resourceId: 'tech-9' }] },
    });
    expect(again.created).toBe(false);
    expect(again.entry.entryId).toBe(first.entry.entryId);
    expect(again.entry.requestBody).toEqual({ resources: [{ resourceId: 'tech-7' }] });
    expect((await store.journal.list(planId)).length).toBe(1);

    await expect(store.journal.markResult(first.entry.entryId, { state: 'succeeded' })).rejects.toMatchObject(
      {
        code: 'JOURNAL_TRANSITION_INVALID',
      },
    );
    await store.journal.markSent(first.entry.entryId);
    // A second worker cannot claim the same entry while it is in flight.
    await expect(store.journal.markSent(first.entry.entryId)).rejects.toMatchObject({
      code: 'JOURNAL_TRANSITION_INVALID',
    });
    await store.journal.markResult(first.entry.entryId, { state: 'failed', errorCode: 'QuotaExceeded' });
    // A failed call may be retried.
    expect((await store.journal.markSent(first.entry.entryId)).attempts).toBe(2);
    await expect(store.journal.markSent(999_999)).rejects.toMatchObject({ code: 'JOURNAL_ENTRY_NOT_FOUND' });
  });

  it('refuses personal data in a plain request body or result', async () => {
    const { store, planId } = await withPlan();
    await expect(
      store.journal.intend({
        planId,
        operation: 'addAppointmentForServiceJobByServiceJobId',
        idempotencyKey: 'bad',
        requestBody: { appointmentTime: { startTime: '2026-11-24T17:00:00Z' } },
      }),
    ).rejects.toMatchObject({ code: 'PERSONAL_DATA_REJECTED' });
    expect(await store.journal.list(planId)).toEqual([]);
  });

  it('resumes after a crash: sent-without-result becomes unknown, in intent order', async () => {
    const { store, planId, reopen } = await withPlan();
    const ops = ['add:job-1', 'assign:job-1', 'add:job-2', 'assign:job-2'];
    const results = await store.journal.intendMany(
      ops.map((key) => ({
        planId,
        operation: key.split(':')[0] ?? '',
        idempotencyKey: key,
        serviceJobId: key.split(':')[1],
      })),
    );
    const [a, b, c] = results.map((r) => r.entry.entryId);
    if (a === undefined || b === undefined || c === undefined) throw new Error('entries missing');
    await store.journal.markSent(a);
    await store.journal.markResult(a, { state: 'succeeded', result: { appointmentId: 'appt-1' } });
    await store.journal.markSent(b);
    await store.journal.markResult(b, { state: 'unknown', errorCode: 'ECONNRESET' });
    await store.journal.markSent(c); // the process dies here, before the answer is recorded
    await store.close();

    const resumed = await reopen();
    expect(await resumed.journal.plansWithPending()).toEqual([planId]);
    expect(await resumed.journal.markInDoubt(planId)).toBe(1);
    const pending = await resumed.journal.pending(planId);
    expect(pending.map((e) => [e.idempotencyKey, e.state])).toEqual([
      ['assign:job-1', 'unknown'],
      ['add:job-2', 'unknown'],
      ['assign:job-2', 'intended'],
    ]);
    expect(await resumed.journal.countsByState(planId)).toEqual({
      intended: 1,
      sent: 0,
      succeeded: 1,
      failed: 0,
      unknown: 2,
    });
    // Reconciled against Amazon: the call had gone through.
    await resumed.journal.markResult(c, { state: 'succeeded', result: { appointmentId: 'appt-2' } });
    expect((await resumed.journal.findByIdempotencyKey('add:job-2'))?.result).toEqual({
      appointmentId: 'appt-2',
    });
  });
});
