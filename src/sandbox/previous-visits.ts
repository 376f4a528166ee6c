/**
 * Jobs with history, for the previous visit's technician: a pending job whose product order
 * had an earlier job of the same store (the delivery or installation before it), completed days
 * ago by a technician of the store who could also do the pending job. The earlier job is an
 * ordinary completed job of the seller: the same buyer, address and product order id (on the
 * job and on its item), its own service job and service order ids, one COMPLETED appointment
 * with that technician assigned, and the fulfilment times they recorded. Only jobs that at
 * least two technicians of their store can do get one, so someone else can serve them when
 * that technician is away. Drawn from their own random stream after every other job, so the
 * rest of the seeded world stays as it was.
 */
import { DateTime } from 'luxon';
import { SERVICE_CATALOG } from './catalog.ts';
import { createRandom, deriveSeed, type Random } from './random.ts';
import type { JobRecord, SandboxWorld, SeededCrew } from './state.ts';
import { DAY_MS, MINUTE_MS } from './time.ts';

/** Pending jobs without an appointment, alone on their order, that two technicians of the store can do. */
function candidates(world: SandboxWorld): { job: JobRecord; qualified: SeededCrew[] }[] {
  const mine = [...world.jobs.values()].filter((j) => j.sellerId === world.sellerId);
  const orders = new Map<string, number>();
  for (const j of mine) for (const o of j.productOrderIds) orders.set(o, (orders.get(o) ?? 0) + 1);
  const out: { job: JobRecord; qualified: SeededCrew[] }[] = [];
  for (const job of mine) {
    if (job.status !== 'PENDING_SCHEDULE' || job.appointments.length > 0) continue;
    if (job.productOrderIds.some((o) => orders.get(o) !== 1)) continue;
    const qualified = world.crews.filter(
      (c) => c.storeId === job.storeId && job.scope.requiredSkills.every((s) => c.skills.includes(s)),
    );
    if (qualified.length >= 2) out.push({ job, qualified });
  }
  return out;
}

/** A weekday 3–20 days before `nowMs`, in the technician's zone, at an hour of their shift. */
function visitStart(rng: Random, crew: SeededCrew, nowMs: number): number {
  let day = DateTime.fromMillis(nowMs, { zone: crew.timeZone })
    .startOf('day')
    .minus({ days: rng.int(3, 20) });
  while (day.weekday > 5) day = day.minus({ days: 1 });
  const shiftStart = Number((crew.weeklyShifts[0]?.start ?? '08:00').split(':')[0]);
  return day.set({ hour: Math.ceil(shiftStart) + rng.int(0, 2) }).toMillis();
}

/** The earlier, completed job of `job`'s order, served by `crew`. */
function earlierJob(world: SandboxWorld, rng: Random, job: JobRecord, crew: SeededCrew, nowMs: number) {
  const offers = SERVICE_CATALOG.filter((o) => o.requiredSkills.every((s) => crew.skills.includes(s)));
  const offer = rng.pick(offers);
  let serviceJobId = '';
  do serviceJobId = `${rng.int(1, 9)}${rng.digits(13)}`;
  while (world.jobs.has(serviceJobId));
  const startMs = visitStart(rng, crew, nowMs);
  const endMs = startMs + offer.durationMinutes * MINUTE_MS;
  const appointmentId = `${serviceJobId}_${rng.uuid()}`;
  world.sequence++;
  const earlier: JobRecord = {
    ...structuredClone(job),
    serviceJobId,
    status: 'COMPLETED',
    createdMs: startMs - rng.int(1, 7) * DAY_MS,
    lastUpdatedMs: endMs,
    serviceOrderId: `${rng.int(111, 114)}-${rng.digits(7)}-${rng.digits(7)}`,
    scope: { asin: offer.asin, title: offer.title, quantity: 1, requiredSkills: [...offer.requiredSkills] },
    durationMinutes: offer.durationMinutes,
    preferredTimes: [{ startMs, durationMinutes: Math.max(120, offer.durationMinutes) }],
    associatedItems: job.associatedItems.map((item) => ({ ...item, itemStatus: 'DELIVERED' as const })),
    payments: [
      { value: Math.round(offer.durationMinutes * 0.9) + 0.99, currency: 'USD', instrument: 'CREDIT_CARD' },
    ],
    appointments: [
      {
        appointmentId,
        status: 'COMPLETED',
        startMs,
        durationMinutes: offer.durationMinutes,
        technicianIds: [crew.resourceId],
      },
    ],
    fulfillment: [
      {
        appointmentId,
        recordedMs: endMs,
        fulfillment: { startMs, endMs },
        resourceIds: [crew.resourceId],
        uploadDestinationIds: [],
      },
    ],
  };
  return earlier;
}

/** Gives `count` pending jobs of a seeded world an earlier completed job of their order. */
export function seedPreviousVisits(world: SandboxWorld, seed: number, nowMs: number, count: number): void {
  if (count <= 0) return;
  const rng = createRandom(deriveSeed(seed, 'previous-visits'));
  const chosen = rng.shuffle(candidates(world)).slice(0, count);
  for (const { job, qualified } of chosen) {
    const crew = rng.pick(qualified);
    const earlier = earlierJob(world, rng, job, crew, nowMs);
    world.jobs.set(earlier.serviceJobId, earlier);
  }
}
