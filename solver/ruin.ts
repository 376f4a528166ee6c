/**
 * Ruin: adjacent string removal (SISR, Christiaens & Vanden Berghe 2020). Strings of
 * consecutive visits are cut from a few routes near a random seed job; sometimes a few
 * visits inside the string are kept ("split string"), which creates the slack later
 * insertions use. Jobs pinned to a position are never removed.
 */
import type { Random } from './random.ts';
import type { RouteSet } from './routes.ts';

export interface RuinParameters {
  /** Mean number of removed jobs. */
  averageRemoved: number;
  /** Longest string. */
  maxStringLength: number;
  /** Probability of a split string. */
  splitRate: number;
  /** Probability used to grow the kept part of a split string. */
  splitDepth: number;
  /** Probability of emptying a whole route as well (strings alone rarely empty a long route). */
  routeRemoval: number;
}

export const DEFAULT_RUIN: RuinParameters = {
  averageRemoved: 20,
  maxStringLength: 10,
  splitRate: 0.5,
  splitDepth: 0.01,
  routeRemoval: 0.05,
};

/** Removes strings; returns the removed jobs and records touched routes in `touched`. */
export function ruin(plan: RouteSet, rng: Random, params: RuinParameters, touched: Set<number>): number[] {
  const cp = plan.cp;
  const removed: number[] = [];
  let assigned = 0;
  let used = 0;
  for (let r = 0; r < cp.nTechs; r++) {
    const len = plan.seqs[r]!.length;
    assigned += len;
    if (len > 0) used++;
  }
  if (assigned === 0) return removed;
  const avgLen = assigned / used;
  const lsMax = Math.min(params.maxStringLength, avgLen);
  const ksMax = (4 * params.averageRemoved) / (1 + lsMax) - 1;
  const strings = Math.floor(rng.next() * ksMax) + 1;

  if (used > 1 && rng.next() < params.routeRemoval) {
    // Empty a random used route, so that plans with one route fewer can be reached.
    let pick = rng.int(used);
    for (let r = 0; r < cp.nTechs; r++) {
      if (plan.seqs[r]!.length === 0 || pick-- > 0) continue;
      touched.add(r);
      for (const j of plan.seqs[r]!.slice()) {
        if (cp.pinPos[j]! >= 0) continue;
        removed.push(j);
        plan.removeQuiet(j);
      }
      plan.refresh(r);
      break;
    }
  }

  // Seed: a random assigned job.
  let seed = rng.int(cp.nJobs);
  for (let k = 0; k < cp.nJobs && plan.routeOf[seed]! < 0; k++) seed = (seed + 1) % cp.nJobs;
  const near = cp.neighbours[seed]!;
  for (let k = -1; k < near.length && touched.size < strings; k++) {
    const c = k < 0 ? seed : near[k]!;
    const r = plan.routeOf[c]!;
    if (r < 0 || touched.has(r)) continue;
    const seq = plan.seqs[r]!;
    const len = seq.length;
    const maxLen = Math.min(len, lsMax);
    const l = Math.floor(rng.next() * maxLen) + 1;
    const at = seq.indexOf(c);
    touched.add(r);
    if (l < len && rng.next() < params.splitRate) {
      // Split string: l removed out of l + m consecutive, m kept.
      let m = 1;
      while (l + m < len && rng.next() > params.splitDepth && rng.next() < 0.5) m++;
      const total = l + m;
      const lo = Math.max(0, at - total + 1);
      const hi = Math.min(at, len - total);
      const from = lo + rng.int(hi - lo + 1);
      const keepAt = rng.int(l + 1);
      const victims: number[] = [];
      for (let i = 0; i < total; i++) {
        if (i >= keepAt && i < keepAt + m) continue;
        victims.push(seq[from + i]!);
      }
      for (const j of victims) {
        if (cp.pinPos[j]! >= 0) continue;
        removed.push(j);
        plan.removeQuiet(j);
      }
    } else {
      const lo = Math.max(0, at - l + 1);
      const hi = Math.min(at, len - l);
      const from = lo + rng.int(hi - lo + 1);
      const victims = seq.slice(from, from + l);
      for (const j of victims) {
        if (cp.pinPos[j]! >= 0) continue;
        removed.push(j);
        plan.removeQuiet(j);
      }
    }
    plan.refresh(r);
  }
  return removed;
}
