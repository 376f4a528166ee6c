import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSolution } from '../../solver/checker.ts';
import { solve } from '../../solver/index.ts';
import type { Problem } from '../../solver/problem.ts';
import { matricesFor } from './support/random-problem.ts';
import { exhaustiveOptimum } from './support/exhaustive.ts';

const HOUR = 3600;

/** Tiny problems: windows (one or two), skills, capacity, speed factors, open ends, a lunch break. */
const tinyProblem: fc.Arbitrary<Problem> = fc
  .record({
    jobs: fc.array(
      fc.record({
        duration: fc.integer({ min: 1, max: 6 }).map((q) => q * 15 * 60),
        windows: fc.array(
          fc.record({ start: fc.integer({ min: 8, max: 15 }), length: fc.integer({ min: 1, max: 3 }) }),
          { maxLength: 2 },
        ),
        skill: fc.constantFrom(undefined, undefined, 'elec'),
        load: fc.integer({ min: 0, max: 3 }),
      }),
      { minLength: 3, maxLength: 8 },
    ),
    technicians: fc.array(
      fc.record({
        open: fc.boolean(),
        lunch: fc.boolean(),
        elec: fc.boolean(),
        speedFactor: fc.constantFrom(1, 1, 1.5),
        shiftEnd: fc.integer({ min: 13, max: 18 }),
      }),
      { minLength: 1, maxLength: 2 },
    ),
    points: fc.array(fc.record({ x: fc.integer({ min: 0, max: 60 }), y: fc.integer({ min: 0, max: 60 }) }), {
      minLength: 10,
      maxLength: 10,
    }),
    travel: fc.constantFrom('distance' as const, 'duration' as const),
  })
  .map(({ jobs, technicians, points, travel }) => ({
    matrices: matricesFor(points.slice(0, jobs.length + technicians.length)),
    jobs: jobs.map((j, i) => ({
      id: `j${i}`,
      location: i,
      duration: j.duration,
      ...(j.windows.length > 0
        ? { windows: j.windows.map((w) => ({ start: w.start * HOUR, end: (w.start + w.length) * HOUR })) }
        : {}),
      ...(j.skill ? { skills: [j.skill] } : {}),
      load: [j.load],
    })),
    technicians: technicians.map((t, k) => ({
      id: `t${k}`,
      start: jobs.length + k,
      ...(t.open ? { end: null } : {}),
      shift: { start: 8 * HOUR, end: t.shiftEnd * HOUR },
      capacity: [6],
      ...(t.elec ? { skills: ['elec'] } : {}),
      ...(t.speedFactor !== 1 ? { speedFactor: t.speedFactor } : {}),
      ...(t.lunch
        ? { breaks: [{ id: `lunch${k}`, duration: 1800, window: { start: 12 * HOUR, end: 13 * HOUR } }] }
        : {}),
    })),
    objective: { travel },
  }));

describe('solver against exhaustive search', () => {
  it('finds the optimum on problems of up to 8 jobs and 1–2 technicians', () => {
    fc.assert(
      fc.property(tinyProblem, (problem) => {
        const optimum = exhaustiveOptimum(problem);
        const solution = solve(problem, { seed: 1, maxIterations: 2000 });
        const report = checkSolution(problem, solution);
        expect(report.violations).toEqual([]);
        expect(report.totals.assigned).toBe(optimum.served);
        expect(report.totals.travelCost).toBeCloseTo(optimum.travel, 6);
      }),
      // FC_SEED replays or varies the generated problems (fast-check picks a seed otherwise).
      { numRuns: 25 },
    );
  });
});
