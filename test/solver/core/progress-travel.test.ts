/**
 * The progress the solver reports carries the travel of its best plan so far, and no more
 * than the plan it returns: the last report's travel is the returned plan's travel, as the
 * independent checker totals it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSolution } from '../../../solver/checker.ts';
import { solve } from '../../../solver/index.ts';
import type { SolveProgress } from '../../../solver/solution.ts';
import { fieldDay } from './helpers.ts';

describe('solver progress: travel of the best plan so far', () => {
  it('the last report has the travel of the returned plan; every report a finite, non-negative travel', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 3, max: 25 }),
        fc.integer({ min: 1, max: 4 }),
        (seed, jobs, technicians) => {
          const problem = fieldDay({ jobs, technicians, seed });
          const seen: SolveProgress[] = [];
          const solution = solve(problem, { seed, maxIterations: 200, onProgress: (p) => seen.push(p) });
          expect(seen.length).toBeGreaterThan(0);
          for (const p of seen) {
            expect(Number.isFinite(p.travelDuration)).toBe(true);
            expect(p.travelDuration).toBeGreaterThanOrEqual(0);
          }
          const report = checkSolution(problem, solution);
          expect(report.violations).toEqual([]);
          const last = seen[seen.length - 1]!;
          expect(last.unassigned).toBe(solution.unassigned.length);
          expect(last.travelDuration).toBeCloseTo(report.totals.travelDuration, 6);
        },
      ),
      { numRuns: 25 },
    );
  });
});
