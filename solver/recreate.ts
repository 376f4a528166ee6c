/**
 * Recreate: greedy insertion with blinks (Christiaens & Vanden Berghe 2020, SISR). Jobs are
 * inserted one by one, each at its cheapest feasible position over all routes, in an order
 * drawn from a few sort criteria; valuable jobs (mandatory, high priority) always go first.
 */
import type { CompiledProblem } from './data.ts';
import type { Random } from './random.ts';
import type { RouteSet } from './routes.ts';

export function recreate(plan: RouteSet, jobs: number[], rng: Random, blink: number): void {
  const cp = plan.cp;
  orderForInsertion(cp, jobs, rng);
  for (const j of jobs) insertBest(plan, j, rng, blink);
}

/** Insert j at its cheapest feasible place; returns false when it fits nowhere. */
export function insertBest(plan: RouteSet, j: number, rng: Random | null, blink: number): boolean {
  const cp = plan.cp;
  const techs = cp.jobTechs[j]!;
  let best = Infinity;
  let bestRoute = -1;
  let bestPos = -1;
  plan.newRound();
  const granularOnly = cp.nJobs >= granular.from && cp.pinPos[j]! < 0;
  if (granularOnly) {
    // Granular: only next to the nearest assigned jobs, and in empty routes.
    const near = cp.granularNeighbours[j]!;
    const k = Math.min(granular.neighbours, near.length);
    for (let q = 0; q < k; q++) {
      const v = near[q]!;
      const r = plan.routeOf[v]!;
      if (r < 0 || cp.compat[r * cp.nJobs + j] === 0) continue;
      const at = plan.posOf[v]!;
      const delta = plan.bestInsertionSimple(j, r, best, rng, blink, at, at + 1);
      if (delta < best) {
        best = delta;
        bestRoute = r;
        bestPos = plan.bestPos;
      }
    }
  }
  for (let k = 0; k < techs.length; k++) {
    const r = techs[k]!;
    // One empty route of each kind of technician is enough; granular insertion has placed j
    // next to its neighbours already, so of the others it tries only the empty routes.
    const empty = plan.seqs[r]!.length === 0;
    if (granularOnly ? !empty || plan.emptySeen(r) : empty && plan.emptySeen(r)) continue;
    const delta = plan.bestInsertion(j, r, best, rng, blink);
    if (delta < best) {
      best = delta;
      bestRoute = r;
      bestPos = plan.bestPos;
    }
  }
  if (bestRoute < 0) return false;
  plan.insert(j, bestRoute, bestPos);
  return true;
}

/** Weight of service time in the demand order: only breaks ties between equal demands. */
const SERVICE_TIE_BREAK = 1e-9;

/** From `from` jobs on, insertion positions are restricted to the `neighbours` nearest jobs. */
const granular = { from: 400, neighbours: 40 };

const keys = { value: new Float64Array(0) };

function orderForInsertion(cp: CompiledProblem, jobs: number[], rng: Random): void {
  if (keys.value.length < cp.nJobs) keys.value = new Float64Array(cp.nJobs);
  const key = keys.value;
  const pick = rng.int(11);
  rng.shuffle(jobs);
  if (pick < 4) {
    for (const j of jobs) key[j] = 0; // random order
  } else if (pick < 8) {
    for (const j of jobs) {
      let total = 0;
      for (let d = 0; d < cp.nDims; d++) total += cp.load[j * cp.nDims + d]!;
      key[j] = -total - cp.service[j]! * SERVICE_TIE_BREAK; // largest demand first
    }
  } else {
    const sign = pick < 10 ? -1 : 1; // far first, or close first
    for (const j of jobs) {
      const t = cp.jobTechs[j]![0] ?? 0;
      key[j] = sign * cp.dist[cp.techStart[t]! * cp.nLocs + cp.jobLoc[j]!]!;
    }
  }
  jobs.sort((a, b) => cp.penalty[b]! - cp.penalty[a]! || key[a]! - key[b]!);
}
