/**
 * Breaks Amazon already holds from elsewhere (a seller's standing lunch reservation, say) are
 * not reserved twice: a capacity read shows the RESERVED capacity of each technician, the
 * engine's own reservations (the ledger) are taken out, and a planned BREAK that the rest
 * already covers is dropped from the write-back.
 *
 * A planned BREAK that is exactly one the engine already holds needs no write and no read, so
 * only technicians with a new or moved break are read: at Amazon's rate for the capacity read,
 * a re-plan that keeps the breaks (see stabilise.ts) reads next to nothing.
 */
import type { LedgerReservation } from '../write/ledger.ts';
import type { Plan } from '../write/plan.ts';
import type { ServicesPort } from '../ports.ts';
import type { Interval } from '../setup/planning-setup.ts';

export type HeldSlots = Map<string, { start: number; end: number; capacity: number }[]>;

/**
 * The capacity read on its own, so a run can make it while it solves (it does not depend on
 * the plan): RESERVED capacity of each resource over the horizon.
 */
export async function readHeldSlots(
  services: ServicesPort,
  marketplaceId: string,
  resources: readonly string[],
  horizon: Interval,
): Promise<HeldSlots> {
  const held: HeldSlots = new Map();
  await Promise.all(
    resources.map(async (r) => held.set(r, await services.reservedSlots(marketplaceId, r, horizon))),
  );
  return held;
}

export async function dropBreaksHeldElsewhere(
  plan: Plan,
  services: ServicesPort,
  ours: readonly LedgerReservation[],
  /** Read earlier over the same horizon; resources it lacks are read now. */
  prefetched?: HeldSlots,
): Promise<Plan> {
  const resources = [
    ...new Set(
      plan.blocks
        .filter((b) => b.type === 'BREAK' && !heldByUs(ours, b.resourceId, b.start, b.end))
        .map((b) => b.resourceId),
    ),
  ];
  const held: HeldSlots = new Map();
  for (const r of resources) {
    const slots = prefetched?.get(r);
    if (slots !== undefined) held.set(r, slots);
  }
  const missing = resources.filter((r) => !held.has(r));
  for (const [r, slots] of await readHeldSlots(services, plan.marketplaceId, missing, plan.horizon))
    held.set(r, slots);
  const coveredElsewhere = (resourceId: string, start: number, end: number): boolean => {
    if (heldByUs(ours, resourceId, start, end)) return false;
    const slots = (held.get(resourceId) ?? []).filter((s) => s.start < end && s.end > start);
    if (slots.length === 0) return false;
    // Every part of the interval must be reserved by something that is not ours.
    let t = start;
    for (const s of [...slots].sort((a, b) => a.start - b.start)) {
      if (s.start > t) return false;
      const mine = ours.filter(
        (o) => o.resourceId === resourceId && o.start < Math.min(s.end, end) && o.end > Math.max(s.start, t),
      ).length;
      if (s.capacity - mine < 1) return false;
      t = Math.max(t, s.end);
      if (t >= end) return true;
    }
    return t >= end;
  };
  const blocks = plan.blocks.filter(
    (b) => !(b.type === 'BREAK' && coveredElsewhere(b.resourceId, b.start, b.end)),
  );
  return blocks.length === plan.blocks.length ? plan : { ...plan, blocks };
}

/** The engine already holds exactly this break. */
function heldByUs(
  ours: readonly LedgerReservation[],
  resourceId: string,
  start: number,
  end: number,
): boolean {
  return ours.some(
    (o) => o.type === 'BREAK' && o.resourceId === resourceId && o.start === start && o.end === end,
  );
}

/**
 * Technicians worth reading before the plan exists: those holding no break of ours in the
 * horizon (any break planned for them is new). The others are read after solving, and only
 * when a planned break of theirs is not one they already hold.
 */
export function prefetchable(
  technicians: readonly string[],
  ours: readonly LedgerReservation[],
  horizon: Interval,
): string[] {
  const holding = new Set(
    ours
      .filter((o) => o.type === 'BREAK' && o.start < horizon.end && o.end > horizon.start)
      .map((o) => o.resourceId),
  );
  return technicians.filter((t) => !holding.has(t));
}
