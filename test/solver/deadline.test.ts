/**
 * A solve whose time limit runs out before its first plan is polished still answers with a
 * complete, valid plan (every job the greedy construction places), and says it was cut short;
 * a solve with time to spare, or bounded by iterations, does not.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSolution } from '../../solver/checker.ts';
import { solve } from '../../solver/index.ts';
import { randomProblem } from './support/random-problem.ts';

/** A clock that moves on a whole second each time it is read: any time limit is spent at once. */
function racingClock(): () => number {
  let now = 0;
  return () => (now += 1000);
}

const served = (s: ReturnType<typeof solve>): number => s.routes.reduce((n, r) => n + r.visits.length, 0);

describe('solve against its time limit', () => {
  it('answers a valid plan, as full as the greedy first plan, and marks it cut short', () => {
    fc.assert(
      fc.property(randomProblem(), (problem) => {
        const greedy = solve(problem, { seed: 1, maxIterations: 0 });
        const late = solve(problem, { seed: 1, timeLimitMs: 10, clock: racingClock() });
        expect(checkSolution(problem, late).violations).toEqual([]);
        expect(served(late)).toBeGreaterThanOrEqual(served(greedy));
        if (problem.jobs.length > 0) expect(late.stats.cutShort).toBe(true);
        expect(greedy.stats.cutShort).toBeUndefined();
      }),
      { numRuns: 40 },
    );
  });

  it('is not cut short with time to spare', () => {
    fc.assert(
      fc.property(randomProblem(), (problem) => {
        let now = 0;
        const s = solve(problem, { seed: 1, timeLimitMs: 1e9, maxIterations: 20, clock: () => now++ });
        expect(s.stats.cutShort).toBeUndefined();
      }),
      { numRuns: 20 },
    );
  });
});
