/**
 * Cheapest insertion by the exact schedule, for the callers outside the search that place one
 * job into fixed routes (the warm start's jobs booked since the last plan, the slot offers'
 * probes). The search's own insertion (solver/routes.ts) prunes with cached timing; this one
 * schedules every position in full and allocates, which is right for a handful of calls.
 */
import type { CompiledProblem } from './compiled.ts';
import { emptyDetail, scheduleRoute, type ScheduleDetail } from './schedule.ts';
import { IMPROVEMENT } from './tolerance.ts';

export interface ExactInsertion {
  /** Position in the route (0 = before the first visit). */
  at: number;
  /** Route cost with the job minus the route cost without it. */
  cost: number;
  /** Schedules with and without the job (only when asked for). */
  with?: ScheduleDetail;
  without?: ScheduleDetail;
}

/**
 * The cheapest position of visit j in technician t's route `seq`, when it beats `bound` by more
 * than IMPROVEMENT (the first of equal positions wins, so a caller scanning routes in order
 * with the best cost so far as `bound` gets the first cheapest over all of them); undefined when
 * none does, the route is infeasible without j, or no position is feasible. Compatibility is
 * the caller's check.
 */
export function cheapestExactInsertion(
  cp: CompiledProblem,
  t: number,
  seq: readonly number[],
  j: number,
  bound = Infinity,
  details = false,
): ExactInsertion | undefined {
  const without = details ? emptyDetail() : undefined;
  const c0 = scheduleRoute(cp, t, seq, seq.length, without);
  if (c0 === Infinity) return undefined;
  let best: ExactInsertion | undefined;
  let limit = bound;
  for (let g = 0; g <= seq.length; g++) {
    const next = [...seq.slice(0, g), j, ...seq.slice(g)];
    const detail = details ? emptyDetail() : undefined;
    const c1 = scheduleRoute(cp, t, next, next.length, detail);
    if (c1 === Infinity) continue;
    if (limit === Infinity || c1 - c0 < limit - IMPROVEMENT) {
      best = { at: g, cost: c1 - c0, ...(details ? { with: detail!, without: without! } : {}) };
      limit = c1 - c0;
    }
  }
  return best;
}
