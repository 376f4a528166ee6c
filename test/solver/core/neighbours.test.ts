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
        fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 2, maxLength: 70, size: 'max' }),
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

describe('granular neighbours of jobs alike in place, window and duration', () => {
  it('rank every other job by travel plus the waiting and lateness it forces, ties by job index', () => {
    const job = fc.record({
      place: fc.integer({ min: 0, max: 3 }),
      duration: fc.constantFrom(5, 10),
      window: fc.option(fc.constantFrom(0, 20, 40), { nil: undefined }),
      length: fc.constantFrom(10, 30),
    });
    fc.assert(
      fc.property(fc.array(job, { minLength: 2, maxLength: 60, size: 'max' }), (spec) => {
        const xs = [0, 7, 15, 30];
        const at = (a: number, b: number): number => Math.abs(xs[a]! - xs[b]!);
        const problem: Problem = {
          matrices: { durations: xs.map((_, a) => xs.map((__, b) => at(a, b))) },
          jobs: spec.map((s, j) => ({
            id: `j${j}`,
            location: s.place,
            duration: s.duration,
            ...(s.window !== undefined ? { windows: [{ start: s.window, end: s.window + s.length }] } : {}),
          })),
          technicians: [{ id: 't', start: 0, shift: { start: 0, end: 10_000 } }],
        };
        const cp = compileProblem(problem);
        const early = spec.map((s) => (s.window !== undefined ? s.window : -Infinity));
        const late = spec.map((s) => (s.window !== undefined ? s.window + s.length : Infinity));
        // One after the other: travel, then 0.2 × the wait and 1 × the lateness forced (durations
        // are the only matrix, so a second of travel is one unit).
        const after = (i: number, j: number): number => {
          const t = at(spec[i]!.place, spec[j]!.place);
          const wait = early[j]! - t - spec[i]!.duration - late[i]!;
          const lateness = early[i]! + spec[i]!.duration + t - late[j]!;
          return t + (wait > 0 ? 0.2 * wait : 0) + (lateness > 0 ? lateness : 0);
        };
        const k = Math.min(40, spec.length - 1);
        for (let i = 0; i < spec.length; i++) {
          const key = (j: number): number => Math.min(after(i, j), after(j, i));
          const expected = spec
            .map((_, j) => j)
            .filter((j) => j !== i)
            .sort((a, b) => key(a) - key(b) || a - b)
            .slice(0, k);
          expect([...cp.granularNeighbours[i]!]).toEqual(expected);
        }
      }),
      { numRuns: 300 },
    );
  });
});
