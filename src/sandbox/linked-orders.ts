/**
 * Orders with two services, for linked visits: each seeded pair shares a product order id, the
 * buyer and the address; the first service is wanted in the morning of the first planned day,
 * the second in its afternoon (assemble the stand, then mount the TV on it). Drawn from their
 * own random stream after every other job, so the rest of the seeded world stays as it was.
 */
import { DateTime } from 'luxon';
import { SERVICE_CATALOG, type ServiceOffer } from './catalog.ts';
import { createRandom, deriveSeed } from './random.ts';
import type { JobRecord, SandboxWorld } from './state.ts';

/** Two services of one order whose skills the store's crews have, the second a different service. */
function offersFor(world: SandboxWorld, storeId: string): [ServiceOffer, ServiceOffer] | undefined {
  const crews = world.crews.filter((c) => c.storeId === storeId);
  const doable = SERVICE_CATALOG.filter((o) =>
    crews.some((c) => o.requiredSkills.every((s) => c.skills.includes(s))),
  );
  const first = doable[0];
  const then = doable.find((o) => o.requiredSkills.join() !== first?.requiredSkills.join()) ?? doable[1];
  return first !== undefined && then !== undefined ? [first, then] : undefined;
}

/** Adds `count` such orders to a seeded world (seed and first planned day as the world's). */
export function seedLinkedOrders(world: SandboxWorld, seed: number, startDate: string, count: number): void {
  const rng = createRandom(deriveSeed(seed, 'linked-orders'));
  const templates = [...world.jobs.values()].filter((j) => j.sellerId === world.sellerId);
  for (let k = 0; k < count && templates.length > 0; k++) {
    const base = templates[k % templates.length]!;
    const offers = offersFor(world, base.storeId);
    if (offers === undefined) continue;
    const zone = world.stores.find((s) => s.storeId === base.storeId)?.timeZone ?? 'UTC';
    const day = DateTime.fromISO(startDate, { zone }).startOf('day');
    const wanted = [
      { startMs: day.set({ hour: 8 }).toMillis(), durationMinutes: 240 },
      { startMs: day.set({ hour: 12 }).toMillis(), durationMinutes: 360 },
    ];
    // A new order at the template's address: its own order id, on the job and on its item.
    const orderId = `${rng.digits(3)}-${rng.digits(7)}-${rng.digits(7)}`;
    offers.forEach((offer, i) => {
      let serviceJobId = '';
      do serviceJobId = `${rng.int(1, 9)}${rng.digits(13)}`;
      while (world.jobs.has(serviceJobId));
      const job: JobRecord = {
        ...structuredClone(base),
        serviceJobId,
        status: 'PENDING_SCHEDULE',
        lastUpdatedMs: base.createdMs,
        scope: {
          asin: offer.asin,
          title: offer.title,
          quantity: 1,
          requiredSkills: [...offer.requiredSkills],
        },
        durationMinutes: offer.durationMinutes,
        productOrderIds: [orderId],
        associatedItems: base.associatedItems.map((item) => ({ ...item, orderId })),
        preferredTimes: [wanted[i]!],
        appointments: [],
        fulfillment: [],
      };
      world.jobs.set(serviceJobId, job);
    });
  }
}
