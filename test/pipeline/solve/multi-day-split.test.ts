/**
 * The split decision of multi-day visits looks at the job's windows: a job that fits a day's
 * work but not from any start its windows allow is split, so that it can be served; a job that
 * fits whole from one of its windows stays whole; every part fits a day.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Job, Problem, Technician } from '../../../solver/problem.ts';
import { checkSolution } from '../../../solver/checker.ts';
import { splitLongJobs } from '../../../src/pipeline/solve/multi-day.ts';
import { solveInWorker } from '../../../src/pipeline/solve/solve-in-worker.ts';

const G = 900;
const HOUR = 3600;
const DAY = 24 * HOUR;
const split = (jobs: Job[], routes: Technician[], durations: number[][]) =>
  splitLongJobs(jobs, routes, { durations, g: G, frozen: new Set(), keptPart: () => undefined });

describe('a job that fits a day but not from its window', () => {
  // Ann works 08:00–17:00 on two days running; the home is next door to the job.
  const routes: Technician[] = [0, 1].map((d) => ({
    id: `ann@${d}`,
    members: ['ann'],
    start: 1,
    shift: { start: d * DAY + 8 * HOUR, end: d * DAY + 17 * HOUR },
    skills: ['HVAC'],
  }));
  const durations = [
    [0, 0],
    [0, 0],
  ];
  const job = (id: string, opens: number): Job => ({
    id,
    location: 0,
    duration: 3 * HOUR,
    skills: ['HVAC'],
    windows: [{ start: opens, end: opens }],
  });

  it('is split when its window opens 2 h before the shift ends, and then served', async () => {
    const late = split([job('late', 15 * HOUR)], routes, durations);
    expect(late.jobs.map((j) => [j.id, j.duration])).toEqual([
      ['late', 1.5 * HOUR],
      ['late#part2', 1.5 * HOUR],
    ]);
    expect(late.links).toEqual([{ kind: 'consecutive-days', jobs: ['late', 'late#part2'] }]);
    const problem: Problem = {
      matrices: { durations },
      jobs: late.jobs,
      technicians: routes,
      links: late.links,
    };
    const solution = await solveInWorker({ problem, seed: 1, maxIterations: 200 });
    expect(checkSolution(problem, solution).violations).toEqual([]);
    expect(solution.unassigned).toEqual([]);
  });

  it('stays whole when it fits from its window', () => {
    const early = split([job('early', 9 * HOUR)], routes, durations);
    expect(early.jobs.map((j) => [j.id, j.duration])).toEqual([['early', 3 * HOUR]]);
    expect(early.links).toEqual([]);
  });
});

/** Whether the route can serve `length` seconds of work starting at `t` (one break at most, not taken during service). */
function fitsAt(route: Technician, there: number, back: number, t: number, length: number): boolean {
  if (t < route.shift.start + there || t + length > route.shift.end - back) return false;
  return (route.breaks ?? []).every(
    (b) =>
      Math.max(b.window.start, route.shift.start + there) + b.duration <= t || t + length <= b.window.end,
  );
}

/** Grid starts the job's windows allow on the route's day (any in the shift when it has none). */
function startsOf(route: Technician, job: Job): number[] {
  const spans = job.windows ?? [{ start: route.shift.start, end: route.shift.end }];
  return spans.flatMap((w) => {
    const out: number[] = [];
    for (let t = Math.ceil(w.start / G) * G; t <= w.end; t += G) out.push(t);
    return out;
  });
}

/** Whether one team serves the parts in order: the first from a window start, each later one on the team's next shift. */
function chainServes(
  lengths: readonly number[],
  routes: readonly Technician[],
  job: Job,
  trip: (r: Technician) => readonly [number, number],
): boolean {
  return routes.some((r) => {
    const team = routes.filter((x) => x.members![0] === r.members![0]);
    const from = team.indexOf(r);
    if (
      from + lengths.length > team.length ||
      !startsOf(r, job).some((t) => fitsAt(r, ...trip(r), t, lengths[0]!))
    )
      return false;
    return lengths.slice(1).every((length, k) => {
      const day = team[from + k + 1]!;
      const { windows: _w, ...anyTime } = job;
      return startsOf(day, anyTime).some((t) => fitsAt(day, ...trip(day), t, length));
    });
  });
}

