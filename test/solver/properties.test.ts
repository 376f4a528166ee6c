import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSolution } from '../../solver/checker.ts';
import { solve } from '../../solver/index.ts';
import type { Problem, Technician } from '../../solver/problem.ts';
import { randomProblem } from './support/random-problem.ts';

// Iteration budgets, not time budgets, so a run is reproducible and independent of machine load.
const OPTIONS = { maxIterations: 300 };

const STRUCTURAL = ['NO_SKILLED_TECHNICIAN', 'NO_TEAM_LARGE_ENOUGH', 'OUTSIDE_TERRITORY', 'EXCEEDS_CAPACITY'];

/**
 * Reasons that follow from the data alone must be true: a structural reason means no
 * technician (the pinned one, if any) has the skills, team, territory and capacity together (and a missing skill
 * is reported as such); a job no technician could ever serve gets a structural reason;
 * PIN_UNSATISFIABLE only for pinned jobs.
 */
function reasonHolds(problem: Problem, jobId: string, reason: string): boolean {
  const job = problem.jobs.find((j) => j.id === jobId);
  if (!job) return false;
  const skilled = (t: Technician): boolean => (job.skills ?? []).every((s) => (t.skills ?? []).includes(s));
  const n = job.technicians ?? 1;
  const suitable = (t: Technician, team: number): boolean =>
    skilled(t) &&
    (t.members?.length ?? 1) >= team &&
    (!t.allowedJobs || t.allowedJobs.includes(job.id)) &&
    (job.load ?? []).every((a, d) => a <= (t.capacity?.[d] ?? 0));
  const pinnedOk = (t: Technician): boolean =>
    job.pin?.technician === undefined || job.pin.technician === t.id;
  // Several people: one crew route when the problem has one that large, else n routes meeting.
  const crews = problem.technicians.some((t) => (t.members?.length ?? 1) >= n);
  const possible =
    n === 1 || crews
      ? problem.technicians.some((t) => pinnedOk(t) && suitable(t, n))
      : problem.technicians.filter((t) => suitable(t, 1)).length >= n &&
        problem.technicians.some((t) => pinnedOk(t) && suitable(t, 1));
  if (reason === 'NO_SKILLED_TECHNICIAN') {
    return !problem.technicians.some((t) => skilled(t) && (job.pin?.technician ?? t.id) === t.id);
  }
  if (STRUCTURAL.includes(reason)) return !possible;
  if (reason === 'PIN_UNSATISFIABLE') return job.pin !== undefined;
  return possible;
}

describe('solver on random problems with every feature', () => {
  it('returns plans the independent checker accepts, with every job routed once or unassigned with a reason', () => {
    fc.assert(
      fc.property(randomProblem(), fc.integer({ min: 1, max: 1000 }), (problem, seed) => {
        const solution = solve(problem, { ...OPTIONS, seed });
        const report = checkSolution(problem, solution);
        expect(report.violations).toEqual([]);
        expect(report.totals.assigned + report.totals.unassigned).toBe(problem.jobs.length);
        for (const u of solution.unassigned) {
          expect(reasonHolds(problem, u.job, u.reason), `${u.job}: ${u.reason}`).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('keeps pins and skills', () => {
    fc.assert(
      fc.property(randomProblem({ minJobs: 3 }), (problem) => {
        const solution = solve(problem, { ...OPTIONS, seed: 7 });
        for (const route of solution.routes) {
          const technician = problem.technicians.find((t) => t.id === route.technician)!;
          route.visits.forEach((visit, index) => {
            const job = problem.jobs.find((j) => j.id === visit.job)!;
            for (const skill of job.skills ?? []) expect(technician.skills ?? []).toContain(skill);
            if (job.pin?.technician !== undefined) {
              // A job served by several routes has its pinned technician among them.
              const routes = solution.routes.filter((r) => r.visits.some((v) => v.job === job.id));
              expect(routes.map((r) => r.technician)).toContain(job.pin.technician);
            }
            if (job.pin?.start !== undefined) expect(visit.start).toBeCloseTo(job.pin.start, 6);
            if (job.pin?.position !== undefined) expect(index).toBe(job.pin.position);
          });
        }
      }),
      { numRuns: 30 },
    );
  });

  it('gives the same plan for the same seed', () => {
    fc.assert(
      fc.property(randomProblem(), fc.integer({ min: 1, max: 1000 }), (problem, seed) => {
        const first = solve(problem, { ...OPTIONS, seed });
        const second = solve(structuredClone(problem), { ...OPTIONS, seed });
        expect(second).toEqual(first);
      }),
      { numRuns: 20 },
    );
  });
});
