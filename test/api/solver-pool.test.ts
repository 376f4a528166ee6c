/**
 * The API's solver pool hands the whole request to its worker: a warm start (the plan in
 * force) reaches the solver, so a pool solve gives the plan a solve in this thread gives.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createSolverPool } from '../../api/solver/pool.ts';
import { warmUpDay } from '../../api/solver/warm-up.ts';
import { checkSolution } from '../../solver/checker.ts';
import { solve } from '../../solver/index.ts';
import type { Problem } from '../../solver/problem.ts';
import type { Solution } from '../../solver/solution.ts';

const HOUR = 3600;

/** Two technicians alike in every way from one depot, three jobs next to it: either can take them all. */
const problem: Problem = {
  matrices: {
    durations: [
      [0, 300, 300, 300],
      [300, 0, 60, 60],
      [300, 60, 0, 60],
      [300, 60, 60, 0],
    ],
  },
  technicians: ['tech-a', 'tech-b'].map((id) => ({
    id,
    start: 0,
    end: 0,
    shift: { start: 8 * HOUR, end: 17 * HOUR },
  })),
  jobs: [1, 2, 3].map((location) => ({ id: `job-${location}`, location, duration: HOUR })),
} as Problem;

const routesOf = (s: Solution): Record<string, string[]> =>
  Object.fromEntries(
    s.routes.filter((r) => r.visits.length > 0).map((r) => [r.technician, r.visits.map((v) => v.job)]),
  );

describe('solver pool', () => {
  const pool = createSolverPool({ threads: 1 });
  afterAll(() => pool.close());

  it('passes the warm start to the worker', async () => {
    const start = [{ technician: 'tech-b', jobs: ['job-3', 'job-1', 'job-2'] }];
    const cold = solve(problem, { seed: 1, maxIterations: 0 });
    const here = solve(problem, { seed: 1, maxIterations: 0, start });
    // The start decides the plan here: without it the work lands elsewhere.
    expect(routesOf(here)).not.toEqual(routesOf(cold));
    expect(Object.keys(routesOf(here))).toEqual(['tech-b']);
    const pooled = await pool.solve({ problem, seed: 1, maxIterations: 0, start });
    expect(routesOf(pooled)).toEqual(routesOf(here));
  }, 60_000);

  it('warms up on a made-up day the solver accepts, and solves after it', async () => {
    const { problem: day, start } = warmUpDay();
    // The day is valid and has work to search over: a plan the checker accepts, jobs served.
    const plan = solve(day, { seed: 1, maxIterations: 50, start });
    expect(checkSolution(day, plan).violations).toEqual([]);
    expect(plan.routes.some((r) => r.visits.length > 0)).toBe(true);
    expect(start.some((r) => r.jobs.length > 0)).toBe(true);
    const warmed = createSolverPool({ threads: 1 });
    try {
      await warmed.warm();
      const pooled = await warmed.solve({ problem, seed: 1, maxIterations: 0 });
      expect(routesOf(pooled)).toEqual(routesOf(solve(problem, { seed: 1, maxIterations: 0 })));
    } finally {
      await warmed.close();
    }
  }, 60_000);
});
