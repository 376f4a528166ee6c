/**
 * The search starts from the plan in force: the previous plan's routes for these days, with
 * the jobs that are still to be placed, in their order. New work (appointments booked since,
 * jobs pulled since) is placed around them by the construction, booked work first. The plan
 * in force is a feasible witness for what it serves, so the search, which keeps the best plan
 * it sees, cannot lose a booking that plan could serve by search luck: a booked slot the slot
 * offers found room for on these routes is served unless the rules changed underneath it.
 */
import type { StartRoute } from '../../../solver/solution.ts';
import type { BuiltProblem } from './build-problem.ts';
import type { Plan } from '../write/plan.ts';

export function startFromPlan(previous: Plan | undefined, built: BuiltProblem): StartRoute[] {
  if (previous === undefined) return [];
  const placeable = new Set(built.problem.jobs.map((j) => j.id));
  const routes = new Set(built.problem.technicians.map((t) => t.id));
  return previous.routes
    .filter((r) => routes.has(r.routeId))
    .map((r) => ({
      technician: r.routeId,
      jobs: r.stops.map((s) => s.serviceJobId).filter((id) => placeable.has(id)),
    }))
    .filter((r) => r.jobs.length > 0);
}
