import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSolution } from '../../solver/checker.ts';
import { ProblemError, solve } from '../../solver/index.ts';
import { formatIssuePath } from '../../solver/issue-path.ts';
import type { Problem } from '../../solver/problem.ts';
import type { Solution } from '../../solver/solution.ts';
import { exhaustiveLinked } from './support/exhaustive-linked.ts';
import { multidayProblem } from './support/multiday-problem.ts';

const H = 3600;
const DAY = 24 * H;

/** Uniform 10-minute travel between distinct places. */
function grid(size: number): number[][] {
  return Array.from({ length: size }, (_, a) => Array.from({ length: size }, (_, b) => (a === b ? 0 : 600)));
}

function shift(person: string, day: number, members = [person]): Problem['technicians'][number] {
  return {
    id: `${person}-d${day}`,
    members,
    start: 0,
    shift: { start: day * DAY + 8 * H, end: day * DAY + 17 * H },
  };
}

function routeOf(solution: Solution, job: string): string | undefined {
  return solution.routes.find((r) => r.visits.some((v) => v.job === job))?.technician;
}

/** A two-day install of 8 h a day and a one-day job, for ann (days 0, 2, 3) and bob (day 0). */
function install(): Problem {
  return {
    matrices: { durations: grid(3) },
    technicians: [shift('ann', 0), shift('ann', 2), shift('ann', 3), shift('bob', 0)],
    jobs: [
      { id: 'install.1', location: 1, duration: 8 * H },
      { id: 'install.2', location: 1, duration: 8 * H },
      { id: 'survey', location: 2, duration: 8 * H, windows: [{ start: 8 * H, end: 9 * H }] },
    ],
    links: [{ kind: 'consecutive-days', jobs: ['install.1', 'install.2'] }],
    objective: { travel: 'duration' },
  };
}

describe('multi-day visits', () => {
  it('serves the parts on consecutive shifts of one person, skipping days off', () => {
    const p = install();
    const s = solve(p, { seed: 1, maxIterations: 200 });
    expect(checkSolution(p, s).violations).toEqual([]);
    expect(s.unassigned).toEqual([]);
    // bob takes the survey on day 0; ann's next shift after day 0 is day 2 (day 1 off), or 2 → 3.
    expect(routeOf(s, 'survey')).toBe('bob-d0');
    const first = routeOf(s, 'install.1');
    const second = routeOf(s, 'install.2');
    expect([first, second].every((r) => r?.startsWith('ann-'))).toBe(true);
    expect(['ann-d0>ann-d2', 'ann-d2>ann-d3']).toContain(`${first}>${second}`);
  });

  it('follows the part windows: a part that must be on day 3 pulls the first to day 2', () => {
    const p = install();
    p.jobs[1]!.windows = [{ start: 3 * DAY, end: 4 * DAY }];
    const s = solve(p, { seed: 1, maxIterations: 200 });
    expect(checkSolution(p, s).violations).toEqual([]);
    expect(routeOf(s, 'install.1')).toBe('ann-d2');
    expect(routeOf(s, 'install.2')).toBe('ann-d3');
  });

  it('moves the whole visit to another person when the nearest one has no next day free', () => {
    // ann lives next to the job but her day 1 is full; bob, further away, has both days free.
    const p: Problem = {
      matrices: {
        durations: [
          [0, 60, 1800, 1800],
          [60, 0, 1800, 1800],
          [1800, 1800, 0, 1800],
          [1800, 1800, 1800, 0],
        ],
      },
      technicians: [
        { ...shift('ann', 0), start: 0 },
        { ...shift('ann', 1), start: 0 },
        { ...shift('bob', 0), start: 2 },
        { ...shift('bob', 1), start: 2 },
      ],
      jobs: [
        { id: 'install.1', location: 1, duration: 6 * H },
        { id: 'install.2', location: 1, duration: 6 * H },
        { id: 'repair', location: 3, duration: 8 * H, priority: 3, pin: { technician: 'ann-d1' } },
      ],
      links: [{ kind: 'consecutive-days', jobs: ['install.1', 'install.2'] }],
      objective: { travel: 'duration' },
    };
    const s = solve(p, { seed: 1, maxIterations: 50 });
    expect(checkSolution(p, s).violations).toEqual([]);
    expect(s.unassigned).toEqual([]);
    expect([routeOf(s, 'install.1'), routeOf(s, 'install.2')]).toEqual(['bob-d0', 'bob-d1']);
  });

  it('keeps a crew together across the days', () => {
    const p = install();
    p.technicians = [
      shift('crew', 0, ['ann', 'bob']),
      shift('ann', 1),
      shift('bob', 1),
      shift('crew', 2, ['bob', 'ann']),
    ];
    p.jobs = p.jobs.slice(0, 2).map((j) => ({ ...j, technicians: 2 }));
    const s = solve(p, { seed: 1, maxIterations: 200 });
    expect(checkSolution(p, s).violations).toEqual([]);
    expect([routeOf(s, 'install.1'), routeOf(s, 'install.2')]).toEqual(['crew-d0', 'crew-d2']);
  });

  it('says NO_CONSECUTIVE_DAYS when nobody works two shifts, and serves no part', () => {
    const p = install();
    p.technicians = [shift('ann', 0), shift('bob', 1)];
    const s = solve(p, { seed: 1, maxIterations: 50 });
    expect(checkSolution(p, s).violations).toEqual([]);
    expect(s.unassigned.filter((u) => u.job.startsWith('install')).map((u) => u.reason)).toEqual([
      'NO_CONSECUTIVE_DAYS',
      'NO_CONSECUTIVE_DAYS',
    ]);
  });

  it('leaves all parts out when no two consecutive shifts are free: NO_CONSECUTIVE_DAYS', () => {
    const p = install();
    // Room on days 0 and 2, but day 1 in between is taken: no two consecutive shifts free.
    p.technicians = [shift('ann', 0), shift('ann', 1), shift('ann', 2)];
    p.jobs[2] = {
      id: 'vip',
      location: 2,
      duration: 8 * H,
      priority: 5,
      windows: [{ start: DAY + 8 * H, end: DAY + 9 * H }],
    };
    const s = solve(p, { seed: 1, maxIterations: 100 });
    expect(checkSolution(p, s).violations).toEqual([]);
    expect(routeOf(s, 'vip')).toBe('ann-d1');
    expect(s.unassigned.map((u) => `${u.job}:${u.reason}`).sort()).toEqual([
      'install.1:NO_CONSECUTIVE_DAYS',
      'install.2:NO_CONSECUTIVE_DAYS',
    ]);
  });

  it('rejects parts that need several routes and a job in two chains, naming the field', () => {
    const p = install();
    p.jobs[0]!.technicians = 2;
    p.links!.push({ kind: 'consecutive-days', jobs: ['install.2', 'survey'] });
    let error: unknown;
    try {
      solve(p);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProblemError);
    const messages = (error as ProblemError).issues.map((i) => `${formatIssuePath(i.path)}: ${i.message}`);
    expect(messages).toEqual([
      'links[0].jobs[0]: job "install.1" is served by several routes; consecutive-days needs one-route jobs',
      'links[1].jobs[0]: job "install.2" is already a part of another consecutive-days link; expected one at most',
    ]);
  });
});

