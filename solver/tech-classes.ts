/**
 * When two technicians are the same for the search: the one key, at two depths.
 *
 * - `tail`: a route tail (the visits after some position) times and prices alike on both, so
 *   2-opt* between them may trust the cached latest starts: same end place, latest end, speed,
 *   arc and work pricing, and the same service duration and affinity cost for every job.
 * - `route`: an empty route of one stands for an empty route of the other in an insertion.
 *   Everything `tail` compares, plus start place, shift, fixed cost, overtime price, work and
 *   travel limits, timing kind, capacity, breaks and which jobs each may serve.
 *
 * The `route` key extends the `tail` key, so a field that a tail depends on is never missed
 * by the stricter one: add a per-technician field that changes timing or price to the list it
 * belongs to here, and both classes follow.
 */
import type { CompiledProblem } from './compiled.ts';

export type TechnicianArrays = Pick<
  CompiledProblem,
  | 'techStart'
  | 'techEnd'
  | 'shiftStart'
  | 'shiftEnd'
  | 'latestEnd'
  | 'invSpeed'
  | 'costPerDist'
  | 'costPerDur'
  | 'fixedCost'
  | 'workCostPerSec'
  | 'overtimeCostPerSec'
  | 'maxWork'
  | 'maxTravel'
  | 'techComplex'
  | 'capacity'
  | 'breakOffset'
  | 'breakStart'
  | 'breakEnd'
  | 'breakDur'
  | 'compat'
  | 'service'
  | 'affinity'
>;

export type Sameness = 'tail' | 'route';

/** Per-technician values that must match (the compared per-job rows come after). */
function keyParts(a: TechnicianArrays, t: number, nDims: number, sameness: Sameness): number[] {
  const parts: number[] = [
    a.techEnd[t]!,
    a.latestEnd[t]!,
    a.invSpeed[t]!,
    a.costPerDist[t]!,
    a.costPerDur[t]!,
    a.workCostPerSec[t]!,
  ];
  if (sameness === 'tail') return parts;
  parts.push(
    a.techStart[t]!,
    a.shiftStart[t]!,
    a.shiftEnd[t]!,
    a.fixedCost[t]!,
    a.overtimeCostPerSec[t]!,
    a.maxWork[t]!,
    a.maxTravel[t]!,
    a.techComplex[t]!,
  );
  for (let d = 0; d < nDims; d++) parts.push(a.capacity[t * nDims + d]!);
  for (let b = a.breakOffset[t]!; b < a.breakOffset[t + 1]!; b++)
    parts.push(a.breakStart[b]!, a.breakEnd[b]!, a.breakDur[b]!);
  return parts;
}

/** Whether technicians u and t have equal per-job rows (service, affinity; and compat for `route`). */
function rowsEqual(a: TechnicianArrays, u: number, t: number, nJobs: number, sameness: Sameness): boolean {
  const withCompat = sameness === 'route';
  for (let j = 0; j < nJobs; j++) {
    const ku = u * nJobs + j;
    const kt = t * nJobs + j;
    if (a.service[ku] !== a.service[kt] || a.affinity[ku] !== a.affinity[kt]) return false;
    if (withCompat && a.compat[ku] !== a.compat[kt]) return false;
  }
  return true;
}

/**
 * Class of each technician (numbered by first appearance): equal classes mean the same for
 * the given purpose. Once per compiled problem, not in a hot loop.
 */
export function technicianClasses(
  a: TechnicianArrays,
  nTechs: number,
  nJobs: number,
  nDims: number,
  sameness: Sameness,
): Int32Array {
  const out = new Int32Array(nTechs);
  const byKey = new Map<string, number[]>();
  let classes = 0;
  for (let t = 0; t < nTechs; t++) {
    const parts = keyParts(a, t, nDims, sameness);
    // Rows are compared in full below; the hash only narrows the candidates.
    let h = 0;
    for (let j = 0; j < nJobs; j++) {
      const k = t * nJobs + j;
      h = (Math.imul(h, 31) + (sameness === 'route' ? a.compat[k]! : 0) + 2 * (a.service[k]! | 0)) | 0;
    }
    parts.push(h);
    const key = parts.join(',');
    const same = byKey.get(key);
    let found = -1;
    for (const u of same ?? []) {
      if (rowsEqual(a, u, t, nJobs, sameness)) {
        found = out[u]!;
        break;
      }
    }
    if (same === undefined) byKey.set(key, [t]);
    else if (found < 0) same.push(t);
    out[t] = found >= 0 ? found : classes++;
  }
  return out;
}
