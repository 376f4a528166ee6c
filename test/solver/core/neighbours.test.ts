import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileProblem } from '../../../solver/data.ts';
import type { Problem } from '../../../solver/problem.ts';

/** Jobs 1..3 on a line at distance 10, 20, 30 from job 0 (location = job index + 1; 0 = depot). */
function line(windows: ({ start: number; end: number } | undefined)[]): Problem {
  const xs = [0, 0, 10, 20, 30];
  return {
    matrices: { durations: xs.map((a) => xs.map((b) => Math.abs(a - b))) },
    jobs: windows.map((w, j) => ({
      id: `j${j}`,
      location: j + 1,
      duration: 5,
      ...(w ? { windows: [w] } : {}),
    })),
    technicians: [{ id: 't', start: 0, shift: { start: 0, end: 1000 } }],
  };
}

describe('neighbour lists', () => {
  it('rank by travel for the ruin step and by travel plus forced waiting and lateness for granular moves', () => {
    // Job 0 must start by 10; job 1 (10 away) only from 500: serving one after the other forces
    // 485 s of waiting. Job 2 (20 away) fits right after job 0.
    const cp = compileProblem(
      line([{ start: 0, end: 10 }, { start: 500, end: 510 }, { start: 0, end: 100 }, undefined]),
    );
    expect([...cp.neighbours[0]!]).toEqual([1, 2, 3]);
    expect([...cp.granularNeighbours[0]!]).toEqual([2, 3, 1]);
    // Without windows both lists agree.
    const plain = compileProblem(line([undefined, undefined, undefined, undefined]));
    for (let j = 0; j < plain.nJobs; j++)
      expect([...plain.granularNeighbours[j]!]).toEqual([...plain.neighbours[j]!]);
  });
});

describe('travel neighbours of jobs that share places', () => {
  it('are every job’s k nearest other jobs by travel both ways, ties by job index', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 8 }),
        fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 2, maxLength: 70 }),
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 64, maxLength: 64 }),
        fc.boolean(),
        (nLocs, places, cells, symmetric) => {
          const at = (a: number, b: number): number =>
            a === b ? 0 : symmetric ? cells[Math.min(a, b) * 8 + Math.max(a, b)]! : cells[a * 8 + b]!;
          const durations = Array.from({ length: nLocs }, (_, a) =>
            Array.from({ length: nLocs }, (_, b) => at(a, b)),
          );
          const problem: Problem = {
            matrices: { durations },
            jobs: places.map((p, j) => ({ id: `j${j}`, location: p % nLocs, duration: 5 })),
            technicians: [{ id: 't', start: 0, shift: { start: 0, end: 10_000 } }],
          };
          const cp = compileProblem(problem);
          const loc = places.map((p) => p % nLocs);
          const k = Math.min(40, places.length - 1);
          for (let i = 0; i < places.length; i++) {
            // Both directions' travel; the solver breaks exact ties by a tiny duration term, equal here.
            const key = (j: number): number => at(loc[i]!, loc[j]!) + at(loc[j]!, loc[i]!);
            const expected = places
              .map((_, j) => j)
              .filter((j) => j !== i)
              .sort((a, b) => key(a) - key(b) || a - b)
              .slice(0, k);
            expect([...cp.neighbours[i]!]).toEqual(expected);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
