/**
 * End to end over HTTP against the local sandbox, as a storefront sells: the nightly plan is
 * applied (POST /v1/plans) and capacity published (POST /v1/capacity/publish) over the days on
 * sale; then 20 buyers book, each asking Amazon's getAppointmentSlots for their job and taking
 * the earliest slot with capacity (addAppointment), the engine publishing again after each
 * booking. The next nightly plan over those days serves every booking at the booked time.
 *
 * The seller's demand is spread thin over the weeks ahead (load below 1), so the two days on
 * sale still have room while most buyers' preferred times lie after them: those buyers shop
 * the days on sale, from anywhere in the store's area, as a storefront's buyers do. The clocks
 * of the sandbox and of the engine are pinned to the same instant, so the days (a Monday and a
 * Tuesday) and the outcome do not depend on the calendar.
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/pipeline/write/plan.ts';
import { runningClock } from '../../src/sandbox/index.ts';
import { ServicesApiError } from '../../src/spapi/index.ts';
import { startApiWorld, waitForPlan, type ApiWorld } from '../api/support/api-world.ts';
import { clientFor } from './support.ts';

const BOOKINGS = 20;

function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

async function plan(w: ApiWorld, body: Record<string, unknown>): Promise<Plan> {
  const started = await w.call('POST', '/v1/plans', { token: 'planner', body });
  expect(started.status).toBe(202);
  const planId = (started.body as { planId: string }).planId;
  const done = await waitForPlan(w, planId, 300_000);
  expect(done['status']).toBe('succeeded');
  return (await w.api.ctx.store.plans.get(planId))!.plan as Plan;
}

/** A Monday; the clocks read the Sunday before it, mid-day UTC. */
const MONDAY = '2031-01-13';
const NOW = Date.parse('2031-01-12T18:00:00Z');

describe('storefront bookings after publishing', () => {
  it('the next nightly plan serves every slot a storefront booked', async () => {
    const clock = runningClock(NOW);
    const w = await startApiWorld({
      sandbox: { seed: 7, technicians: 12, jobs: 160, load: 0.1, date: MONDAY, clock },
      api: { clock },
    });
    try {
      const from = w.world.date;
      const to = addDays(from, 1);
      const storeId = w.world.config.stores[0]!.storeId;
      await plan(w, { from, to, apply: true, seed: 1, solverSeconds: 3 });
      const publish = async (): Promise<void> => {
        const r = await w.call('POST', '/v1/capacity/publish', {
          token: 'planner',
          body: { storeId, from, to },
        });
        expect(r.status).toBe(200);
        expect(['succeeded', 'nothing-to-do']).toContain((r.body as { outcome: string }).outcome);
      };
      await publish();

      const client = clientFor(w.world);
      const marketplaceIds = [w.world.sandbox.marketplaceId];
      const onSale = {
        start: Date.parse(`${from}T00:00:00Z`),
        end: Date.parse(`${addDays(to, 1)}T00:00:00Z`),
      };
      // Every job still to be scheduled after the applied plan: its buyer shops on the storefront.
      const buyers = w.world.sandbox
        .snapshot()
        .jobs.filter((j) => j.serviceJobStatus === 'PENDING_SCHEDULE' && j.storeId === storeId)
        .map((j) => j.serviceJobId!)
        .sort();
      const booked = new Map<string, number>();
      for (const id of buyers) {
        if (booked.size === BOOKINGS) break;
        const slots = await client.getAppointmmentSlotsByJobId({
          serviceJobId: id,
          marketplaceIds,
          startTime: new Date(onSale.start).toISOString(),
          endTime: new Date(onSale.end).toISOString(),
        });
        const slot = (slots.payload?.appointmentSlots ?? [])
          .filter((s) => (s.capacity ?? 0) > 0 && s.startTime !== undefined && s.endTime !== undefined)
          .sort((a, b) => Date.parse(a.startTime!) - Date.parse(b.startTime!))[0];
        if (slot === undefined) continue;
        const start = Date.parse(slot.startTime!);
        const took = await client
          .addAppointmentForServiceJobByServiceJobId({
            serviceJobId: id,
            body: {
              appointmentTime: {
                startTime: slot.startTime!,
                durationInMinutes: Math.round((Date.parse(slot.endTime!) - start) / 60_000),
              },
            },
          })
          .then(
            () => true,
            (err: unknown) =>
              err instanceof ServicesApiError && err.status === 422 ? false : Promise.reject(err),
          );
        if (!took) continue;
        booked.set(id, start);
        await publish();
      }
      expect(booked.size).toBe(BOOKINGS);

      const next = await plan(w, { from, to, apply: false, seed: 2, solverSeconds: 3 });
      const starts = new Map(next.routes.flatMap((r) => r.stops.map((s) => [s.serviceJobId, s.start])));
      const notServed = [...booked].filter(([id, start]) => starts.get(id) !== start).map(([id]) => id);
      expect(notServed).toEqual([]);
    } finally {
      await w.close();
    }
  }, 300_000);
});
