/**
 * The reason a job is left out, as the dispatcher means it. The solver reads every pin it is
 * given as a pin, but most of the pipeline's pins are its own choices (keep a booked visit
 * where the last plan put it, keep the assigned technician, fit around a capacity hold): a job
 * only the pipeline pinned is never `PIN_UNSATISFIABLE`. Its reason is asked again of the job
 * alone, without that pin, on each route with nothing else on it: `DISPLACED` when it fits one,
 * else what stops it (skills, territory, capacity, windows).
 */
import { compileProblem } from '../../../solver/data.ts';
import { unassignedReason } from '../../../solver/output.ts';
import type { Job, Problem } from '../../../solver/problem.ts';
import type { UnassignedJob, UnassignedReason } from '../../../solver/solution.ts';
import type { BuiltProblem } from './build-problem.ts';

/** The reasons of `unassigned` with pipeline-made pins taken out of the question. */
export function trueReasons(built: BuiltProblem, unassigned: readonly UnassignedJob[]): UnassignedJob[] {
  const jobs = new Map(built.problem.jobs.map((j) => [j.id, j]));
  return unassigned.map((u) => {
    const job = jobs.get(u.job);
    const frozen = built.jobs.get(u.job)?.pin !== undefined;
    if (job === undefined || frozen || job.pin === undefined) return u;
    if (u.reason !== 'PIN_UNSATISFIABLE' && u.reason !== 'NO_WINDOW_FITS') return u;
    return { ...u, reason: aloneReason(built.problem, job) };
  });
}

/** Why `job` (without a pin) could not be served even alone: DISPLACED when it fits an empty route. */
export function aloneReason(problem: Problem, job: Job): UnassignedReason {
  // Only the places this question touches: the job and the routes' ends.
  const used = [job.location];
  for (const t of problem.technicians) used.push(t.start, ...(t.end != null ? [t.end] : []));
  const index = new Map<number, number>();
  for (const i of used) if (!index.has(i)) index.set(i, index.size);
  const places = [...index.keys()];
  const sub = (m: number[][]): number[][] => places.map((i) => places.map((k) => m[i]?.[k] ?? 0));
  const at = (i: number): number => index.get(i)!;
  const { pin: _pin, ...free } = job;
  const alone: Problem = {
    matrices: {
      durations: sub(problem.matrices.durations),
      ...(problem.matrices.distances ? { distances: sub(problem.matrices.distances) } : {}),
    },
    jobs: [{ ...free, location: at(job.location) }],
    technicians: problem.technicians.map((t) => ({
      ...t,
      start: at(t.start),
      ...(t.end != null ? { end: at(t.end) } : {}),
      ...(t.allowedJobs !== undefined ? { allowedJobs: t.allowedJobs.filter((id) => id === job.id) } : {}),
    })),
    ...(problem.objective !== undefined ? { objective: problem.objective } : {}),
  };
  return unassignedReason(compileProblem(alone), 0);
}
