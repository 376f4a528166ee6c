/**
 * Capacity publish against the sandbox, all kinds of work at once: afterwards Amazon's slot
 * capacity for every ASIN and start is what the shared model predicts and never more than the
 * routes can absorb; the holds are journaled under a `manual` plan; publishing again makes no
 * call; earlier store-level holds are taken back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishCapacity, type PublishResult } from '../../src/capacity/publish.ts';
import { writeCalls } from '../pipeline/support/world.ts';
import { capacityWorld, type CapacityWorld } from './support.ts';
import { readBack } from './read-back.ts';

describe('capacity publish', () => {
  let cw: CapacityWorld;
  let first: PublishResult;
  const query = (cw: CapacityWorld) => ({ storeId: cw.storeId, from: cw.world.date, to: cw.world.date });
  const publish = (cw: CapacityWorld) =>
    publishCapacity({ ...cw.deps, db: cw.db, services: cw.services, actor: 'test' }, query(cw));

  beforeAll(async () => {
    cw = await capacityWorld();
    first = await publish(cw);
  }, 120_000);
  afterAll(async () => cw?.close());

  it('holds technician hours so that no ASIN over-offers, and Amazon shows what was predicted', async () => {
    expect(first.outcome).toBe('succeeded');
    expect(first.writeBack?.failures).toEqual([]);
    expect(first.totals.overOfferedWithoutHolds).toBeGreaterThan(0);
    expect(first.operations.createReservation).toBe(first.holds.length);
    const back = await readBack(cw, first);
    expect(back.compared).toBeGreaterThan(0);
    expect(back.overOffers).toEqual([]);
    expect(back.mispredicted).toEqual([]);
  });

  it('journals every call under a manual plan', async () => {
    const entries = await cw.db.journal.list(first.planId);
    expect(entries.length).toBe(first.writeBack!.calls);
    expect(entries.every((e) => e.state === 'succeeded')).toBe(true);
    const plan = await cw.db.plans.get(first.planId);
    expect(plan?.kind).toBe('manual');
    expect(plan?.status).toBe('succeeded');
  });

  it('a second publish of the same view makes no call and holds the same hours', async () => {
    const before = cw.world.sandbox.requestLog.length;
    const again = await publish(cw);
    expect(again.outcome).toBe('nothing-to-do');
    expect(writeCalls(cw.world.sandbox, before)).toBe(0);
    expect(again.holds).toEqual(first.holds);
    expect(again.offers).toEqual(first.offers);
  });

  it('lists every under-offered window with reasons that add up to the shortfall', () => {
    const short = first.offers.filter((o) => o.offered < o.engine);
    expect(first.underOffered.length).toBe(short.length);
    for (const u of first.underOffered) {
      expect(u.reasons.reduce((n, r) => n + r.count, 0)).toBe(u.shortBy);
      expect(u.shortBy).toBe(u.engine - u.offered);
    }
  });
});
