import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileProblem } from '../../../solver/data.ts';
import type { Problem } from '../../../solver/problem.ts';
import { scheduleRoute } from '../../../solver/schedule.ts';
import { technicianClasses } from '../../../solver/tech-classes.ts';
import { randomProblem } from '../support/random-problem.ts';

/** The problem with a copy of technician `i` under a new id (and new member ids for a crew). */
function withCopy(problem: Problem, i: number): Problem {
  const original = problem.technicians[i]!;
  const copy = {
    ...structuredClone(original),
    id: `${original.id}-copy`,
    ...(original.members ? { members: original.members.map((m) => `${m}-copy`) } : {}),
  };
  return { ...problem, technicians: [...problem.technicians, copy] };
}

describe('technician classes', () => {
  it('the empty-route class refines the tail class, and equal classes price and time alike', () => {
    fc.assert(
      fc.property(randomProblem({ maxJobs: 8, maxTechnicians: 3 }), fc.nat(), (base, pick) => {
        const problem = withCopy(base, pick % base.technicians.length);
        const cp = compileProblem(problem);
        const route = cp.techClass;
        const tail = technicianClasses(cp, cp.nTechs, cp.nJobs, cp.nDims, 'tail');
        for (let t = 0; t < cp.nTechs; t++) {
          for (let u = 0; u < t; u++) {
            if (route[t] !== route[u]) continue;
            expect(tail[t]).toBe(tail[u]);
            for (let j = 0; j < cp.nJobs; j++) {
              expect(cp.compat[t * cp.nJobs + j]).toBe(cp.compat[u * cp.nJobs + j]);
              expect(scheduleRoute(cp, t, [j], 1)).toBe(scheduleRoute(cp, u, [j], 1));
            }
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('a copy of a technician no job names falls in its class', () => {
    fc.assert(
      fc.property(randomProblem({ maxJobs: 8, maxTechnicians: 3 }), fc.nat(), (base, pick) => {
        const i = pick % base.technicians.length;
        const id = base.technicians[i]!.id;
        // Pins, preferences and exclusions name technicians: a copy differs from those jobs' view.
        fc.pre(
          !JSON.stringify(base.jobs).includes(`"${id}"`) &&
            !JSON.stringify(base.links ?? []).includes(`"${id}"`),
        );
        const cp = compileProblem(withCopy(base, i));
        const last = cp.nTechs - 1;
        expect(cp.techClass[last]).toBe(cp.techClass[i]);
        const tail = technicianClasses(cp, cp.nTechs, cp.nJobs, cp.nDims, 'tail');
        expect(tail[last]).toBe(tail[i]);
      }),
      { numRuns: 60 },
    );
  });
});
