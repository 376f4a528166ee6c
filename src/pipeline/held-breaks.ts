/**
 * Breaks Amazon already holds from elsewhere (a seller's standing lunch reservation, say) are
 * not reserved twice: a capacity read shows the RESERVED capacity of each technician, the
 * engine's own reservations (the ledger) are taken out, and a planned BREAK that the rest
 * already covers is dropped from the write-back.
 */
import type { LedgerReservation } from './ledger.ts';
import type { Plan } from './plan.ts';
import type { ServicesPort } from './ports.ts';

export async function dropBreaksHeldElsewhere(
  plan: Plan,
  services: ServicesPort,
  ours: readonly LedgerReservation[],
): Promise<Plan> {
  const resources = [...new Set(plan.blocks.filter((b) => b.type === 'BREAK').map((b) => b.resourceId))];
  const held = new Map<string, { start: number; end: number; capacity: number }[]>();
  await Promise.all(
    resources.map(async (r) =>
      held.set(r, await services.reservedSlots(plan.marketplaceId, r, plan.horizon)),
    ),
  );
  const coveredElsewhere = (resourceId: string, start: number, end: number): boolean => {
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
