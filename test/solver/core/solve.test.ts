import { describe, expect, it } from 'vitest';
import { solve, ProblemError } from '../../../solver/index.ts';
import type { Problem } from '../../../solver/problem.ts';
import { fieldDay } from './helpers.ts';
import { violations } from './verify.ts';
import { checkSolution } from '../../../solver/checker.ts';
import { formatIssuePath } from '../../../solver/issue-path.ts';

const tiny = (): Problem => ({
  matrices: {
    durations: [
      [0, 600, 900],
      [600, 0, 300],
      [900, 300, 0],
    ],
  },
  jobs: [
    { id: 'a', location: 1, duration: 1800, windows: [{ start: 9 * 3600, end: 10 * 3600 }] },
    { id: 'b', location: 2, duration: 1800 },
  ],
  technicians: [{ id: 'ann', start: 0, shift: { start: 8 * 3600, end: 17 * 3600 } }],
});

describe('solve', () => {
  it('serves every job of a small day and reports consistent times', () => {
    const problem = tiny();
    const solution = solve(problem, { seed: 3, maxIterations: 200 });
    expect(solution.unassigned).toEqual([]);
    expect(violations(problem, solution)).toEqual([]);
    expect(solution.routes).toHaveLength(1);
    // Optimal tour: 0 → 1 → 2 → 0 or reverse, 600 + 300 + 900 = 1800 seconds = metres here.
    expect(solution.cost.travel).toBe(1800);
  });

  for (const features of [
    { breaks: true },
    { multiWindows: true },
    { skills: true, capacity: true },
    { soft: true },
    { openEnd: true, maxWork: true },
    {
      breaks: true,
      multiWindows: true,
      skills: true,
      capacity: true,
      soft: true,
      openEnd: true,
      maxWork: true,
    },
  ]) {
    it(`returns only feasible plans with ${Object.keys(features).join(', ')}`, () => {
      for (let seed = 1; seed <= 4; seed++) {
        const problem = fieldDay({ jobs: 30, technicians: 3, seed, ...features });
        const solution = solve(problem, { seed, maxIterations: 300 });
        expect(violations(problem, solution)).toEqual([]);
        expect(checkSolution(problem, solution).violations).toEqual([]);
        expect(solution.routes.length + solution.unassigned.length).toBeGreaterThan(0);
      }
    });
  }

  it('is deterministic for a seed', () => {
    const problem = fieldDay({ jobs: 40, technicians: 4, seed: 9, breaks: true, multiWindows: true });
    const a = solve(problem, { seed: 5, maxIterations: 300 });
    const b = solve(problem, { seed: 5, maxIterations: 300 });
    expect(a).toEqual(b);
  });

  it('improves on its construction when given iterations', () => {
    const problem = fieldDay({ jobs: 60, technicians: 5, seed: 2 });
    const quick = solve(problem, { seed: 1, maxIterations: 1 });
    const longer = solve(problem, { seed: 1, maxIterations: 2000 });
    expect(longer.cost.total).toBeLessThan(quick.cost.total);
  });

  it('honours pins: technician, exact start and position', () => {
    const problem = fieldDay({ jobs: 12, technicians: 3, seed: 4 });
    problem.jobs[0] = { ...problem.jobs[0]!, windows: [], pin: { technician: 't2', position: 0 } };
    problem.jobs[1] = {
      ...problem.jobs[1]!,
      windows: [],
      pin: { technician: 't2', position: 1, start: 12 * 3600 },
    };
    const solution = solve(problem, { seed: 1, maxIterations: 300 });
    expect(violations(problem, solution)).toEqual([]);
    const route = solution.routes.find((r) => r.technician === 't2')!;
    expect(route.visits[0]!.job).toBe('j0');
    expect(route.visits[1]!.job).toBe('j1');
    expect(route.visits[1]!.start).toBe(12 * 3600);
  });

  it('returns at once when there is nothing to plan', () => {
    const problem = { ...tiny(), jobs: [] };
    const solution = solve(problem, { timeLimitMs: 60_000, clock: () => 0 });
    expect(solution.routes).toEqual([]);
    expect(solution.stats.iterations).toBe(0);
    expect(solution.cost.total).toBe(0);
  });

  it('reports progress and respects the time budget of the passed-in clock', () => {
    let now = 0;
    const seen: number[] = [];
    const problem = fieldDay({ jobs: 30, technicians: 3, seed: 1 });
    const solution = solve(problem, {
      seed: 1,
      timeLimitMs: 1000,
      clock: () => (now += 1),
      onProgress: (p) => seen.push(p.iteration),
    });
    expect(solution.stats.iterations).toBeLessThan(1000);
    expect(seen.length).toBeGreaterThan(0);
  });
});

