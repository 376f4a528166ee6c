import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSolution } from '../../solver/checker.ts';
import { solve } from '../../solver/index.ts';
import type { Job, Problem, Technician } from '../../solver/problem.ts';
import type { Route, Solution } from '../../solver/solution.ts';
import { matricesFor } from './support/random-problem.ts';
import { timeRoute } from './support/timeline.ts';

const HOUR = 3600;
const PEOPLE = ['ana', 'ben', 'cy'];

/**
 * Tiny problems with affinity: skill levels on jobs and technicians, required, excluded and
 * preferred people (weights comparable to travel), one or two windows, a crew now and then.
 */
const affinityProblem: fc.Arbitrary<Problem> = fc
  .record({
    jobs: fc.array(
      fc.record({
        duration: fc.integer({ min: 1, max: 6 }).map((q) => q * 15 * 60),
        window: fc.option(
          fc.record({ start: fc.integer({ min: 8, max: 14 }), length: fc.integer({ min: 1, max: 4 }) }),
        ),
        level: fc.constantFrom(0, 0, 1, 2, 3),
        required: fc.option(fc.subarray(PEOPLE, { minLength: 1 }), { freq: 3 }),
        excluded: fc.option(fc.subarray(PEOPLE, { minLength: 1, maxLength: 1 }), { freq: 3 }),
        preferred: fc.array(
          fc.record({ technician: fc.constantFrom(...PEOPLE), weight: fc.integer({ min: 1, max: 40_000 }) }),
          { maxLength: 2 },
        ),
      }),
      { minLength: 2, maxLength: 6 },
    ),
    technicians: fc.array(
      fc.record({
        level: fc.constantFrom(0, 1, 2, 3),
        crew: fc.boolean(),
        shiftEnd: fc.integer({ min: 13, max: 18 }),
      }),
      { minLength: 1, maxLength: 2 },
    ),
    points: fc.array(fc.record({ x: fc.integer({ min: 0, max: 60 }), y: fc.integer({ min: 0, max: 60 }) }), {
      minLength: 8,
      maxLength: 8,
    }),
  })
  .map(({ jobs, technicians, points }) => ({
    matrices: matricesFor(points.slice(0, jobs.length + technicians.length)),
    jobs: jobs.map((j, i): Job => {
      const job: Job = { id: `j${i}`, location: i, duration: j.duration };
      if (j.window)
        job.windows = [{ start: j.window.start * HOUR, end: (j.window.start + j.window.length) * HOUR }];
      if (j.level > 0) job.skillLevels = { hvac: j.level };
      if (j.required) job.requiredTechnicians = j.required;
      if (j.excluded) job.excludedTechnicians = j.excluded;
      if (j.preferred.length > 0) job.preferredTechnicians = j.preferred;
      return job;
    }),
    technicians: technicians.map((t, k): Technician => {
      const tech: Technician = {
        id: `route${k}`,
        // Route k is person k; a crew adds the third person as its helper.
        members: t.crew ? [PEOPLE[k]!, 'cy'] : [PEOPLE[k]!],
        start: jobs.length + k,
        shift: { start: 8 * HOUR, end: t.shiftEnd * HOUR },
      };
      if (t.level > 0) tech.skillLevels = { hvac: t.level };
      return tech;
    }),
  }));

const people = (t: Technician): string[] => t.members ?? [t.id];

/** The rules, written out again for the brute force (independent of solver/affinity.ts). */
function allowed(job: Job, t: Technician): boolean {
  const level = t.skillLevels?.hvac ?? 0;
  if ((job.skillLevels?.hvac ?? 0) > level) return false;
  if (job.requiredTechnicians && !people(t).some((p) => job.requiredTechnicians!.includes(p))) return false;
  if (people(t).some((p) => job.excludedTechnicians?.includes(p))) return false;
  return true;
}

function missed(job: Job, t: Technician): number {
  const prefs = job.preferredTechnicians ?? [];
  if (prefs.length === 0) return 0;
  const top = Math.max(...prefs.map((p) => p.weight));
  const had = prefs.filter((p) => people(t).includes(p.technician)).map((p) => p.weight);
  return top - Math.max(0, ...had);
}

