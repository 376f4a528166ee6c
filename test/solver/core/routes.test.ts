import { describe, expect, it } from 'vitest';
import { compileProblem } from '../../../solver/data.ts';
import { Random } from '../../../solver/random.ts';
import { RouteSet } from '../../../solver/routes.ts';
import { scheduleRoute } from '../../../solver/schedule.ts';
import { fieldDay, type FeatureOptions } from './helpers.ts';

/** A random plan: jobs appended to random compatible routes while the routes stay feasible. */
function randomPlan(features: FeatureOptions): RouteSet {
  const cp = compileProblem(fieldDay(features));
  const plan = new RouteSet(cp);
  const rng = new Random(features.seed * 31 + 7);
  for (let j = 0; j < cp.nJobs; j++) {
    const techs = cp.jobTechs[j]!;
    if (techs.length === 0 || rng.next() < 0.3) continue;
    const r = techs[rng.int(techs.length)]!;
    const seq = plan.seqs[r]!;
    plan.insert(j, r, rng.int(seq.length + 1));
    if (plan.cost[r] === Infinity || !capacityHolds(plan, r)) plan.remove(j);
  }
  return plan;
}

function capacityHolds(plan: RouteSet, r: number): boolean {
  const cp = plan.cp;
  for (let d = 0; d < cp.nDims; d++)
    if (plan.load[r * cp.nDims + d]! > cp.capacity[r * cp.nDims + d]!) return false;
  return true;
}

/** Cheapest insertion by brute force: the exact schedule of every candidate sequence. */
function bruteForceInsertion(plan: RouteSet, j: number, r: number): number {
  const cp = plan.cp;
  if (cp.compat[r * cp.nJobs + j] === 0 || !plan.fitsCapacity(j, r)) return Infinity;
  const seq = plan.seqs[r]!;
  const before = scheduleRoute(cp, r, seq, seq.length);
  let best = Infinity;
  for (let p = 0; p <= seq.length; p++) {
    const candidate = [...seq.slice(0, p), j, ...seq.slice(p)];
    const cost = scheduleRoute(cp, r, candidate, candidate.length);
    if (cost - before < best) best = cost - before;
  }
  return best;
}

const variants: FeatureOptions[] = [
  { jobs: 40, technicians: 4, seed: 1 },
  { jobs: 40, technicians: 4, seed: 2, capacity: true, openEnd: true },
  { jobs: 40, technicians: 4, seed: 3, breaks: true },
  { jobs: 40, technicians: 4, seed: 4, multiWindows: true, soft: true },
  { jobs: 40, technicians: 4, seed: 5, breaks: true, multiWindows: true, maxWork: true, skills: true },
];

describe('route caches', () => {
  for (const features of variants) {
    it(`the cached route cost equals the exact schedule (${JSON.stringify(features)})`, () => {
      const plan = randomPlan(features);
      let checked = 0;
      for (let r = 0; r < plan.cp.nTechs; r++) {
        const seq = plan.seqs[r]!;
        expect(plan.cost[r]).toBeCloseTo(scheduleRoute(plan.cp, r, seq, seq.length), 6);
        checked += seq.length;
      }
      expect(checked).toBeGreaterThan(0);
    });

    it(`best insertion equals brute force over all positions (${JSON.stringify(features)})`, () => {
      const plan = randomPlan(features);
      const cp = plan.cp;
      let feasible = 0;
      for (let j = 0; j < cp.nJobs; j++) {
        if (plan.routeOf[j]! >= 0) continue;
        for (let r = 0; r < cp.nTechs; r++) {
          const delta = plan.bestInsertion(j, r, Infinity, null, 0);
          const expected = bruteForceInsertion(plan, j, r);
          if (expected === Infinity) {
            expect(delta).toBe(Infinity);
            continue;
          }
          feasible++;
          expect(delta).toBeCloseTo(expected, 6);
          // Applying the move changes the route cost by exactly the evaluated delta.
          const before = plan.cost[r]!;
          const pos = plan.bestPos;
          plan.insert(j, r, pos);
          expect(plan.cost[r]! - before).toBeCloseTo(delta, 6);
          plan.remove(j);
          expect(plan.cost[r]).toBeCloseTo(before, 6);
        }
      }
      expect(feasible).toBeGreaterThan(0);
    });
  }

  it('evaluates insertions into routes that are empty, never used or emptied, from the technician start', () => {
    const plan = randomPlan({ jobs: 30, technicians: 4, seed: 8 });
    const cp = plan.cp;
    const used = plan.seqs.findIndex((s) => s.length > 0);
    for (const j of [...plan.seqs[used]!]) plan.remove(j);
    for (let r = 0; r < cp.nTechs; r++) {
      if (plan.seqs[r]!.length > 0) continue;
      for (let j = 0; j < cp.nJobs; j++) {
        if (plan.routeOf[j]! >= 0) continue;
        const delta = plan.bestInsertion(j, r, Infinity, null, 0);
        const expected = bruteForceInsertion(plan, j, r);
        if (expected === Infinity) expect(delta).toBe(Infinity);
        else expect(delta).toBeCloseTo(expected, 6);
      }
    }
  });

  it('rolls back every change recorded in the journal', () => {
    const plan = randomPlan(variants[2]!);
    const before = plan.snapshot();
    const cost = plan.totalCost();
    plan.journal = new Map();
    const victim = plan.routeOf.findIndex((r) => r >= 0);
    plan.remove(victim);
    plan.insert(victim, plan.cp.jobTechs[victim]![0]!, 0);
    plan.rollback();
    plan.journal = null;
    expect(plan.snapshot()).toEqual(before);
    expect(plan.totalCost()).toBeCloseTo(cost, 6);
  });
});

describe('Random', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const a = new Random(42);
    const b = new Random(42);
    const c = new Random(43);
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(xs);
    for (let k = 0; k < 1000; k++) {
      const x = a.next();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });
});
