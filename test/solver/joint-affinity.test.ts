/**
 * The joint search (linked visits) prices preferred technicians: its moves are judged by the
 * cost the checker recomputes, affinity included, and a heavy preference moves a linked visit
 * to the wanted technician even when another is nearer.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSolution } from '../../solver/checker.ts';
import { compileProblem, solve } from '../../solver/index.ts';
import { JointPlan } from '../../solver/joint-plan.ts';
import { writeSolution } from '../../solver/output.ts';
import type { Problem } from '../../solver/problem.ts';
import { linkedProblem } from './support/linked-problem.ts';

/** The linked problem with preferred technicians on some jobs. */
const withPreferences = linkedProblem({ maxJobs: 6, maxTechnicians: 3 }).chain((problem) =>
  fc
    .array(
      fc.option(
        fc.record({
          tech: fc.nat({ max: problem.technicians.length - 1 }),
          weight: fc.integer({ min: 1, max: 20_000 }),
        }),
      ),
      { minLength: problem.jobs.length, maxLength: problem.jobs.length },
    )
    .map((prefs): Problem => ({
      ...problem,
      jobs: problem.jobs.map((job, i) =>
        prefs[i] == null
          ? job
          : {
              ...job,
              preferredTechnicians: [
                { technician: problem.technicians[prefs[i].tech]!.id, weight: prefs[i].weight },
              ],
            },
      ),
    })),
);

describe('joint search and preferred technicians', () => {
  it('local search moves are priced with affinity: the kept cost is what the checker recomputes', () => {
    fc.assert(
      fc.property(withPreferences, (problem) => {
        const cp = compileProblem(problem);
        fc.pre(cp.links !== null);
        const plan = new JointPlan(cp);
        plan.evaluate();
        const groups = cp.links!.groupVisits;
        for (let g = 0; g < groups.length; g++)
          if (groups[g]!.every((v) => cp.jobTechs[v]!.length > 0)) plan.insertGroup(g, null, 0);
        const placed: number[] = [];
        for (let v = 0; v < cp.nJobs; v++) if (plan.routeOf[v]! >= 0) placed.push(v);
        const before = plan.cost;
        plan.improve(placed, 2, () => false);
        expect(plan.cost).toBeLessThanOrEqual(before + 1e-6 * Math.max(1, Math.abs(before)));
        const solution = writeSolution(cp, plan.seqs, 0, 1);
        const check = checkSolution(problem, solution);
        expect(check.violations).toEqual([]);
        expect(solution.cost.affinity).toBeCloseTo(check.totals.affinityCost, 6);
        // The search's own cost of the plan is the written plan's cost without the unserved jobs.
        expect(plan.cost).toBeCloseTo(solution.cost.total - solution.cost.unassigned, 3);
      }),
      { numRuns: 80, seed: 316 },
    );
  });

  it('a heavy preference sends a linked visit to the far technician', () => {
    const n = 5;
    const durations = Array.from({ length: n }, (_, i) =>
      Array.from({ length: n }, (_, j) => Math.abs(i - j) * 600),
    );
    const problem = (wanted: 'A' | 'B'): Problem => ({
      matrices: { durations },
      technicians: [
        { id: 'T1', start: 0, end: 0, shift: { start: 0, end: 36_000 } },
        { id: 'T2', start: 4, end: 4, shift: { start: 0, end: 36_000 } },
      ],
      jobs: [
        ...(['A', 'B'] as const).map((id) => ({
          id,
          location: 1,
          duration: 600,
          ...(id === wanted ? { preferredTechnicians: [{ technician: 'T2', weight: 50_000 }] } : {}),
        })),
      ],
      links: [{ kind: 'different-technicians', jobs: ['A', 'B'] }],
    });
    const whoServes = (p: Problem, id: string): string | undefined => {
      const s = solve(p, { seed: 1, maxIterations: 200 });
      expect(checkSolution(p, s).violations).toEqual([]);
      return s.routes.find((r) => r.visits.some((x) => x.job === id))?.technician;
    };
    // A and B sit beside T1's base and need different technicians: one of them goes to T2.
    // Whichever is the one wanted by T2 goes there (both ways, so a search blind to it fails one).
    expect(whoServes(problem('A'), 'A')).toBe('T2');
    expect(whoServes(problem('A'), 'B')).toBe('T1');
    expect(whoServes(problem('B'), 'B')).toBe('T2');
    expect(whoServes(problem('B'), 'A')).toBe('T1');
  });
});
