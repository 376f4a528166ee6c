/**
 * How many identical extra jobs one route can absorb while every visit it already has stays in
 * order and every hard rule holds (shift, windows, breaks, travel, working-time limit): an
 * exhaustive search over where the extra jobs go, each candidate checked with the solver's
 * exact route schedule. Plain numbers, no I/O.
 *
 * The extra jobs are identical, so a placement is a count per gap (before visit 0, …, after
 * the last visit). Removing one extra job from a feasible route keeps it feasible (travel obeys
 * the triangle inequality, service may start later only by waiting, breaks still fit), so the
 * feasible placements are closed under removal and the search grows them one job at a time
 * from feasible placements only, visiting each multiset of gaps once (gaps in non-decreasing
 * order). The result is the exact maximum, not a greedy estimate.
 */
import type { CompiledProblem } from '../../solver/index.ts';
import { scheduleRoute } from '../../solver/schedule.ts';

export interface RouteInsertion {
  /** Most extra jobs this route can take. */
  count: number;
  /** A placement reaching it: for each extra job, the gap it goes in (0 = before the first visit), non-decreasing. */
  gaps: number[];
}

/** The route sequence with extra jobs `probes[0..]` placed in `gaps` (non-decreasing). */
export function withProbes(
  base: readonly number[],
  probes: readonly number[],
  gaps: readonly number[],
): number[] {
  const seq: number[] = [];
  let k = 0;
  for (let g = 0; g <= base.length; g++) {
    while (k < gaps.length && gaps[k] === g) seq.push(probes[k++]!);
    if (g < base.length) seq.push(base[g]!);
  }
  return seq;
}

export function routeFeasible(cp: CompiledProblem, t: number, seq: readonly number[]): boolean {
  for (const j of seq) if (cp.compat[t * cp.nJobs + j] === 0) return false;
  return scheduleRoute(cp, t, seq, seq.length) < Infinity;
}

/**
 * `probes`: indices of identical extra jobs (as many as could possibly fit; the count never
 * exceeds their number). Returns 0 when the route cannot take one, or when the route as it
 * stands is already infeasible (a stale plan): nothing can be promised on it.
 */
export function maxInsertions(
  cp: CompiledProblem,
  t: number,
  base: readonly number[],
  probes: readonly number[],
): RouteInsertion {
  if (probes.length === 0 || cp.compat[t * cp.nJobs + probes[0]!] === 0) return { count: 0, gaps: [] };
  if (!routeFeasible(cp, t, base)) return { count: 0, gaps: [] };
  // Gaps where one extra job fits alone; by closure under removal no other gap can take any.
  const candidates: number[] = [];
  for (let g = 0; g <= base.length; g++) {
    if (routeFeasible(cp, t, withProbes(base, probes, [g]))) candidates.push(g);
  }
  let best: number[] = [];
  const gaps: number[] = [];
  const grow = (from: number): void => {
    if (gaps.length > best.length) best = gaps.slice();
    if (gaps.length === probes.length) return;
    for (let c = from; c < candidates.length; c++) {
      gaps.push(candidates[c]!);
      if (routeFeasible(cp, t, withProbes(base, probes, gaps))) grow(c);
      gaps.pop();
      if (best.length === probes.length) return;
    }
  };
  grow(0);
  return { count: best.length, gaps: best };
}
