import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSolution } from '../../solver/checker.ts';
import { compileProblem, ProblemError, solve } from '../../solver/index.ts';
import { JointSchedule } from '../../solver/links.ts';
import { problemToVroom } from '../../solver/formats/vroom-write.ts';
import type { Problem } from '../../solver/problem.ts';
import type { Solution } from '../../solver/solution.ts';
import { exhaustiveLinked } from './support/exhaustive-linked.ts';
import { linkedProblem } from './support/linked-problem.ts';
import { formatIssuePath } from '../../solver/issue-path.ts';

const H = 3600;
const OPTIONS = { maxIterations: 300 };
const LINK_REASONS = new Set([
  'NO_SKILLED_TECHNICIAN',
  'NO_TEAM_LARGE_ENOUGH',
  'NO_WINDOW_FITS',
  'DISPLACED',
  'NO_PARTNER_FREE',
  'LINKED_JOB_UNASSIGNED',
  'LINK_UNSATISFIABLE',
]);

/** Uniform 10-minute travel between distinct places. */
function grid(size: number): number[][] {
  return Array.from({ length: size }, (_, a) => Array.from({ length: size }, (_, b) => (a === b ? 0 : 600)));
}

function startsOf(solution: Solution, job: string): { technician: string; start: number }[] {
  return solution.routes.flatMap((r) =>
    r.visits.filter((v) => v.job === job).map((v) => ({ technician: r.technician, start: v.start })),
  );
}

