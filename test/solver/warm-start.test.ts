/**
 * Warm start: a solve that starts from a feasible plan never ends worse than it (the search
 * keeps the best plan seen), stays feasible by the independent checker, and drops a job the
 * start serves only for work worth more. A start that breaks rules still gives a valid plan.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSolution } from '../../solver/checker.ts';
import { solve } from '../../solver/index.ts';
import type { Problem } from '../../solver/problem.ts';
import type { Solution, StartRoute } from '../../solver/solution.ts';
import { randomProblem } from './support/random-problem.ts';

function startOf(solution: Solution): StartRoute[] {
  return solution.routes
    .filter((r) => r.visits.length > 0)
    .map((r) => ({ technician: r.technician, jobs: r.visits.map((v) => v.job) }));
}

/** Plain problems (no linked visits): the warm start applies to them. */
function plain(problem: Problem): Problem {
  return {
    ...problem,
    jobs: problem.jobs.map((j) => {
      const { technicians: _n, memberSkills: _m, ...rest } = j as typeof j & { memberSkills?: unknown };
      return rest;
    }),
    ...('links' in problem ? { links: undefined } : {}),
  } as Problem;
}

describe('solver warm start', () => {
  it('never costs more than a feasible start and keeps the checker happy', () => {
    fc.assert(
      fc.property(randomProblem(), fc.integer({ min: 1, max: 1000 }), (raw, seed) => {
        const problem = plain(raw);
        // A witness from a short run with another seed; the warm run is shorter still.
        const witness = solve(problem, { maxIterations: 150, seed: seed + 1 });
        const warm = solve(problem, { maxIterations: 20, seed, start: startOf(witness) });
        expect(checkSolution(problem, warm).violations).toEqual([]);
        expect(warm.cost.total).toBeLessThanOrEqual(
          witness.cost.total + 1e-6 * Math.max(1, witness.cost.total),
        );
        // Every job the witness serves is served, unless work of more weight took its place.
        const served = new Set(warm.routes.flatMap((r) => r.visits.map((v) => v.job)));
        const weight = (ids: string[]) =>
          ids.reduce((n, id) => {
            const j = problem.jobs.find((x) => x.id === id)!;
            return n + (j.priority ?? 1) * (j.mandatory === true ? 1e9 : 1);
          }, 0);
        const lost = witness.routes
          .flatMap((r) => r.visits.map((v) => v.job))
          .filter((id) => !served.has(id));
        if (lost.length > 0) {
          const before = new Set(witness.routes.flatMap((r) => r.visits.map((v) => v.job)));
          const gained = [...served].filter((id) => !before.has(id));
          expect(weight(gained)).toBeGreaterThanOrEqual(weight(lost) * (1 - 1e-9));
        }
      }),
      { numRuns: 40 },
    );
  });

  it('keeps the plan valid when the start breaks rules (jobs twice, out of order, on one technician)', () => {
    fc.assert(
      fc.property(randomProblem(), (raw) => {
        const problem = plain(raw);
        if (problem.jobs.length === 0 || problem.technicians.length === 0) return;
        // Every job on the first technician, in reverse order, then twice: mostly infeasible.
        const ids = problem.jobs.map((j) => j.id);
        const start = [{ technician: problem.technicians[0]!.id, jobs: [...ids, ...ids] }];
        const s = solve(problem, { maxIterations: 10, seed: 1, start });
        expect(checkSolution(problem, s).violations).toEqual([]);
      }),
      { numRuns: 20 },
    );
  });
});
