import { describe, expect, it } from 'vitest';
import { compileProblem } from '../../../solver/data.ts';
import { LocalSearch } from '../../../solver/localsearch.ts';
import { Random } from '../../../solver/random.ts';
import { RouteSet } from '../../../solver/routes.ts';
import { scheduleRoute } from '../../../solver/schedule.ts';
import { fieldDay } from './helpers.ts';

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
