import fc from 'fast-check';
import { expect, it } from 'vitest';
import { describeEachDialect } from './dialects.ts';
import { manualClock } from './fixtures.ts';

describeEachDialect('plans, watermarks and audit', (harness) => {
  it('makes again, under the same given id, the row of an attempt that stopped before its plan was saved', async () => {
    const clock = manualClock('2026-11-23T02:00:00Z');
    const { store } = await harness.fresh({ clock: clock.now });
    const input = {
      planId: 'partition-plan-1',
      kind: 'nightly' as const,
      periodStart: '2026-11-24',
      periodEnd: '2026-11-24',
      storeIds: ['store-seattle'],
    };
    await store.plans.create(input);
    await store.plans.finish(input.planId, { status: 'failed', failure: { code: 'STOPPED_BEFORE_PLAN' } });
    clock.advance(60_000);
    const again = await store.plans.create({ ...input, storeIds: ['store-seattle', 'store-tacoma'] });
    expect(again).toMatchObject({
      planId: 'partition-plan-1',
      status: 'running',
      failure: null,
      plan: null,
      createdAt: '2026-11-23T02:01:00.000Z',
      storeIds: ['store-seattle', 'store-tacoma'],
    });
    await store.plans.saveContent(input.planId, { plan: { routes: [] }, solverStats: null });
    await expect(store.plans.create(input)).rejects.toMatchObject({ code: 'PLAN_EXISTS' });
    expect((await store.plans.get(input.planId))?.plan).toEqual({ routes: [] });
  });

  it('a given plan id is made (again) exactly when no plan is saved under it, over any sequence of steps', async () => {
    const clock = manualClock('2026-11-23T02:00:00Z');
    const { store } = await harness.fresh({ clock: clock.now });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('create', 'save', 'finish'), { maxLength: 8 }),
        async (steps) => {
          const planId = `given-plan-${n++}`;
          const input = {
            planId,
            kind: 'nightly' as const,
            periodStart: '2026-11-24',
            periodEnd: '2026-11-24',
            storeIds: ['store-seattle'],
          };
          let row: { saved: boolean; finished: boolean } | undefined;
          for (const step of steps) {
            clock.advance(1_000);
            if (step === 'create') {
              if (row?.saved === true) {
                await expect(store.plans.create(input)).rejects.toMatchObject({ code: 'PLAN_EXISTS' });
              } else {
                expect(await store.plans.create(input)).toMatchObject({
                  planId,
                  status: 'running',
                  plan: null,
                });
                row = { saved: false, finished: false };
              }
            } else if (row !== undefined && !row.finished) {
              if (step === 'save') {
                await store.plans.saveContent(planId, { plan: { routes: [] }, solverStats: null });
                row.saved = true;
              } else {
                await store.plans.finish(planId, {
                  status: 'failed',
                  failure: { code: 'STOPPED_BEFORE_PLAN' },
                });
                row.finished = true;
              }
            }
            const stored = await store.plans.get(planId);
            expect(stored === undefined ? undefined : stored.plan !== null).toBe(row?.saved);
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('creates, saves, finishes and lists plans', async () => {
    const clock = manualClock('2026-11-23T02:00:00Z');
    const { store } = await harness.fresh({ clock: clock.now });
    const a = await store.plans.create({
      kind: 'nightly',
      periodStart: '2026-11-24',
      periodEnd: '2026-11-25',
      storeIds: ['store-seattle', 'store-tacoma'],
    });
    expect(a).toMatchObject({
      status: 'running',
      finishedAt: null,
      plan: null,
      storeIds: ['store-seattle', 'store-tacoma'],
    });
    clock.advance(60_000);
    const b = await store.plans.create({
      kind: 'optimize_today',
      periodStart: '2026-11-23',
      periodEnd: '2026-11-23',
      storeIds: ['store-tacoma'],
    });
    const content = {
      routes: [
        { technicianId: 'tech-7', visits: [{ serviceJobId: 'job-1', start: '2026-11-24T17:00:00Z' }] },
      ],
    };
    await store.plans.saveContent(a.planId, {
      plan: content,
      solverStats: { iterations: 1200, seconds: 4.2 },
    });
    clock.advance(60_000);
    const finished = await store.plans.finish(a.planId, {
      status: 'succeeded',
      kpis: { onTimeShare: 0.97, jobs: 1 },
    });
    expect(finished).toMatchObject({
      status: 'succeeded',
      finishedAt: '2026-11-23T02:02:00.000Z',
      plan: content,
      solverStats: { iterations: 1200, seconds: 4.2 },
      kpis: { onTimeShare: 0.97, jobs: 1 },
      failure: null,
    });
    await expect(store.plans.finish(a.planId, { status: 'failed' })).rejects.toMatchObject({
      code: 'PLAN_ALREADY_FINISHED',
    });
    await expect(store.plans.finish('nope', { status: 'failed' })).rejects.toMatchObject({
      code: 'PLAN_NOT_FOUND',
    });
    await store.plans.finish(b.planId, {
      status: 'failed',
      failure: { code: 'SOLVER_TIMEOUT', message: 'no feasible plan in 5 s' },
    });

    expect((await store.plans.list()).map((p) => p.planId)).toEqual([b.planId, a.planId]);
    expect((await store.plans.list({ storeId: 'store-seattle' })).map((p) => p.planId)).toEqual([a.planId]);
    expect((await store.plans.list({ status: 'failed' }))[0]?.failure).toEqual({
      code: 'SOLVER_TIMEOUT',
      message: 'no feasible plan in 5 s',
    });
    expect(await store.plans.list({ limit: 1 })).toHaveLength(1);
    expect(await store.plans.get('nope')).toBeUndefined();
    await expect(
      store.plans.create({
        kind: 'nightly',
        periodStart: '2026-11-25',
        periodEnd: '2026-11-24',
        storeIds: [],
      }),
    ).rejects.toThrow(RangeError);
  });

  it('refuses personal data in a plan', async () => {
    const { store } = await harness.fresh();
    const plan = await store.plans.create({
      kind: 'nightly',
      periodStart: '2026-11-24',
      periodEnd: '2026-11-24',
      storeIds: ['s'],
    });
    await expect(
      store.plans.saveContent(plan.planId, {
        plan: { visits: [{ serviceJobId: 'j', serviceAddress: { addressLine1: 'x' } }] },
      }),
    ).rejects.toMatchObject({
      code: 'PERSONAL_DATA_REJECTED',
      message: expect.stringContaining('$.visits[0].serviceAddress'),
    });
    expect((await store.plans.get(plan.planId))?.plan).toBeNull();
  });

  it('keeps sync watermarks per store and marketplace, forward only on advance', async () => {
    const { store } = await harness.fresh();
    expect(await store.watermarks.get('store-seattle', 'ATVPDKIKX0DER')).toBeUndefined();
    await store.watermarks.set('store-seattle', 'ATVPDKIKX0DER', '2026-11-23T01:00:00Z');
    expect(await store.watermarks.get('store-seattle', 'ATVPDKIKX0DER')).toBe('2026-11-23T01:00:00.000Z');
    expect(await store.watermarks.advance('store-seattle', 'ATVPDKIKX0DER', '2026-11-22T00:00:00Z')).toBe(
      '2026-11-23T01:00:00.000Z',
    );
    expect(await store.watermarks.advance('store-seattle', 'ATVPDKIKX0DER', '2026-11-23T02:00:00Z')).toBe(
      '2026-11-23T02:00:00.000Z',
    );
    expect(await store.watermarks.get('store-tacoma', 'ATVPDKIKX0DER')).toBeUndefined();
    await store.watermarks.set('store-seattle', 'ATVPDKIKX0DER', '2026-01-01T00:00:00Z');
    expect(await store.watermarks.get('store-seattle', 'ATVPDKIKX0DER')).toBe('2026-01-01T00:00:00.000Z');
  });

  it('records audit events with ids only', async () => {
    const clock = manualClock('2026-11-23T02:00:00Z');
    const { store } = await harness.fresh({ clock: clock.now });
    await store.audit.record({
      actor: 'scheduler',
      action: 'plan.created',
      subjectType: 'plan',
      subjectId: 'p1',
      planId: 'p1',
    });
    clock.advance(1000);
    await store.audit.record({
      actor: 'api:token-3',
      action: 'job.completed',
      subjectType: 'service_job',
      subjectId: 'job-1',
      details: { appointments: 1 },
    });
    await expect(
      store.audit.record({ actor: 'cli', action: 'job.viewed', details: { buyer: { name: 'x' } } }),
    ).rejects.toMatchObject({ code: 'PERSONAL_DATA_REJECTED' });
    const all = await store.audit.list();
    expect(all.map((e) => [e.actor, e.action, e.subjectId])).toEqual([
      ['scheduler', 'plan.created', 'p1'],
      ['api:token-3', 'job.completed', 'job-1'],
    ]);
    expect(all[1]).toMatchObject({
      at: '2026-11-23T02:00:01.000Z',
      details: { appointments: 1 },
      planId: null,
    });
    expect(await store.audit.list({ since: '2026-11-23T02:00:00.500Z' })).toHaveLength(1);
    expect(await store.audit.list({ planId: 'p1' })).toHaveLength(1);
  });
});
