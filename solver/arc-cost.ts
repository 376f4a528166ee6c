/**
 * The one pricing of travel and of a visit's work. Travel: what technician t pays for arc k (k = from × nLocs + to) is
 * distance × costPerDist[t] + duration × costPerDur[t]. When every technician prices arcs by
 * exactly one matrix (plain distance or plain duration, the usual case) that matrix is read
 * as it is: the same value, one read instead of two. Small enough that V8 inlines it into the
 * hot loops that call it (insertion, route refresh, the schedule, local search).
 */
import type { CompiledProblem } from './compiled.ts';

export function arcCost(cp: CompiledProblem, t: number, k: number): number {
  const ac = cp.arcCost;
  return ac !== null ? ac[k]! : cp.dist[k]! * cp.costPerDist[t]! + cp.dur[k]! * cp.costPerDur[t]!;
}

/** Work cost of visit j done by technician t, with what t pays for missing its preferred people. */
export function visitCost(cp: CompiledProblem, t: number, j: number): number {
  const k = t * cp.nJobs + j;
  return cp.service[k]! * cp.workCostPerSec[t]! + cp.affinity[k]!;
}