describe('unassigned reasons', () => {
  const base = (): Problem => ({
    ...tiny(),
    technicians: [
      { id: 'ann', start: 0, shift: { start: 8 * 3600, end: 12 * 3600 }, skills: ['tv'], capacity: [2] },
    ],
  });
  const reasonOf = (problem: Problem, id: string): string | undefined =>
    solve(problem, { seed: 1, maxIterations: 50 }).unassigned.find((u) => u.job === id)?.reason;

  it('names the missing skill, team, territory, capacity, window and pin', () => {
    const p = base();
    p.jobs.push({ id: 'skill', location: 1, duration: 60, skills: ['hvac'] });
    p.jobs.push({ id: 'team', location: 1, duration: 60, technicians: 2 });
    p.jobs.push({ id: 'heavy', location: 1, duration: 60, load: [5] });
    p.jobs.push({ id: 'late', location: 1, duration: 60, windows: [{ start: 20 * 3600, end: 21 * 3600 }] });
    p.jobs.push({ id: 'pinned', location: 1, duration: 60, pin: { start: 3600 } });
    expect(reasonOf(p, 'skill')).toBe('NO_SKILLED_TECHNICIAN');
    expect(reasonOf(p, 'team')).toBe('NO_TEAM_LARGE_ENOUGH');
    expect(reasonOf(p, 'heavy')).toBe('EXCEEDS_CAPACITY');
    expect(reasonOf(p, 'late')).toBe('NO_WINDOW_FITS');
    expect(reasonOf(p, 'pinned')).toBe('PIN_UNSATISFIABLE');
  });

  it('says OUTSIDE_TERRITORY when only the territory rules a technician out', () => {
    const p = base();
    p.technicians[0] = { ...p.technicians[0]!, allowedJobs: ['a', 'b'] };
    p.jobs.push({ id: 'far', location: 1, duration: 60 });
    expect(reasonOf(p, 'far')).toBe('OUTSIDE_TERRITORY');
  });

  it('says DISPLACED when a job fits alone but more valuable work took the time', () => {
    const p = base();
    p.jobs = [
      { id: 'gold', location: 1, duration: 3 * 3600, priority: 10 },
      { id: 'tin', location: 2, duration: 3 * 3600, priority: 1 },
    ];
    const solution = solve(p, { seed: 1, maxIterations: 50 });
    expect(solution.routes[0]!.visits.map((v) => v.job)).toEqual(['gold']);
    expect(solution.unassigned).toEqual([{ job: 'tin', reason: 'DISPLACED' }]);
  });
});

describe('validation', () => {
  const issuesOf = (problem: unknown): { path: (string | number)[]; message: string }[] => {
    try {
      solve(problem as Problem);
    } catch (error) {
      expect(error).toBeInstanceOf(ProblemError);
      return (error as ProblemError).issues;
    }
    throw new Error('expected a ProblemError');
  };

  it('rejects a window ending before it starts and a negative duration', () => {
    const p = tiny();
    p.jobs[0]!.windows = [{ start: 100, end: 50 }];
    p.jobs[1]!.duration = -1;
    const paths = issuesOf(p).map((i) => formatIssuePath(i.path));
    expect(paths).toContain('jobs[0].windows[0]');
    expect(paths).toContain('jobs[1].duration');
  });

  it('rejects matrices that are not square or do not match the locations', () => {
    const p = tiny();
    p.matrices.durations[1] = [600, 0];
    p.matrices.distances = [[0]];
    p.jobs[1]!.location = 7;
    const paths = issuesOf(p).map((i) => formatIssuePath(i.path));
    expect(paths).toEqual(
      expect.arrayContaining(['matrices.durations[1]', 'matrices.distances', 'jobs[1].location']),
    );
  });

  it('rejects matrix entries that are not finite non-negative numbers', () => {
    const p = tiny();
    p.matrices.durations[2]![1] = -5;
    (p.matrices.durations[1] as unknown[])[0] = 'x';
    const paths = issuesOf(p).map((i) => formatIssuePath(i.path));
    expect(paths).toEqual(expect.arrayContaining(['matrices.durations[2][1]', 'matrices.durations[1][0]']));
    expect(
      issuesOf({ ...tiny(), matrices: { durations: 'none' } }).map((i) => formatIssuePath(i.path)),
    ).toContain('matrices.durations');
  });

  it('rejects unknown ids in pins, allowedJobs and durationByTechnician', () => {
    const p = tiny();
    p.jobs[0]!.pin = { technician: 'nobody' };
    p.jobs[1]!.durationByTechnician = { ghost: 60 };
    p.technicians[0]!.allowedJobs = ['zzz'];
    const paths = issuesOf(p).map((i) => formatIssuePath(i.path));
    expect(paths).toEqual(
      expect.arrayContaining([
        'jobs[0].pin.technician',
        'jobs[1].durationByTechnician.ghost',
        'technicians[0].allowedJobs[0]',
      ]),
    );
  });
});