const teams = fc.array(
  fc.record({
    days: fc.integer({ min: 1, max: 3 }),
    from: fc.integer({ min: 24, max: 40 }), // shift start, quarter hours
    length: fc.integer({ min: 24, max: 40 }),
    lunch: fc.option(
      fc.record({ at: fc.integer({ min: 8, max: 24 }), slack: fc.integer({ min: 0, max: 8 }) }),
    ),
    there: fc.integer({ min: 0, max: 4 }),
    back: fc.integer({ min: 0, max: 4 }),
  }),
  { minLength: 1, maxLength: 3 },
);
const jobs = fc.record({
  quarters: fc.integer({ min: 4, max: 80 }),
  windows: fc.option(
    fc.array(
      fc.record({
        day: fc.integer({ min: 0, max: 2 }),
        at: fc.integer({ min: 24, max: 72 }),
        width: fc.integer({ min: 0, max: 16 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  ),
});

describe('the split rule', () => {
  it('splits only a job no route can serve whole from its windows, into parts that fit a day, and one team can serve them when any can', () => {
    fc.assert(
      fc.property(teams, jobs, (ts, j) => {
        // Location 0 is the job; team i's home is location i + 1.
        const n = ts.length + 1;
        const durations = Array.from({ length: n }, () => Array.from({ length: n }, () => 0));
        const routes: Technician[] = [];
        ts.forEach((t, i) => {
          durations[i + 1]![0] = t.there * G;
          durations[0]![i + 1] = t.back * G;
          for (let d = 0; d < t.days; d++) {
            const start = d * DAY + t.from * G;
            routes.push({
              id: `t${i}@${d}`,
              members: [`t${i}`],
              start: i + 1,
              shift: { start, end: start + t.length * G },
              ...(t.lunch !== null
                ? {
                    breaks: [
                      {
                        id: 'lunch',
                        duration: 2 * G,
                        window: {
                          start: start + t.lunch.at * G,
                          end: start + (t.lunch.at + t.lunch.slack) * G,
                        },
                      },
                    ],
                  }
                : {}),
            });
          }
        });
        const job: Job = {
          id: 'J',
          location: 0,
          duration: j.quarters * G,
          ...(j.windows !== null
            ? {
                windows: j.windows.map((w) => ({
                  start: w.day * DAY + w.at * G,
                  end: w.day * DAY + (w.at + w.width) * G,
                })),
              }
            : {}),
        };
        const out = split([job], routes, durations);
        const lengths = out.jobs.map((p) => p.duration);
        expect(lengths.reduce((a, b) => a + b, 0)).toBe(job.duration);
        const trip = (r: Technician) => [durations[r.start]![0]!, durations[0]![r.start]!] as const;
        const servedWhole = routes.some((r) =>
          startsOf(r, job).some((t) => fitsAt(r, ...trip(r), t, job.duration)),
        );
        if (lengths.length > 1) expect(servedWhole).toBe(false);
        else expect(out.links).toEqual([]);
        const { windows: _w, ...anyTime } = job;
        // Every part fits some route's day (a part of a job that is split at all).
        if (lengths.length > 1)
          for (const length of lengths)
            expect(
              routes.some((r) => startsOf(r, anyTime).some((t) => fitsAt(r, ...trip(r), t, length))),
            ).toBe(true);
        // A job some team can serve in parts is split into parts one team can serve.
        const servable = Array.from({ length: routes.length - 1 }, (_, i) => i + 2).some((k) => {
          const each = Math.ceil(job.duration / k / G) * G;
          const parts = [...Array.from({ length: k - 1 }, () => each), job.duration - each * (k - 1)];
          return parts.every((p) => p > 0) && chainServes(parts, routes, job, trip);
        });
        if (!servedWhole && servable) expect(chainServes(lengths, routes, job, trip)).toBe(true);
      }),
      { numRuns: 300, seed: 42 },
    );
  });
});
