import { expect, it } from 'vitest';
import { describeEachDialect } from './dialects.ts';
import { manualClock, record } from './fixtures.ts';

describeEachDialect('job preferences and job history', (harness) => {
  it('keeps, replaces and clears a job’s preferences, auditing who did it', async () => {
    const clock = manualClock('2026-11-23T10:00:00Z');
    const { store } = await harness.fresh({ clock: clock.now });
    expect(await store.preferences.get('J1')).toBeUndefined();
    const set = await store.preferences.set(
      'J1',
      {
        required: ['T2', 'T2'],
        preferred: [{ technician: 'T3', weightMinutes: 30 }],
        minSkillLevels: { HVAC_INSTALL: 2 },
      },
      'api:tok1',
    );
    expect(set.preferences).toEqual({
      required: ['T2'],
      preferred: [{ technician: 'T3', weightMinutes: 30 }],
      minSkillLevels: { HVAC_INSTALL: 2 },
    });
    expect(await store.preferences.get('J1')).toEqual({ ...set, updatedAt: '2026-11-23T10:00:00.000Z' });
    clock.advance(60_000);
    await store.preferences.set('J1', { excluded: ['T1'] }, 'api:tok2');
    expect((await store.preferences.get('J1'))?.preferences).toEqual({ excluded: ['T1'] });
    expect((await store.preferences.get('J1'))?.updatedBy).toBe('api:tok2');
    await store.preferences.set('J1', {}, 'api:tok3');
    expect(await store.preferences.get('J1')).toBeUndefined();

    const audit = await store.audit.list({});
    expect(audit.map((e) => [e.action, e.actor, e.subjectId])).toEqual([
      ['job.preferences_set', 'api:tok1', 'J1'],
      ['job.preferences_set', 'api:tok2', 'J1'],
      ['job.preferences_cleared', 'api:tok3', 'J1'],
    ]);
    expect(audit[0]!.details).toEqual({ required: 1, excluded: 0, preferred: 1, minSkillLevels: 1 });
  });

  it("confines each seller to its own jobs' preferences", async () => {
    const { store } = await harness.fresh();
    const a = await store.forSeller('alpha');
    const b = await store.forSeller('bravo');
    await b.preferences.set('J1', { required: ['T1'] }, 'api:b');
    expect(await a.preferences.get('J1')).toBeUndefined();
    expect((await a.preferences.listFor(['J1'])).size).toBe(0);
    await a.preferences.set('J1', { excluded: ['T9'] }, 'api:a');
    expect((await b.preferences.get('J1'))?.preferences).toEqual({ required: ['T1'] });
  });

  it('finds who served the latest completed job of the same product order', async () => {
    const clock = manualClock('2026-11-01T10:00:00Z');
    const { store } = await harness.fresh({ clock: clock.now });
    const done = (id: string, order: string, technician: string) =>
      record(id, {
        serviceJobStatus: 'COMPLETED',
        productOrderIds: [order],
        associatedItems: [],
        appointments: [
          {
            appointmentId: `appt-${id}`,
            appointmentStatus: 'COMPLETED',
            appointmentTime: { startTime: '2026-10-30T17:00:00Z', durationInMinutes: 60 },
            assignedTechnicians: [{ technicianId: technician }],
          },
        ],
      });
    await store.jobs.upsertMany([done('OLD', 'ORDER-1', 'T1')]);
    clock.set('2026-11-10T10:00:00Z');
    await store.jobs.upsertMany([done('NEW', 'ORDER-1', 'T2'), done('OTHER', 'ORDER-2', 'T3')]);
    // Still open: not history.
    await store.jobs.upsertMany([record('OPEN', { productOrderIds: ['ORDER-3'], associatedItems: [] })]);

    const found = await store.history.previousVisits(['ORDER-1', 'ORDER-2', 'ORDER-3', 'ORDER-4'], {
      since: '2026-10-01T00:00:00Z',
    });
    expect([...found].map(([o, v]) => [o, v.serviceJobId, v.technicianIds]).sort()).toEqual([
      ['ORDER-1', 'NEW', ['T2']],
      ['ORDER-2', 'OTHER', ['T3']],
    ]);
    // Jobs completed before the look-back, or the job being planned itself, do not count.
    const recent = await store.history.previousVisits(['ORDER-1'], {
      since: '2026-11-05T00:00:00Z',
      exceptJobIds: ['NEW'],
    });
    expect(recent.size).toBe(0);
    const other = await store.forSeller('bravo');
    expect((await other.history.previousVisits(['ORDER-1'], { since: '2026-10-01T00:00:00Z' })).size).toBe(0);
  });
});
