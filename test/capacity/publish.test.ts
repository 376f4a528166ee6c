/**
 * Capacity publish against the sandbox: afterwards Amazon's AVAILABLE capacity of the store in
 * each slot is what the engine can really take; the calls are journaled under a `manual` plan;
 * publishing the same view again makes no call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishCapacity, type PublishResult } from '../../src/capacity/publish.ts';
import { capacityWorld, type CapacityWorld } from './support.ts';

describe('capacity publish', () => {
  let cw: CapacityWorld;
  let first: PublishResult;
  const query = (cw: CapacityWorld) => ({
    storeId: cw.storeId,
    from: cw.world.date,
    to: cw.world.date,
    skill: 'FURNITURE_ASSEMBLY',
    slotMinutes: 120,
  });

  beforeAll(async () => {
    cw = await capacityWorld();
    first = await publishCapacity({ ...cw.deps, db: cw.db, services: cw.services, actor: 'test' }, query(cw));
  }, 120_000);
  afterAll(async () => cw?.close());

  it('brings Amazon to the engine view, slot by slot', async () => {
    expect(first.outcome).toBe('succeeded');
    expect(first.writeBack?.failures).toEqual([]);
    expect(first.operations.createReservation).toBeGreaterThan(0);
    const after = await cw.deps.amazon.fixedSlots(
      cw.deps.marketplaceId,
      cw.storeId,
      Date.parse(first.slots[0]!.start),
      Date.parse(first.slots[first.slots.length - 1]!.end),
      120,
    );
    for (const s of first.slots) {
      const a = after.find((x) => x.start === Date.parse(s.start))!;
      expect(a.available).toBe(s.engineUnits);
    }
  });

  it('journals every call under a manual plan', async () => {
    const entries = await cw.db.journal.list(first.planId);
    expect(entries.length).toBe(first.writeBack!.calls);
    expect(entries.every((e) => e.state === 'succeeded')).toBe(true);
    const plan = await cw.db.plans.get(first.planId);
    expect(plan?.kind).toBe('manual');
    expect(plan?.status).toBe('succeeded');
  });

  it('a second publish of the same view makes no call', async () => {
    const before = cw.world.sandbox.requestLog.length;
    const again = await publishCapacity({ ...cw.deps, db: cw.db, services: cw.services }, query(cw));
    expect(again.outcome).toBe('nothing-to-do');
    const writes = cw.world.sandbox.requestLog
      .slice(before)
      .filter((e) =>
        ['createReservation', 'updateReservation', 'cancelReservation', 'updateSchedule'].includes(
          e.operation,
        ),
      );
    expect(writes).toEqual([]);
  });
});