/** Most jobs served, then least travel distance plus missed preferences: every order of every subset. */
function bruteForce(problem: Problem): { served: number; cost: number } {
  const perTech = problem.technicians.map((t) => {
    const best = new Map<number, number>();
    const visit = (seq: string[], mask: number, pref: number): void => {
      const route: Route | undefined = seq.length === 0 ? undefined : timeRoute(problem, t, seq);
      if (seq.length > 0 && !route) return;
      const cost = (route?.travelDistance ?? 0) + pref;
      if (cost < (best.get(mask) ?? Infinity)) best.set(mask, cost);
      problem.jobs.forEach((job, i) => {
        if (mask & (1 << i) || !allowed(job, t)) return;
        visit([...seq, job.id], mask | (1 << i), pref + missed(job, t));
      });
    };
    visit([], 0, 0);
    return best;
  });
  const bits = (m: number): number => m.toString(2).replace(/0/g, '').length;
  let served = -1;
  let cost = Infinity;
  const [a, b] = perTech;
  for (const [ma, ca] of a!) {
    for (const [mb, cb] of b ?? new Map([[0, 0]])) {
      if (ma & mb) continue;
      const s = bits(ma | mb);
      if (s > served || (s === served && ca + cb < cost - 1e-6)) {
        served = s;
        cost = ca + cb;
      }
    }
  }
  return { served, cost };
}

function expectValid(problem: Problem, solution: Solution): ReturnType<typeof checkSolution> {
  const report = checkSolution(problem, solution);
  expect(report.violations).toEqual([]);
  expect(report.totals.affinityCost).toBeCloseTo(solution.cost.affinity ?? 0, 6);
  return report;
}

describe('technician affinity and skill levels', () => {
  it('plans only permitted, skilled-enough routes, and prices missed preferences as the checker does', () => {
    fc.assert(
      fc.property(affinityProblem, fc.integer({ min: 1, max: 1000 }), (problem, seed) => {
        const solution = solve(problem, { seed, maxIterations: 300 });
        expectValid(problem, solution);
        // A job no route may take is reported with the reason that rules them out.
        problem.jobs.forEach((job) => {
          if (problem.technicians.some((t) => allowed(job, t))) return;
          expect(solution.unassigned.map((u) => u.job)).toContain(job.id);
        });
      }),
      { numRuns: 60 },
    );
  });

  it('matches the exhaustive optimum (jobs served, then travel plus missed preferences)', () => {
    fc.assert(
      fc.property(affinityProblem, (problem) => {
        const optimum = bruteForce(problem);
        const solution = solve(problem, { seed: 1, maxIterations: 2000 });
        const report = expectValid(problem, solution);
        expect(report.totals.assigned).toBe(optimum.served);
        expect(report.totals.travelDistance + report.totals.affinityCost).toBeCloseTo(optimum.cost, 3);
      }),
      { numRuns: 25 },
    );
  });

  it('gives the reasons: level too low, and skilled routes all ruled out by people', () => {
    const base: Problem = {
      matrices: matricesFor([
        { x: 0, y: 0 },
        { x: 1, y: 1 },
        { x: 2, y: 2 },
      ]),
      jobs: [
        { id: 'expert', location: 0, duration: 600, skillLevels: { hvac: 3 } },
        { id: 'not-ana', location: 1, duration: 600, excludedTechnicians: ['ana'] },
      ],
      technicians: [
        {
          id: 'ana',
          start: 2,
          shift: { start: 0, end: 8 * HOUR },
          skillLevels: { hvac: 2 },
          skills: ['hvac'],
        },
      ],
    };
    const solution = solve(base, { seed: 1, maxIterations: 50 });
    expectValid(base, solution);
    expect(solution.unassigned).toEqual([
      { job: 'expert', reason: 'NO_SKILLED_TECHNICIAN' },
      { job: 'not-ana', reason: 'NO_PERMITTED_TECHNICIAN' },
    ]);
  });

  it('the checker flags a route that breaks a rule', () => {
    const problem: Problem = {
      matrices: { durations: [[0]] },
      jobs: [
        {
          id: 'j',
          location: 0,
          duration: 600,
          skillLevels: { hvac: 2 },
          requiredTechnicians: ['ben'],
          excludedTechnicians: ['ana'],
        },
      ],
      technicians: [{ id: 'ana', start: 0, shift: { start: 0, end: HOUR }, skills: ['hvac'] }],
    };
    const forged: Solution = {
      routes: [
        {
          technician: 'ana',
          visits: [{ job: 'j', arrival: 0, start: 0, end: 600, waiting: 0, lateness: 0 }],
          breaks: [],
          start: 0,
          end: 600,
          travelDuration: 0,
          travelDistance: 0,
          serviceDuration: 600,
          waitingDuration: 0,
          overtime: 0,
          load: [],
        },
      ],
      unassigned: [],
      cost: { total: 0, unassigned: 0, lateness: 0, travel: 0, work: 0, overtime: 0, fixed: 0 },
      stats: { iterations: 0, seed: 0 },
    };
    const codes = checkSolution(problem, forged).violations.map((v) => v.code);
    expect(codes).toEqual(['SKILL_LEVEL', 'TECHNICIAN_REQUIRED', 'TECHNICIAN_EXCLUDED']);
  });
});
