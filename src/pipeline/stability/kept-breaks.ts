/**
 * Breaks float inside their window, so two equally good plans may put lunch at 12:00 or 12:30.
 * When the break Amazon already holds still fits the new route (inside its window, clear of
 * visits and travel), the plan takes that one instead of moving a reservation for nothing.
 */
import type { LedgerReservation } from '../write/ledger.ts';
import { compareBlocks, type Plan } from '../write/plan.ts';
import type { Interval, PlanningSetup } from '../setup/planning-setup.ts';

export function keepHeldBreaks(plan: Plan, held: readonly LedgerReservation[], setup: PlanningSetup): Plan {
  if (setup.rules.resources !== 'per-technician') return plan;
  const blocks = [...plan.blocks];
  const routes = plan.routes.map((route) => {
    const technicianId = route.technicianIds[0]!;
    const shift = setup.technicians
      .find((t) => t.technicianId === technicianId)
      ?.shifts.find((s) => s.day === route.day);
    if (shift === undefined || route.technicianIds.length !== 1) return route;
    const busy: Interval[] = [
      ...route.stops.flatMap((s) => [
        { start: s.arrival - s.travel, end: s.arrival },
        { start: s.start, end: s.end },
      ]),
      ...(route.holds ?? []),
    ];
    const candidates = held.filter(
      (r) =>
        r.resourceId === technicianId && r.type === 'BREAK' && r.start >= shift.start && r.end <= shift.end,
    );
    const breaks = route.breaks.map((b, i) => {
      const rule = shift.breaks[i];
      if (rule === undefined) return b;
      if (candidates.some((c) => c.start === b.start && c.end === b.end)) return b;
      const fit = candidates.find(
        (c) =>
          c.end - c.start === b.end - b.start &&
          c.start >= rule.window.start &&
          c.start <= rule.window.end &&
          busy.every((x) => x.end <= c.start || x.start >= c.end),
      );
      if (fit === undefined) return b;
      const at = blocks.findIndex(
        (x) => x.type === 'BREAK' && x.resourceId === technicianId && x.start === b.start && x.end === b.end,
      );
      if (at >= 0) blocks[at] = { ...blocks[at]!, start: fit.start, end: fit.end };
      return { start: fit.start, end: fit.end };
    });
    return { ...route, breaks };
  });
  return { ...plan, routes, blocks: blocks.sort(compareBlocks) };
}
