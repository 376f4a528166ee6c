/**
 * The search starts from the plan in force: the previous plan's routes for these days, with
 * the jobs that are still to be placed, in their order. New work (appointments booked since,
 * jobs pulled since) is placed around them by the construction, booked work first. The plan
 * in force is a feasible witness for what it serves, so the search, which keeps the best plan
 * it sees, cannot lose a booking that plan could serve by search luck: a booked slot the slot
 * offers found room for on these routes is served unless the rules changed underneath it.
 * Appointments booked since that plan (a storefront, a phone booking) are part of the witness:
 * each is placed, earliest first, where it costs least on a route of a qualified technician,
 * exactly as the capacity and the slot offers placed it when they sold the time.
 */
import { compileProblem } from '../../../solver/index.ts';
import { cheapestExactInsertion } from '../../../solver/exact-insertion.ts';
import type { StartRoute } from '../../../solver/solution.ts';
import type { BuiltProblem } from './build-problem.ts';
import type { Plan } from '../write/plan.ts';

export function startFromPlan(previous: Plan | undefined, built: BuiltProblem): StartRoute[] {
  if (previous === undefined) return [];
  const placeable = new Set(built.problem.jobs.map((j) => j.id));
  const routes = new Set(built.problem.technicians.map((t) => t.id));
  const start = new Map(
    previous.routes
      .filter((r) => routes.has(r.routeId))
      .map((r) => [r.routeId, r.stops.map((s) => s.serviceJobId).filter((id) => placeable.has(id))]),
  );
  return [...placeBookedSince(built, start)]
    .map(([technician, jobs]) => ({ technician, jobs }))
    .filter((r) => r.jobs.length > 0);
}

/**
 * Jobs with an active appointment that are on none of `routes` (route id → job ids in visiting
 * order) placed, earliest appointment first, at the cheapest position of a route of a qualified
 * technician on which the solver's exact schedule stays feasible; one that fits nowhere is left
 * off. Returns new route lists (routes that only gained work are added).
 */
export function placeBookedSince(
  built: BuiltProblem,
  routes: ReadonlyMap<string, readonly string[]>,
): Map<string, string[]> {
  const out = new Map([...routes].map(([id, jobs]) => [id, [...jobs]]));
  const on = new Set([...routes.values()].flat());
  const since = built.problem.jobs
    .filter((j) => !on.has(j.id) && built.jobs.get(j.id)?.activeAppointment !== undefined)
    .sort((a, b) => (a.windows?.[0]?.start ?? 0) - (b.windows?.[0]?.start ?? 0) || a.id.localeCompare(b.id));
  if (since.length === 0 || built.problem.technicians.length === 0) return out;
  const cp = compileProblem(built.problem);
  const index = new Map(built.problem.jobs.map((j, i) => [j.id, i]));
  for (const job of since) {
    const p = index.get(job.id)!;
    let best: { routeId: string; at: number; cost: number } | undefined;
    for (const [t, tech] of built.problem.technicians.entries()) {
      if (cp.compat[t * cp.nJobs + p] === 0) continue;
      const seq = (out.get(tech.id) ?? []).map((id) => index.get(id)!);
      const found = cheapestExactInsertion(cp, t, seq, p, best?.cost);
      if (found !== undefined) best = { routeId: tech.id, at: found.at, cost: found.cost };
    }
    if (best === undefined) continue;
    const jobs = out.get(best.routeId) ?? [];
    jobs.splice(best.at, 0, job.id);
    out.set(best.routeId, jobs);
  }
  return out;
}
