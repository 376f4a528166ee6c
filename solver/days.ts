/**
 * Multi-day visits: the parts of one long job, linked by a `consecutive-days` link, go to the
 * same team (the same members) on consecutive shifts of that team: part k+1 on the team's next
 * route by shift start after part k's route. "Next shift" is the next one the team works, not
 * the next calendar day: a weekend or a day off in between does not break the chain.
 *
 * Compiled into pairs (dayA, dayB) with route of dayB = nextShift[route of dayA]. Before the
 * search, a route that lies on no chain of routes able to serve all the parts in order is
 * ruled out for its part, and parts with no chain at all get the reason NO_CONSECUTIVE_DAYS.
 */
import type { UnassignedReasonStatic } from './compiled.ts';
import type { Problem, Technician } from './problem.ts';

/** The people of a route, as one key (members sorted, or the route id when it has none). */
function teamKey(tech: Technician): string {
  return [...(tech.members ?? [tech.id])].sort().join('\u0000');
}

/** Per route: the next route of the same team by shift start (−1 = none). */
export function nextShifts(problem: Problem): Int32Array {
  const techs = problem.technicians;
  const next = new Int32Array(techs.length).fill(-1);
  const byTeam = new Map<string, number[]>();
  techs.forEach((tech, t) => {
    const key = teamKey(tech);
    const list = byTeam.get(key);
    if (list) list.push(t);
    else byTeam.set(key, [t]);
  });
  for (const list of byTeam.values()) {
    list.sort((a, b) => techs[a]!.shift.start - techs[b]!.shift.start || a - b);
    for (let k = 0; k + 1 < list.length; k++) next[list[k]!] = list[k + 1]!;
  }
  return next;
}

/**
 * Keeps, for each part of one chain (visits in day order), only the routes on some chain of
 * consecutive shifts able to serve every part; returns false when there is no such chain.
 */
function pruneChain(
  chain: readonly number[],
  next: Int32Array,
  compat: Uint8Array,
  nJobs: number,
  nTechs: number,
): boolean {
  const k = chain.length;
  const ok = (i: number, r: number): boolean => compat[r * nJobs + chain[i]!] === 1;
  // forward[i][r]: parts 0..i can sit on a chain ending with part i on route r.
  const forward = Array.from({ length: k }, () => new Uint8Array(nTechs));
  for (let r = 0; r < nTechs; r++) forward[0]![r] = ok(0, r) ? 1 : 0;
  for (let i = 1; i < k; i++) {
    for (let r = 0; r < nTechs; r++) {
      const n = next[r]!;
      if (forward[i - 1]![r] && n >= 0 && ok(i, n)) forward[i]![n] = 1;
    }
  }
  // usable[i][r]: also parts i+1..k-1 can follow.
  const usable = Array.from({ length: k }, () => new Uint8Array(nTechs));
  usable[k - 1]!.set(forward[k - 1]!);
  for (let i = k - 2; i >= 0; i--) {
    for (let r = 0; r < nTechs; r++) {
      const n = next[r]!;
      if (forward[i]![r] && n >= 0 && usable[i + 1]![n]) usable[i]![r] = 1;
    }
  }
  let any = false;
  for (let i = 0; i < k; i++) {
    for (let r = 0; r < nTechs; r++) {
      if (!usable[i]![r]) compat[r * nJobs + chain[i]!] = 0;
      else any = true;
    }
  }
  return any;
}

/** Rules out routes off every chain; parts without a chain are marked NO_CONSECUTIVE_DAYS. */
export function compileChains(
  chains: readonly (readonly number[])[],
  next: Int32Array,
  staticReason: (UnassignedReasonStatic | null)[],
  compat: Uint8Array,
  nJobs: number,
  nTechs: number,
): void {
  for (const chain of chains) {
    if (chain.some((v) => staticReason[v] !== null)) continue;
    if (pruneChain(chain, next, compat, nJobs, nTechs)) continue;
    for (const v of chain) staticReason[v] = 'NO_CONSECUTIVE_DAYS';
  }
}
