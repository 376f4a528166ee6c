/**
 * The staffing answer searched on the simulation: over generated small cases, the answer's N
 * meets its stated share when its days are planned again on their own and judged by the
 * independent checker (solver/checker.ts), with the percentile recomputed here; the LP's
 * bound never exceeds N; the level below N fails (or is below the LP's bound); bad staffing
 * input is refused naming the field.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSolution } from '../../solver/checker.ts';
import {
  applyChanges,
  checkStaffing,
  prepareWhatIf,
  ScenarioError,
  staffingSearch,
  type PreparedWhatIf,
  type WhatIfChanges,
} from '../../src/whatif/index.ts';
import { addedTechnicianId } from '../../src/whatif/scenario.ts';
import { daysNeeded, staffingLevel } from '../../src/whatif/staffing.ts';
import { runningClock } from '../../src/sandbox/index.ts';
import { capacityWorld, type CapacityWorld } from '../capacity/support.ts';

let cw: CapacityWorld;
let prepared: PreparedWhatIf;
// A pinned day and clock: nothing here depends on today's date.
const DAY = '2031-01-14';
const NOW = Date.parse('2031-01-13T18:00:00Z');

beforeAll(async () => {
  cw = await capacityWorld({
    plan: false,
    sandbox: { seed: 11, technicians: 4, jobs: 24, date: DAY, clock: runningClock(NOW) },
  });
  prepared = await prepareWhatIf(
    {
      config: cw.world.config,
      store: cw.store,
      client: cw.client,
      geocoder: cw.deps.geocoder,
      travel: cw.deps.travel,
      clock: () => new Date(NOW),
      marketplaceId: cw.deps.marketplaceId,
    },
    cw.storeId,
    { kind: 'date', date: cw.world.date },
    {},
    { samples: 2, seed: 1, iterations: 30, targetServedPct: 90, samplePlans: false },
  );
}, 60_000);
afterAll(async () => cw?.close());

/** Share at percentile f of K values, as its own sort (the (⌈f·K⌉)-th smallest). */
function percentileOf(xs: readonly number[], f: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil(f * s.length) - 1)]!;
}
const FRACTION = { p10: 0.1, median: 0.5, p90: 0.9 } as const;

/** The exact served shares of N's days, each plan judged by the checker. */
function checkedShares(p: PreparedWhatIf, like: string, n: number, skills: readonly string[]): number[] {
  return staffingLevel(p, like, n).map(({ built, solution }) => {
    const report = checkSolution(built.problem, solution);
    expect(report.violations).toEqual([]);
    const key = [...skills].sort().join('|');
    const ofProfile = built.problem.technicians.filter((t) => [...(t.skills ?? [])].sort().join('|') === key);
    expect(ofProfile.length).toBeLessThanOrEqual(n);
    const jobs = built.problem.jobs.length;
    return jobs === 0 ? 1 : report.totals.assigned / jobs;
  });
}