describe('checker on multi-day visits', () => {
  it('flags other people, a skipped shift, a wrong order and a missing part', () => {
    const p = install();
    p.technicians.push(shift('ann', 1));
    const s = solve(p, { seed: 1, maxIterations: 100 });
    expect(checkSolution(p, s).violations).toEqual([]);
    const moveTo = (plan: Solution, job: string, to: string): Solution => {
      const copy = structuredClone(plan);
      const from = copy.routes.find((r) => r.visits.some((v) => v.job === job))!;
      const onto = copy.routes.find((r) => r.technician === to)!;
      const visit = from.visits.find((v) => v.job === job)!;
      const shiftBy =
        p.technicians.find((t) => t.id === to)!.shift.start -
        p.technicians.find((t) => t.id === from.technician)!.shift.start;
      from.visits = from.visits.filter((v) => v !== visit);
      onto.visits.push({
        ...visit,
        arrival: visit.arrival + shiftBy,
        start: visit.start + shiftBy,
        end: visit.end + shiftBy,
      });
      return copy;
    };
    const codes = (plan: Solution): string[] =>
      checkSolution(p, plan)
        .violations.map((v) => v.code)
        .filter((c) => c.startsWith('DAYS_') || c === 'LINK_PARTIAL');
    const first = routeOf(s, 'install.1')!;
    expect(first.startsWith('ann-')).toBe(true);
    const routes = (plan: Solution): Solution => {
      // Every route listed, so a part can be moved onto an empty one.
      const copy = structuredClone(plan);
      for (const t of p.technicians) {
        if (!copy.routes.some((r) => r.technician === t.id)) {
          copy.routes.push({ ...structuredClone(plan.routes[0]!), technician: t.id, visits: [], breaks: [] });
        }
      }
      return copy;
    };
    const all = routes(s);
    expect(codes(moveTo(all, 'install.2', 'bob-d0'))).toEqual(['DAYS_SAME_TEAM']);
    const skipTo = first === 'ann-d0' ? 'ann-d2' : 'ann-d0';
    expect(codes(moveTo(all, 'install.2', skipTo))).toEqual(['DAYS_CONSECUTIVE']);
    const partial = structuredClone(s);
    for (const r of partial.routes) r.visits = r.visits.filter((v) => v.job !== 'install.2');
    partial.unassigned.push({ job: 'install.2', reason: 'DISPLACED' });
    expect(codes(partial)).toEqual(['LINK_PARTIAL']);
  });
});

describe('multi-day visits on random problems', () => {
  it('returns plans the checker accepts: same person, consecutive shifts, all parts or none', () => {
    fc.assert(
      fc.property(multidayProblem(), fc.integer({ min: 1, max: 1000 }), (problem, seed) => {
        const solution = solve(problem, { seed, maxIterations: 200 });
        const report = checkSolution(problem, solution);
        expect(report.violations).toEqual([]);
        expect(report.totals.assigned + report.totals.unassigned).toBe(problem.jobs.length);
      }),
      { numRuns: 60 },
    );
  });

  it('serves as many jobs as the exhaustive optimum on tiny problems', () => {
    const tiny = multidayProblem({ maxPeople: 2, maxDays: 2, maxSingles: 2, maxLong: 1 }).filter(
      (p) => p.jobs.length <= 5 && p.technicians.length <= 4,
    );
    fc.assert(
      fc.property(tiny, (problem) => {
        const optimum = exhaustiveLinked(problem);
        const solution = solve(problem, { seed: 1, maxIterations: 500 });
        const report = checkSolution(problem, solution);
        expect(report.violations).toEqual([]);
        expect(report.totals.assigned).toBe(optimum.served);
      }),
      { numRuns: 30 },
    );
  });
});
