import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSolution } from '../../solver/checker.ts';
import { solve } from '../../solver/index.ts';
import type { Problem } from '../../solver/problem.ts';
import { linkedProblem } from './support/linked-problem.ts';
import { randomProblem } from './support/random-problem.ts';

const H = 3600;
const OPTIONS = { seed: 1, maxIterations: 300 };

/** The work-balance spread (hours) recomputed from the checker's route totals (unused routes work 0). */
function workSpread(problem: Problem, report: ReturnType<typeof checkSolution>): number {
  const x = problem.technicians.map((t) => {
    const r = report.routes.find((route) => route.technician === t.id);
    return r ? (r.travelDuration + r.serviceDuration) / H : 0;
  });
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  return x.reduce((s, v) => s + Math.abs(v - mean), 0);
}

/** Depot and four customers 10 minutes from it and from each other. */
function fourJobs(): Problem {
  const d = Array.from({ length: 5 }, (_, a) => Array.from({ length: 5 }, (_, b) => (a === b ? 0 : 600)));
  return {
    matrices: { durations: d },
    technicians: ['ann', 'bob'].map((id) => ({ id, start: 0, shift: { start: 8 * H, end: 18 * H } })),
    jobs: [1, 2, 3, 4].map((loc) => ({ id: `j${loc}`, location: loc, duration: H })),
    objective: { travel: 'duration' },
  };
}

describe('workload balance', () => {
  it('reports the balance term the checker recomputes, on plans the checker accepts', () => {
    const withBalance = fc
      .tuple(randomProblem(), fc.double({ min: 0.1, max: 500, noNaN: true }))
      .map(([p, weight]): Problem => ({
        ...p,
        objective: { ...p.objective, balance: { measure: 'work', weight } },
      }));
    fc.assert(
      fc.property(withBalance, (problem) => {
        const solution = solve(problem, OPTIONS);
        const report = checkSolution(problem, solution);
        expect(report.violations).toEqual([]);
        const expected = problem.objective!.balance!.weight * workSpread(problem, report);
        expect(solution.cost.balance).toBeCloseTo(expected, 4);
      }),
      { numRuns: 40 },
    );
  });

  it('spreads four equal jobs two and two when weighed, all on one route when not', () => {
    const plain = solve(fourJobs(), OPTIONS);
    expect(plain.routes.filter((r) => r.visits.length > 0)).toHaveLength(1);
    const p = fourJobs();
    p.objective = { travel: 'duration', balance: { measure: 'jobs', weight: 10_000 } };
    const balanced = solve(p, OPTIONS);
    expect(checkSolution(p, balanced).violations).toEqual([]);
    expect(balanced.routes.map((r) => r.visits.length)).toEqual([2, 2]);
    expect(balanced.cost.balance).toBe(0);
    // Balance costs travel: two routes drive out and back twice.
    expect(balanced.cost.travel).toBeGreaterThan(plain.cost.travel);
  });
});

describe('minimum work', () => {
  it('never returns a used route short of its minimum (the checker verifies it)', () => {
    const withMin = fc
      .tuple(linkedProblem(), fc.integer({ min: 1, max: 8 }), fc.boolean())
      .map(([p, hours, all]): Problem => ({
        ...p,
        technicians: p.technicians.map((t, i) => (all || i === 0 ? { ...t, minWorkTime: hours * H } : t)),
      }));
    fc.assert(
      fc.property(withMin, (problem) => {
        const solution = solve(problem, OPTIONS);
        const report = checkSolution(problem, solution);
        expect(report.violations).toEqual([]);
        expect(report.totals.assigned + report.totals.unassigned).toBe(problem.jobs.length);
      }),
      { numRuns: 50 },
    );
  });

  it('calls in one technician for four hours of work rather than two for two hours each', () => {
    const p = fourJobs();
    p.technicians = p.technicians.map((t) => ({ ...t, minWorkTime: 4 * H }));
    p.objective = { travel: 'duration', balance: { measure: 'jobs', weight: 10_000 } };
    const solution = solve(p, OPTIONS);
    expect(checkSolution(p, solution).violations).toEqual([]);
    expect(solution.unassigned).toEqual([]);
    expect(solution.routes.filter((r) => r.visits.length > 0)).toHaveLength(1);
  });

  it('leaves the work out with MIN_WORK_NOT_MET when nobody can reach the minimum', () => {
    const p = fourJobs();
    p.technicians = p.technicians.map((t) => ({ ...t, minWorkTime: 9 * H }));
    const solution = solve(p, OPTIONS);
    expect(checkSolution(p, solution).violations).toEqual([]);
    expect(solution.routes.filter((r) => r.visits.length > 0)).toHaveLength(0);
    expect(solution.unassigned.map((u) => u.reason)).toEqual(Array(4).fill('MIN_WORK_NOT_MET'));
  });
});
