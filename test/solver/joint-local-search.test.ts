import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSolution } from '../../solver/checker.ts';
import { compileProblem } from '../../solver/index.ts';
import { JointPlan } from '../../solver/joint-plan.ts';
import { writeSolution } from '../../solver/output.ts';
import { Random } from '../../solver/random.ts';
import { exhaustiveLinked } from './support/exhaustive-linked.ts';
import { linkedProblem } from './support/linked-problem.ts';

/** A constructed plan: every group inserted greedily in index order. */
function constructed(problem: Parameters<typeof compileProblem>[0]): JointPlan {
  const cp = compileProblem(problem);
  // Problems without links never reach the joint search.
  fc.pre(cp.links !== null);
  const plan = new JointPlan(cp);
  plan.evaluate();
  const groups = cp.links!.groupVisits;
  for (let g = 0; g < groups.length; g++) {
    if (groups[g]!.every((v) => cp.jobTechs[v]!.length > 0)) plan.insertGroup(g, null, 0);
  }
  return plan;
}

function served(plan: JointPlan): number {
  return plan.seqs.reduce((s, seq) => s + seq.length, 0);
}

describe('joint local search', () => {
  it('each move keeps the plan timed, checker-clean, as served, and never dearer', () => {
    fc.assert(
      fc.property(linkedProblem(), fc.integer({ min: 1, max: 1000 }), (problem, seed) => {
        const plan = constructed(problem);
        const cp = plan.cp;
        const rng = new Random(seed);
        const count = served(plan);
        for (let step = 0; step < 30; step++) {
          const placed: number[] = [];
          for (let v = 0; v < cp.nJobs; v++) if (plan.routeOf[v]! >= 0) placed.push(v);
          if (placed.length === 0) break;
          const v = placed[rng.int(placed.length)]!;
          const u = placed[rng.int(placed.length)]!;
          const before = plan.cost;
          const kind = rng.int(3);
          if (kind === 0) plan.relocate(v);
          else if (kind === 1) plan.swap(v, u);
          else plan.reinsertGroup(cp.links!.group[v]!);
          // The kept cost is the plan's exact joint cost, and no higher than before.
          const kept = plan.cost;
          expect(plan.evaluate()).toBeCloseTo(kept, 6);
          expect(kept).toBeLessThanOrEqual(before + 1e-6 * Math.max(1, Math.abs(before)));
          expect(served(plan)).toBe(count);
          for (let r = 0; r < cp.nTechs; r++) for (const w of plan.seqs[r]!) expect(plan.routeOf[w]).toBe(r);
        }
        const solution = writeSolution(cp, plan.seqs, 0, seed);
        expect(checkSolution(problem, solution).violations).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it('improve() ends checker-clean and no dearer than the constructed plan', () => {
    fc.assert(
      fc.property(linkedProblem(), (problem) => {
        const plan = constructed(problem);
        const before = plan.cost;
        const all: number[] = [];
        for (let v = 0; v < plan.cp.nJobs; v++) if (plan.routeOf[v]! >= 0) all.push(v);
        plan.improve(all, 3, () => false);
        expect(plan.cost).toBeLessThanOrEqual(before + 1e-6 * Math.max(1, Math.abs(before)));
        const solution = writeSolution(plan.cp, plan.seqs, 0, 1);
        expect(checkSolution(problem, solution).violations).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it('never beats the exhaustive optimum on tiny problems (the timing it accepts is real)', () => {
    const tiny = linkedProblem({ maxJobs: 4, maxTechnicians: 3, simple: true }).filter(
      (p) => p.jobs.reduce((s, j) => s + (j.technicians ?? 1), 0) <= 6,
    );
    fc.assert(
      fc.property(tiny, (problem) => {
        const optimum = exhaustiveLinked(problem);
        const plan = constructed(problem);
        const all: number[] = [];
        for (let v = 0; v < plan.cp.nJobs; v++) if (plan.routeOf[v]! >= 0) all.push(v);
        plan.improve(all, 5, () => false);
        const report = checkSolution(problem, writeSolution(plan.cp, plan.seqs, 0, 1));
        expect(report.violations).toEqual([]);
        expect(report.totals.assigned).toBeLessThanOrEqual(optimum.served);
        if (report.totals.assigned === optimum.served) {
          expect(report.totals.travelDuration).toBeGreaterThanOrEqual(optimum.travel - 1e-6);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('refuses a swap that would put two members of one job on one route', () => {
    const H = 3600;
    const d = [
      [0, 600, 600],
      [600, 0, 600],
      [600, 600, 0],
    ];
    const problem = {
      matrices: { durations: d },
      technicians: [
        { id: 'ann', start: 0, shift: { start: 8 * H, end: 17 * H } },
        { id: 'bob', start: 0, shift: { start: 8 * H, end: 17 * H } },
      ],
      jobs: [
        { id: 'pair', location: 1, duration: H, technicians: 2 },
        { id: 'solo', location: 2, duration: H },
      ],
      objective: { travel: 'duration' as const },
    };
    const plan = constructed(problem);
    const cp = plan.cp;
    // Visits 0 and 1 are the pair's members, 2 the solo job.
    const solo = 2;
    const member = plan.routeOf[0] === plan.routeOf[solo] ? 1 : 0;
    expect(plan.routeOf[member]).not.toBe(plan.routeOf[solo]);
    expect(plan.swap(member, solo)).toBe(false);
    expect(plan.routeOf[0]).not.toBe(plan.routeOf[1]);
    expect(cp.links!.group[0]).toBe(cp.links!.group[1]);
  });
});
