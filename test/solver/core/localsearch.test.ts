import { describe, expect, it } from 'vitest';
import { compileProblem } from '../../../solver/data.ts';
import { LocalSearch } from '../../../solver/localsearch.ts';
import { Random } from '../../../solver/random.ts';
import { RouteSet } from '../../../solver/routes.ts';
import { scheduleRoute } from '../../../solver/schedule.ts';
import { fieldDay, plane } from './helpers.ts';
import type { Problem } from '../../../solver/problem.ts';

describe('local search', () => {
  for (const features of [
    { jobs: 50, technicians: 5, seed: 11 },
    { jobs: 50, technicians: 5, seed: 12, breaks: true, multiWindows: true, capacity: true, skills: true },
  ]) {
    it(`reports exactly the cost it removes and keeps routes feasible (${JSON.stringify(features)})`, () => {
      const cp = compileProblem(fieldDay(features));
      const plan = new RouteSet(cp);
      const rng = new Random(3);
      // A deliberately poor start: jobs appended in id order to the first route that accepts them.
      for (let j = 0; j < cp.nJobs; j++) {
        for (const r of cp.jobTechs[j]!) {
          if (!plan.fitsCapacity(j, r)) continue;
          plan.insert(j, r, plan.seqs[r]!.length);
          if (plan.cost[r] !== Infinity) break;
          plan.remove(j);
        }
      }
      const before = plan.totalCost();
      const gain = new LocalSearch(cp).run(plan, rng);
      const after = plan.totalCost();
      expect(gain).toBeGreaterThan(0);
      expect(before - after).toBeCloseTo(gain, 6);
      for (let r = 0; r < cp.nTechs; r++) {
        const seq = plan.seqs[r]!;
        expect(scheduleRoute(cp, r, seq, seq.length)).toBeLessThan(Infinity);
        expect(plan.cost[r]).toBeCloseTo(scheduleRoute(cp, r, seq, seq.length), 6);
      }
      // A second run from a local optimum finds nothing more.
      expect(new LocalSearch(cp).run(plan, rng)).toBe(0);
    });
  }
});

/** A depot problem: every technician starts and ends at location 0 (one class), windows and capacity. */
function depotDay(seed: number, jobs: number, technicians: number): Problem {
  const rng = new Random(seed);
  const durations = plane(jobs + 1, rng);
  return {
    matrices: { durations },
    jobs: Array.from({ length: jobs }, (_, j) => {
      const start = rng.int(6) * 3600;
      return {
        id: `j${j}`,
        location: j + 1,
        duration: 300 + rng.int(3) * 300,
        ...(rng.next() < 0.8 ? { windows: [{ start, end: start + 3600 * (1 + rng.int(4)) }] } : {}),
        load: [1 + rng.int(4)],
      };
    }),
    technicians: Array.from({ length: technicians }, (_, t) => ({
      id: `t${t}`,
      start: 0,
      shift: { start: 0, end: 10 * 3600 },
      capacity: [30],
    })),
  };
}

/** Mixed fleet on a depot: speeds, fixed, work and travel prices, faster technicians, asymmetric travel. */
function mixedDepotDay(seed: number): Problem {
  const base = depotDay(seed, 60, 8);
  const rng = new Random(seed + 100);
  const durations = base.matrices.durations.map((row) => row.map((d) => d + rng.int(30)));
  return {
    ...base,
    matrices: { durations },
    objective: { travel: 'duration' },
    jobs: base.jobs.map((job) =>
      rng.next() < 0.3
        ? { ...job, durationByTechnician: { t1: job.duration / 2, t2: job.duration + 300 } }
        : job,
    ),
    technicians: base.technicians.map((tech, t) => ({
      ...tech,
      ...(t % 2 === 1 ? { speedFactor: 1.25 } : {}),
      ...(t % 3 === 0 ? { end: null } : {}),
      costs: { fixed: t % 2 === 0 ? 500 : 0, perHourWork: 10 + t, perHourTravel: 20 },
    })),
  };
}

describe('local search by concatenation', () => {
  const cases: [string, () => Problem][] = [
    ['depot, windows, capacity', () => depotDay(5, 60, 8)],
    ['depot, tight windows', () => depotDay(6, 80, 12)],
    [
      'homes, skills, capacity',
      () => fieldDay({ jobs: 60, technicians: 6, seed: 21, skills: true, capacity: true }),
    ],
    ['homes, open ends', () => fieldDay({ jobs: 60, technicians: 6, seed: 22, openEnd: true })],
    ['mixed fleet, asymmetric durations', () => mixedDepotDay(7)],
    ['mixed fleet, other seed', () => mixedDepotDay(8)],
  ];
  for (const [name, make] of cases) {
    it(`makes the same moves as the full schedule and keeps every route feasible (${name})`, () => {
      const cp = compileProblem(make());
      const runWith = (concatenation: boolean): { seqs: number[][]; gain: number; cost: number } => {
        const plan = new RouteSet(cp);
        for (let j = 0; j < cp.nJobs; j++) {
          for (const r of cp.jobTechs[j]!) {
            if (!plan.fitsCapacity(j, r)) continue;
            plan.insert(j, r, plan.seqs[r]!.length);
            if (plan.cost[r] !== Infinity) break;
            plan.remove(j);
          }
        }
        const before = plan.totalCost();
        const ls = new LocalSearch(cp);
        ls.concatenation = concatenation;
        const gain = ls.run(plan, new Random(9));
        for (let r = 0; r < cp.nTechs; r++) {
          const seq = plan.seqs[r]!;
          expect(scheduleRoute(cp, r, seq, seq.length)).toBeLessThan(Infinity);
        }
        expect(before - plan.totalCost()).toBeCloseTo(gain, 6);
        return { seqs: plan.snapshot(), gain, cost: plan.totalCost() };
      };
      const fast = runWith(true);
      const exact = runWith(false);
      expect(fast.gain).toBeGreaterThan(0);
      expect(fast.seqs).toEqual(exact.seqs);
      expect(fast.cost).toBeCloseTo(exact.cost, 6);
    });
  }
});