describe('linked visits on random problems', () => {
  it('returns plans the checker accepts: common starts, delays, routes, all or none', () => {
    fc.assert(
      fc.property(linkedProblem(), fc.integer({ min: 1, max: 1000 }), (problem, seed) => {
        const solution = solve(problem, { ...OPTIONS, seed });
        const report = checkSolution(problem, solution);
        expect(report.violations).toEqual([]);
        expect(report.totals.assigned + report.totals.unassigned).toBe(problem.jobs.length);
        for (const u of solution.unassigned) expect(LINK_REASONS.has(u.reason), u.reason).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('finds the exhaustive optimum on tiny problems', () => {
    const tiny = linkedProblem({ maxJobs: 4, maxTechnicians: 3, simple: true }).filter(
      (p) => p.jobs.reduce((s, j) => s + (j.technicians ?? 1), 0) <= 6,
    );
    fc.assert(
      fc.property(tiny, (problem) => {
        const optimum = exhaustiveLinked(problem);
        const solution = solve(problem, { seed: 1, maxIterations: 1500 });
        const report = checkSolution(problem, solution);
        expect(report.violations).toEqual([]);
        expect(report.totals.assigned).toBe(optimum.served);
        expect(report.totals.travelDuration).toBeCloseTo(optimum.travel, 6);
      }),
      { numRuns: 25 },
    );
  });
});

describe('synchronised visits', () => {
  const base = (): Problem => ({
    matrices: { durations: grid(6) },
    technicians: [
      { id: 'ann', start: 0, shift: { start: 8 * H, end: 17 * H }, skills: ['APPLIANCE_INSTALL'] },
      { id: 'bob', start: 0, shift: { start: 8 * H, end: 17 * H }, skills: ['HELPER'] },
    ],
    jobs: [],
    objective: { travel: 'duration' },
  });

  it('waits for the partner: both members start when the later one can', () => {
    const p = base();
    p.jobs.push(
      { id: 'long', location: 1, duration: 3 * H, windows: [{ start: 8 * H + 600, end: 8 * H + 600 }] },
      { id: 'pair', location: 2, duration: H, technicians: 2 },
    );
    const s = solve(p, { seed: 1, maxIterations: 100 });
    expect(checkSolution(p, s).violations).toEqual([]);
    expect(s.unassigned).toEqual([]);
    const pair = startsOf(s, 'pair');
    expect(pair.map((x) => x.technician).sort()).toEqual(['ann', 'bob']);
    expect(pair[0]!.start).toBe(pair[1]!.start);
    // Whoever does `long` (8:10 to 11:10) travels 10 min; the other waits for them.
    expect(pair[0]!.start).toBe(11 * H + 1200);
  });

  it('splits skills across members', () => {
    const p = base();
    p.jobs.push({
      id: 'install',
      location: 1,
      duration: H,
      technicians: 2,
      memberSkills: [['APPLIANCE_INSTALL'], ['HELPER']],
    });
    const s = solve(p, { seed: 1, maxIterations: 50 });
    expect(s.unassigned).toEqual([]);
    expect(checkSolution(p, s).violations).toEqual([]);
    // Two installers are not enough when one member must be the helper.
    const q = base();
    q.technicians[1]!.skills = ['APPLIANCE_INSTALL'];
    q.jobs = p.jobs;
    expect(solve(q, { seed: 1, maxIterations: 50 }).unassigned).toEqual([
      { job: 'install', reason: 'NO_SKILLED_TECHNICIAN' },
    ]);
  });

  it('says NO_PARTNER_FREE when one member fits but the other never can at the same start', () => {
    const p = base();
    p.technicians[1]!.shift = { start: 13 * H, end: 17 * H };
    p.jobs.push({
      id: 'pair',
      location: 1,
      duration: H,
      technicians: 2,
      windows: [{ start: 9 * H, end: 10 * H }],
    });
    const s = solve(p, { seed: 1, maxIterations: 50 });
    expect(s.unassigned).toEqual([{ job: 'pair', reason: 'NO_PARTNER_FREE' }]);
    expect(checkSolution(p, s).violations).toEqual([]);
  });

  it('times opposite orders of two pairs as infeasible (a cycle of waits across routes)', () => {
    const p = base();
    p.jobs.push(
      { id: 'a', location: 1, duration: H, technicians: 2 },
      { id: 'b', location: 2, duration: H, technicians: 2 },
    );
    const cp = compileProblem(p);
    const js = new JointSchedule(cp);
    // Visits: a = 0, 1; b = 2, 3.
    const routeOf = Int32Array.from([0, 1, 0, 1]);
    expect(
      js.evaluate(
        [
          [0, 2],
          [1, 3],
        ],
        routeOf,
      ),
    ).toBeLessThan(Infinity);
    expect(js.start[0]).toBe(js.start[1]);
    expect(js.start[2]).toBe(js.start[3]);
    expect(
      js.evaluate(
        [
          [0, 2],
          [3, 1],
        ],
        routeOf,
      ),
    ).toBe(Infinity);
  });

  it('orders two pairs on the same two routes consistently', () => {
    const p = base();
    p.technicians[0]!.skills = [];
    p.technicians[1]!.skills = [];
    p.jobs.push(
      { id: 'a', location: 1, duration: H, technicians: 2 },
      { id: 'b', location: 2, duration: H, technicians: 2 },
    );
    const s = solve(p, { seed: 3, maxIterations: 100 });
    expect(s.unassigned).toEqual([]);
    const a = startsOf(s, 'a');
    const b = startsOf(s, 'b');
    expect(a[0]!.start).toBe(a[1]!.start);
    expect(b[0]!.start).toBe(b[1]!.start);
    expect(Math.abs(a[0]!.start - b[0]!.start)).toBeGreaterThanOrEqual(H);
  });

  it('serves a job needing three people only with three routes', () => {
    const p = base();
    p.jobs.push({ id: 'trio', location: 1, duration: H, technicians: 3 });
    expect(solve(p, { seed: 1, maxIterations: 20 }).unassigned).toEqual([
      { job: 'trio', reason: 'NO_TEAM_LARGE_ENOUGH' },
    ]);
    p.technicians.push({ id: 'cy', start: 0, shift: { start: 8 * H, end: 17 * H } });
    const s = solve(p, { seed: 1, maxIterations: 20 });
    expect(s.unassigned).toEqual([]);
    expect(new Set(startsOf(s, 'trio').map((x) => x.start)).size).toBe(1);
  });
});

describe('precedence and technician links', () => {
  const base = (): Problem => ({
    matrices: { durations: grid(6) },
    technicians: [
      { id: 'ann', start: 0, shift: { start: 8 * H, end: 17 * H } },
      { id: 'bob', start: 0, shift: { start: 8 * H, end: 17 * H } },
    ],
    jobs: [
      { id: 'deliver', location: 1, duration: H },
      { id: 'install', location: 2, duration: H },
    ],
    objective: { travel: 'duration' },
  });

  it('starts `to` between minDelay and maxDelay after `from` starts', () => {
    const p = base();
    p.links = [{ kind: 'precedence', from: 'deliver', to: 'install', minDelay: 3 * H, maxDelay: 4 * H }];
    const s = solve(p, { seed: 1, maxIterations: 100 });
    expect(checkSolution(p, s).violations).toEqual([]);
    const delay = startsOf(s, 'install')[0]!.start - startsOf(s, 'deliver')[0]!.start;
    expect(delay).toBeGreaterThanOrEqual(3 * H);
    expect(delay).toBeLessThanOrEqual(4 * H);
  });

  it('keeps linked jobs on one technician, or on different ones', () => {
    const same = base();
    same.links = [{ kind: 'same-technician', jobs: ['deliver', 'install'] }];
    const s = solve(same, { seed: 1, maxIterations: 100 });
    expect(
      new Set([...startsOf(s, 'deliver'), ...startsOf(s, 'install')].map((x) => x.technician)).size,
    ).toBe(1);
    const diff = base();
    diff.links = [{ kind: 'different-technicians', jobs: ['deliver', 'install'] }];
    const d = solve(diff, { seed: 1, maxIterations: 100 });
    expect(
      new Set([...startsOf(d, 'deliver'), ...startsOf(d, 'install')].map((x) => x.technician)).size,
    ).toBe(2);
  });

  it('leaves both out when the delay cannot fit the day, with link reasons', () => {
    const p = base();
    p.links = [{ kind: 'precedence', from: 'deliver', to: 'install', minDelay: 10 * H }];
    const s = solve(p, { seed: 1, maxIterations: 50 });
    expect(s.unassigned.map((u) => u.reason)).toEqual(['LINK_UNSATISFIABLE', 'LINK_UNSATISFIABLE']);
    expect(checkSolution(p, s).violations).toEqual([]);
  });

  it('warns that links have no VROOM equivalent when exported', () => {
    const p = base();
    p.links = [{ kind: 'same-technician', jobs: ['deliver', 'install'] }];
    expect(problemToVroom(p).warnings).toContain(
      'links[0]: a same-technician link has no VROOM equivalent and was left out',
    );
  });

  it('rejects bad links with clear errors', () => {
    const p = base();
    p.links = [
      { kind: 'precedence', from: 'deliver', to: 'nowhere', minDelay: 60 },
      { kind: 'precedence', from: 'deliver', to: 'install', minDelay: 600, maxDelay: 60 },
    ];
    p.jobs[0]!.technicians = 2;
    p.jobs[0]!.memberSkills = [['x']];
    let error: unknown;
    try {
      solve(p);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProblemError);
    const messages = (error as ProblemError).issues.map((i) => `${formatIssuePath(i.path)}: ${i.message}`);
    expect(messages).toEqual([
      'jobs[0].memberSkills: has 1 entries, expected one per technician (2)',
      'links[0].to: unknown job id "nowhere" in link',
      'links[1].maxDelay: maxDelay must not be below minDelay',
    ]);
  });
});

describe('checker on linked visits', () => {
  it('flags a common start that is not common and a missing member', () => {
    const p: Problem = {
      matrices: { durations: grid(3) },
      technicians: [
        { id: 'ann', start: 0, shift: { start: 0, end: 10 * H } },
        { id: 'bob', start: 0, shift: { start: 0, end: 10 * H } },
      ],
      jobs: [{ id: 'pair', location: 1, duration: H, technicians: 2 }],
    };
    const s = solve(p, { seed: 1, maxIterations: 20 });
    expect(checkSolution(p, s).violations).toEqual([]);
    const moved = structuredClone(s);
    const v = moved.routes[1]!.visits[0]!;
    v.start += 60;
    v.end += 60;
    v.waiting += 60;
    moved.routes[1]!.waitingDuration += 60;
    moved.routes[1]!.end += 60;
    expect(checkSolution(p, moved).violations.map((x) => x.code)).toEqual(['SYNC_START']);
    const alone = structuredClone(s);
    alone.routes = alone.routes.slice(0, 1);
    expect(checkSolution(p, alone).violations.map((x) => x.code)).toEqual(['TEAM_TOO_SMALL']);
  });

  it('flags broken delays, technician links, partial links and unmatched member skills', () => {
    const p: Problem = {
      matrices: { durations: grid(4) },
      technicians: [
        { id: 'ann', start: 0, shift: { start: 0, end: 10 * H }, skills: ['lift'] },
        { id: 'bob', start: 0, shift: { start: 0, end: 10 * H }, skills: ['lift'] },
      ],
      jobs: [
        { id: 'a', location: 1, duration: H },
        { id: 'b', location: 2, duration: H },
        { id: 'pair', location: 3, duration: H, technicians: 2, memberSkills: [['lift'], ['lift']] },
      ],
      links: [{ kind: 'precedence', from: 'a', to: 'b', minDelay: 2 * H, maxDelay: 3 * H }],
    };
    const s = solve(p, { seed: 1, maxIterations: 50 });
    expect(checkSolution(p, s).violations).toEqual([]);
    const codes = (q: Problem, sol: Solution = s): string[] =>
      checkSolution(q, sol).violations.map((v) => v.code);
    expect(codes({ ...p, links: [{ kind: 'precedence', from: 'a', to: 'b', minDelay: 4 * H }] })).toContain(
      'PRECEDENCE_DELAY',
    );
    const together = startsOf(s, 'a')[0]!.technician === startsOf(s, 'b')[0]!.technician;
    const technicianLink = together ? 'different-technicians' : 'same-technician';
    expect(codes({ ...p, links: [{ kind: technicianLink, jobs: ['a', 'b'] }] })).toEqual([
      together ? 'DIFFERENT_TECHNICIANS' : 'SAME_TECHNICIAN',
    ]);
    const helper = structuredClone(p);
    helper.jobs[2]!.memberSkills = [['lift'], ['helper']];
    expect(codes(helper)).toEqual(['MEMBER_SKILLS']);
    const partial = structuredClone(s);
    for (const r of partial.routes) r.visits = r.visits.filter((v) => v.job !== 'b');
    partial.unassigned.push({ job: 'b', reason: 'DISPLACED' });
    expect(codes(p, partial)).toContain('LINK_PARTIAL');
  });
});
