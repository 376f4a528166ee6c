import { describe, expect, it } from 'vitest';
import { checkSolution } from '../../../solver/checker.ts';
import { compileProblem } from '../../../solver/data.ts';
import { solve } from '../../../solver/index.ts';
import type { Problem } from '../../../solver/problem.ts';
import { emptyDetail, scheduleRoute } from '../../../solver/schedule.ts';

/**
 * t1 (the only one with the skill) starts 1805 s from the jobs. Serving j0 and taking lunch
 * there before driving home ends at 46805, 5 s after the shift; driving home first and taking
 * lunch there ends at 45000. Found by the exhaustive-search property test.
 */
const far = 1805;
const problem: Problem = {
  matrices: {
    durations: [
      [0, 0, 0, 0, far],
      [0, 0, 0, 0, far],
      [0, 0, 0, 0, far],
      [0, 0, 0, 0, far],
      [far, far, far, far, 0],
    ],
    distances: [
      [0, 0, 0, 0, 30083],
      [0, 0, 0, 0, 30083],
      [0, 0, 0, 0, 30083],
      [0, 0, 0, 0, 30083],
      [30083, 30083, 30083, 30083, 0],
    ],
  },
  jobs: [
    { id: 'j0', location: 0, duration: 900, skills: ['elec'], load: [0] },
    { id: 'j1', location: 1, duration: 900, load: [0] },
    { id: 'j2', location: 2, duration: 900, load: [0] },
  ],
  technicians: [
    { id: 't0', start: 3, shift: { start: 28800, end: 46800 }, capacity: [6] },
    {
      id: 't1',
      start: 4,
      shift: { start: 28800, end: 46800 },
      capacity: [6],
      skills: ['elec'],
      breaks: [{ id: 'lunch1', duration: 1800, window: { start: 43200, end: 46800 } }],
    },
  ],
  objective: { travel: 'distance' },
};

describe('a break after the last visit', () => {
  it('may be taken at the route end, after the way back', () => {
    const cp = compileProblem(problem);
    const detail = emptyDetail();
    const cost = scheduleRoute(cp, 1, [0], 1, detail);
    expect(cost).toBe(2 * 30083);
    expect(detail.end).toBe(45000);
    expect(detail.breaks).toEqual([{ index: 0, start: 43200, end: 45000, afterVisits: 1 }]);
  });

  it('is taken before the way back when its window closes before the arrival', () => {
    const tight: Problem = {
      ...problem,
      technicians: problem.technicians.map((t) =>
        t.id === 't1'
          ? { ...t, breaks: [{ id: 'b', duration: 600, window: { start: 29000, end: 32000 } }] }
          : t,
      ),
    };
    const cp = compileProblem(tight);
    const detail = emptyDetail();
    // Service ends at 31505; arriving home at 33310 would miss the window.
    expect(scheduleRoute(cp, 1, [0], 1, detail)).toBe(2 * 30083);
    expect(detail.breaks).toEqual([{ index: 0, start: 31505, end: 32105, afterVisits: 1 }]);
    expect(detail.end).toBe(32105 + far);
  });

  it('lets the solver serve every job, and the plan passes the checker', () => {
    const solution = solve(problem, { seed: 1, maxIterations: 2000 });
    expect(solution.unassigned).toEqual([]);
    expect(checkSolution(problem, solution).violations).toEqual([]);
  });
});
