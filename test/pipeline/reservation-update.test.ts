/**
 * Amazon answers an updated reservation with a new reservationId (the old one is gone): the
 * write-back journals the new id, the ledger folds to it, and a later update or cancel of the
 * same hold names the reservation that exists. Against the local sandbox.
 */
import { describe, expect, it } from 'vitest';
import { foldLedger } from '../../src/pipeline/write/ledger.ts';
import type { WriteOperation } from '../../src/pipeline/write/operations.ts';
import { writeBack } from '../../src/pipeline/write/write-back.ts';
import { capacityWorld } from '../capacity/support.ts';

describe('updating a reservation', () => {
  it('follows the new reservationId through update, update and cancel', async () => {
    const cw = await capacityWorld({ plan: false, sandbox: { seed: 3, technicians: 2, jobs: 4 } });
    try {
      const marketplaceId = cw.world.sandbox.marketplaceId;
      const resourceId = cw.world.sandbox.seededCrews()[0]!.resourceId;
      const day = Date.parse(`${cw.world.date}T00:00:00Z`);
      const block = (h: number) => ({
        resourceId,
        type: 'TRAVEL' as const,
        start: day + h * 3_600_000,
        end: day + (h + 1) * 3_600_000,
      });
      const live = () =>
        cw.world.sandbox
          .snapshot()
          .reservations.filter((r) => r.resourceId === resourceId && r.origin === 'api')
          .map((r) => r.reservationId);
      const reservations = async () =>
        foldLedger(await cw.store.ledgerEvents([cw.storeId])).reservations.filter(
          (r) => r.resourceId === resourceId,
        );
      const run = async (ops: WriteOperation[]) => {
        const plan = await cw.db.plans.create({
          kind: 'manual',
          periodStart: cw.world.date,
          periodEnd: cw.world.date,
          storeIds: [cw.storeId],
        });
        const r = await writeBack(ops, {
          planId: plan.planId,
          marketplaceId,
          services: cw.services,
          journal: cw.store.journal,
        });
        expect(r.failures).toEqual([]);
        await cw.db.plans.finish(plan.planId, { status: 'succeeded' });
      };

      await run([{ op: 'createReservation', key: 'c', block: block(15) }]);
      let held = await reservations();
      expect(held.map((r) => r.reservationId)).toEqual(live());

      for (const [i, h] of [16, 17].entries()) {
        const previous = block(h - 1);
        const before = held[0]!.reservationId!;
        await run([
          { op: 'updateReservation', key: `u${i}`, reservationId: before, block: block(h), previous },
        ]);
        held = await reservations();
        expect(held).toHaveLength(1);
        expect(held[0]!.reservationId).not.toBe(before);
        expect(held[0]!.start).toBe(block(h).start);
        expect([held[0]!.reservationId]).toEqual(live());
      }

      await run([
        { op: 'cancelReservation', key: 'x', reservationId: held[0]!.reservationId!, previous: block(17) },
      ]);
      expect(await reservations()).toEqual([]);
      expect(live()).toEqual([]);
    } finally {
      await cw.close();
    }
  }, 120_000);
});
