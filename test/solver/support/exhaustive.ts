/**
 * Exhaustive search for the best plan of a tiny problem: every subset and order of jobs
 * per technician, every placement of breaks, earliest-start timing (which dominates for
 * hard windows). The objective is lexicographic, as the solver's default penalty makes
 * it: most priority served first, then least travel.
 */
import type { Job, Problem, Technician } from '../../../solver/problem.ts';
import type { Route } from '../../../solver/solution.ts';
import { timeRoute } from './timeline.ts';
import type { BreakSlot } from './timeline.ts';

export interface Optimum {
  served: number;
  travel: number;
  routes: Route[];
}

function compatible(job: Job, t: Technician): boolean {
  return (
    (job.skills ?? []).every((s) => (t.skills ?? []).includes(s)) &&
    (job.technicians ?? 1) <= (t.members?.length ?? 1) &&
    (!t.allowedJobs || t.allowedJobs.includes(job.id))
  );
}

function* breakSlots(count: number, gaps: number): Generator<BreakSlot[]> {
  if (count === 0) {
    yield [];
    return;
  }
  for (const rest of breakSlots(count - 1, gaps)) {
    for (let gap = 0; gap < gaps; gap++) {
      for (const afterTravel of [false, true]) yield [{ gap, afterTravel }, ...rest];
    }
  }
}

/** Best route (least travel) per subset of jobs (bit mask) for one technician. */
export function bestRoutes(problem: Problem, t: Technician): Map<number, Route> {
  const travelOf = (r: Route): number =>
    problem.objective?.travel === 'duration' ? r.travelDuration : r.travelDistance;
  const best = new Map<number, Route>();
  const candidates = problem.jobs.map((j, i) => ({ j, i })).filter(({ j }) => compatible(j, t));
  const capacity = t.capacity ?? [];
  const relaxed: Technician = { ...t, breaks: [], end: null };
  const breakCount = t.breaks?.length ?? 0;

  const visit = (sequence: string[], mask: number, load: number[]): void => {
    // Without breaks and without the way home, a prefix that fails cannot be extended.
    if (sequence.length > 0 && !timeRoute(problem, relaxed, sequence)) return;
    for (const slots of breakSlots(breakCount, sequence.length + 1)) {
      const route = timeRoute(problem, t, sequence, slots);
      if (!route) continue;
      if (t.maxTravelTime !== undefined && route.travelDuration > t.maxTravelTime) continue;
      const current = best.get(mask);
      if (!current || travelOf(route) < travelOf(current) - 1e-9) best.set(mask, route);
    }
    for (const { j, i } of candidates) {
      if (mask & (1 << i)) continue;
      const next = load.map((l, d) => l + (j.load?.[d] ?? 0));
      if ((j.load ?? []).some((a, d) => (next[d] ?? a) > (capacity[d] ?? 0))) continue;
      visit([...sequence, j.id], mask | (1 << i), next);
    }
  };
  visit(
    [],
    0,
    capacity.map(() => 0),
  );
  return best;
}

export function exhaustiveOptimum(problem: Problem): Optimum {
  const travelOf = (r: Route): number =>
    problem.objective?.travel === 'duration' ? r.travelDuration : r.travelDistance;
  const priority = (mask: number): number =>
    problem.jobs.reduce((s, j, i) => (mask & (1 << i) ? s + (j.priority ?? 1) : s), 0);
  const perTechnician = problem.technicians.map((t) => bestRoutes(problem, t));
  let optimum: Optimum = { served: -1, travel: Infinity, routes: [] };
  const consider = (served: number, routes: Route[]): void => {
    const travel = routes.reduce((s, r) => s + travelOf(r), 0);
    if (
      served > optimum.served + 1e-9 ||
      (Math.abs(served - optimum.served) <= 1e-9 && travel < optimum.travel - 1e-9)
    ) {
      optimum = { served, travel, routes };
    }
  };
  const [first, second] = perTechnician;
  for (const [maskA, routeA] of first ?? new Map<number, Route>()) {
    if (!second) {
      consider(priority(maskA), [routeA]);
      continue;
    }
    for (const [maskB, routeB] of second) {
      if (maskA & maskB) continue;
      consider(priority(maskA | maskB), [routeA, routeB]);
    }
  }
  return optimum;
}