describe('staffing answer on the simulation', () => {
  it('meets its stated share when recomputed; the LP bound is at most N; the level below fails', () => {
    const ids = prepared.scenario.technicians.map((t) => t.resourceId);
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer({ min: 1, max: 1000 }),
          samples: fc.integer({ min: 1, max: 3 }),
          target: fc.integer({ min: 50, max: 100 }),
          percentile: fc.constantFrom('p10' as const, 'median' as const, 'p90' as const),
          like: fc.option(fc.constantFrom(...ids), { nil: undefined }),
        }),
        ({ seed, samples, target, percentile, like }) => {
          const p: PreparedWhatIf = {
            ...prepared,
            options: {
              ...prepared.options,
              seed,
              samples,
              iterations: 25,
              targetServedPct: target,
              staffing: { like, percentile, maxSteps: 4 },
            },
          };
          const a = staffingSearch(p)!;
          expect(a).not.toBeNull();
          expect(a.daysNeeded).toBe(daysNeeded(samples, percentile));
          expect(a.steps.length).toBeLessThanOrEqual(4);
          if (a.lowerBound.technicians === null) {
            expect(a.reached).toBe(false);
            expect(a.steps).toEqual([]);
            return;
          }
          // The search starts at the LP's bound.
          expect(a.steps[0]!.technicians).toBe(a.lowerBound.technicians);
          if (!a.reached) {
            expect(a.note).toMatch(/not met within 4/);
            expect(a.steps.every((s) => !s.met)).toBe(true);
            return;
          }
          const n = a.technicians!;
          expect(a.lowerBound.technicians).toBeLessThanOrEqual(n);
          const shares = checkedShares(p, a.profile.like, n, a.profile.skills);
          const f = FRACTION[percentile];
          expect(percentileOf(shares, f) * 100).toBeGreaterThanOrEqual(target - 1e-9);
          expect(a.servedPct!.median).toBeCloseTo(percentileOf(shares, 0.5) * 100, 1);
          // Each day meeting the target has an LP bound at most N (the relation proved in lp.ts).
          shares.forEach((share, k) => {
            if (share * 100 >= target - 1e-9) expect(a.lowerBound.perDay[k]!).toBeLessThanOrEqual(n);
          });
          if (a.smallest && n > a.lowerBound.technicians!) {
            const below = checkedShares(p, a.profile.like, n - 1, a.profile.skills);
            expect(percentileOf(below, f) * 100).toBeLessThan(target - 1e-9);
          }
        },
      ),
      { numRuns: 8, seed: 42 },
    );
  }, 240_000);

  it('is the same answer every time', () => {
    const p: PreparedWhatIf = { ...prepared, options: { ...prepared.options, staffing: { maxSteps: 3 } } };
    expect(staffingSearch(p)).toEqual(staffingSearch(p));
  }, 60_000);

  it('says so when the target is not reached within the steps', () => {
    const p: PreparedWhatIf = {
      ...prepared,
      // Every job five times as long: one step from the LP's bound is not enough.
      changes: { scaleDurations: [{ factor: 5 }] },
      options: { ...prepared.options, targetServedPct: 100, staffing: { maxSteps: 1 } },
    };
    const a = staffingSearch(p)!;
    if (a.lowerBound.technicians === null) expect(a.note).toMatch(/even ignoring travel and windows/);
    else if (!a.reached) expect(a.note).toMatch(/not met within 1 simulated staffing level/);
    else expect(a.steps).toHaveLength(1);
  }, 60_000);

  it('keeps the scenario’s weekday and date-range changes to the other technicians', () => {
    const like = prepared.scenario.technicians[0]!.resourceId;
    const withChanges = (changes: WhatIfChanges): PreparedWhatIf => {
      const technicianLocation = { ...prepared.technicianLocation };
      for (let i = 0; i < 2; i++) technicianLocation[addedTechnicianId(i)] = technicianLocation[like]!;
      return {
        ...prepared,
        scenario: applyChanges(prepared.base, prepared.storeId, changes),
        changes,
        technicianLocation,
        options: { ...prepared.options, samples: 1, staffing: { like, maxSteps: 1 } },
      };
    };
    // Two more technicians of another profile on Tuesdays (the sampled day is one) from a date on.
    const add = (weekdays: ('tuesday' | 'wednesday')[], from: string) =>
      staffingSearch(
        withChanges({ addTechnicians: [{ like, skills: ['OTHER_SKILL'], count: 2, weekdays, from }] }),
      )!.otherTechnicians.median;
    const plain = staffingSearch(withChanges({}))!.otherTechnicians.median;
    expect(add(['tuesday'], '2031-01-01')).toBe(plain + 2);
    expect(add(['wednesday'], '2031-01-01')).toBe(plain);
    expect(add(['tuesday'], '2031-01-15')).toBe(plain);
    // The store closed that day: no technician of any profile works, so no N of P serves anything.
    const closed = staffingSearch(withChanges({ closeStore: [{ date: DAY }] }))!;
    expect(closed.otherTechnicians.median).toBe(0);
    expect(closed.reached).toBe(false);
  }, 60_000);

  it('refuses a bad staffing model, naming the field', () => {
    const fieldOf = (like: string): string | undefined => {
      try {
        checkStaffing(prepared.scenario, prepared.storeId, { like });
        return undefined;
      } catch (err) {
        if (err instanceof ScenarioError) return `${err.field}: ${err.message}`;
        throw err;
      }
    };
    expect(fieldOf('NOBODY')).toMatch(/^staffing\.like: unknown technician NOBODY; expected a resource id/);
    expect(fieldOf(prepared.scenario.technicians[0]!.resourceId)).toBeUndefined();
  });
});
