/**
 * What-if: simulations are reproducible (same seeds, same answer; in the worker too), adding
 * technicians never lowers the served share of a sampled day (fast-check over small scenarios),
 * and the LP staffing bound never exceeds the staff with which a simulated plan reached the
 * target (the relation proved in src/whatif/lp.ts).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyChanges,
  prepareWhatIf,
  simulate,
  simulateInWorker,
  staffingBound,
  type PreparedWhatIf,
  type WhatIfChanges,
} from '../../src/whatif/index.ts';
import { addedTechnicianId } from '../../src/whatif/scenario.ts';
import { capacityWorld, type CapacityWorld } from '../capacity/support.ts';
import { sqliteStore, tempDir } from '../pipeline/support/world.ts';

describe('staffing bound', () => {
  it('finds the fewest technicians by profile', () => {
    const r = staffingBound(
      [
        { skills: ['A'], durationMinutes: 120 },
        { skills: ['A'], durationMinutes: 120 },
        { skills: ['A', 'B'], durationMinutes: 60 },
        { skills: ['B'], durationMinutes: 300 },
      ],
      [
        { skills: ['A'], usableMinutes: 240 },
        { skills: ['A', 'B'], usableMinutes: 480 },
      ],
      75,
    );
    expect(r).toMatchObject({ feasible: true, targetJobs: 3, technicians: 1, bySkill: { A: 1, B: 1 } });
    const all = staffingBound(
      [
        { skills: ['A'], durationMinutes: 300 },
        { skills: ['A'], durationMinutes: 300 },
      ],
      [{ skills: ['A'], usableMinutes: 480 }],
      100,
    );
    expect(all.technicians).toBe(2);
  });

  it('says so when no staffing of the known profiles can reach the target', () => {
    const r = staffingBound(
      [{ skills: ['C'], durationMinutes: 60 }],
      [{ skills: ['A'], usableMinutes: 480 }],
      50,
    );
    expect(r).toMatchObject({ feasible: false, technicians: null });
  });
});

describe('what-if against the sandbox', () => {
  let cw: CapacityWorld;
  let prepared: PreparedWhatIf;
  const options = { samples: 2, seed: 3, iterations: 60, targetServedPct: 80 };

  beforeAll(async () => {
    // The dry-run plan pulls the jobs into the store.
    cw = await capacityWorld();
    prepared = await prepareWhatIf(
      {
        config: cw.world.config,
        store: cw.store,
        client: cw.client,
        geocoder: cw.deps.geocoder,
        travel: cw.deps.travel,
        clock: () => new Date(),
        marketplaceId: cw.deps.marketplaceId,
      },
      cw.storeId,
      { kind: 'date', date: cw.world.date },
      { addTechnicians: [{ like: cw.world.config.technicians[0]!.resourceId }] },
      options,
    );
  }, 60_000);
  afterAll(async () => cw?.close());

  it('reads the day from Amazon itself on a store that has not planned yet', async () => {
    const fresh = await sqliteStore(tempDir());
    try {
      const deps = {
        config: cw.world.config,
        store: fresh,
        client: cw.client,
        geocoder: cw.deps.geocoder,
        travel: cw.deps.travel,
        clock: () => new Date(),
        marketplaceId: cw.deps.marketplaceId,
      };
      const p = await prepareWhatIf(deps, cw.storeId, { kind: 'date', date: cw.world.date }, {}, options);
      expect(p.templates.length).toBe(prepared.templates.length);
    } finally {
      await fresh.close();
    }
  });

  /** The prepared run with other crew changes (added technicians live where their model lives). */
  const withChanges = (changes: WhatIfChanges): PreparedWhatIf => {
    const scenario = applyChanges(prepared.base, prepared.storeId, changes);
    const technicianLocation = { ...prepared.technicianLocation };
    let n = 0;
    for (const a of changes.addTechnicians ?? [])
      for (let i = 0; i < (a.count ?? 1); i++)
        technicianLocation[addedTechnicianId(n++)] = technicianLocation[a.like]!;
    return { ...prepared, scenario, changes, technicianLocation };
  };

  it('returns KPI distributions side by side, the same every time, in the worker too', async () => {
    const r = simulate(prepared);
    expect(r.base.days).toHaveLength(2);
    expect(r.scenario.days[0]!.technicians).toBe(r.base.days[0]!.technicians + 1);
    expect(r.base.summary.servedPct.mean).toBeGreaterThan(0);
    expect(Object.keys(r.base.summary.capacityPerSlot).length).toBeGreaterThan(0);
    expect(r.base.days[0]!.staffing.feasible).toBe(true);
    const again = await simulateInWorker(prepared, () => {});
    expect(again).toEqual(r);
  }, 60_000);

  it('carries one representative sampled day planned for base and scenario, as the board draws a plan', () => {
    const r = simulate(prepared);
    const rep = r.representative!;
    expect(rep).not.toBeNull();
    expect(rep.sample).toBeGreaterThanOrEqual(0);
    expect(rep.sample).toBeLessThan(r.samples);
    for (const [variant, plan] of [
      ['base', rep.base],
      ['scenario', rep.scenario],
    ] as const) {
      const day = r[variant].days[rep.sample]!;
      expect(plan.date).toBe(day.day);
      expect(rep.day).toBe(day.day);
      const visits = plan.routes.flatMap((x) => x.stops);
      // Every sampled job is either on a route or left out with its reason.
      expect(visits.length).toBe(day.served);
      expect(visits.length + plan.unassigned.length).toBe(day.jobs);
      expect(plan.kpis.jobsPlanned).toBe(day.served);
      expect(plan.kpis.travelHours).toBeCloseTo(day.travelHours, 1);
      for (const x of plan.routes) {
        expect(x.stops.map((st) => st.seq)).toEqual(x.stops.map((_, i) => i + 1));
        for (const st of x.stops) {
          // Made-up ids, placed on the map; no buyer data.
          expect(st.serviceJobId).toMatch(/^s\d+-j\d+$/);
          expect(Number.isFinite(st.lat) && st.lat !== 0).toBe(true);
          expect(Date.parse(st.end)).toBeGreaterThan(Date.parse(st.start));
          expect(x.blocks.some((b) => b.kind === 'service' && b.serviceJobId === st.serviceJobId)).toBe(true);
        }
      }
      for (const u of plan.unassigned) expect(u.reason.length).toBeGreaterThan(0);
      expect(JSON.stringify(plan)).not.toMatch(/postalCode|buyer|address/i);
    }
    expect(rep.scenario.technicians.length).toBe(rep.base.technicians.length + 1);
    // Without plans the result carries none.
    const bare = simulate({ ...prepared, options: { ...prepared.options, samplePlans: false } });
    expect(bare.representative).toBeNull();
    expect(bare.base).toEqual(r.base);
  }, 60_000);

  it('adding technicians never lowers the served share of a sampled day', () => {
    const ids = prepared.base.technicians.map((t) => t.resourceId);
    const skills = [...new Set(prepared.base.technicians.flatMap((t) => t.skills))].sort();
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            like: fc.constantFrom(...ids),
            skills: fc.option(fc.subarray(skills, { minLength: 1 }), { nil: undefined }),
            count: fc.integer({ min: 1, max: 2 }),
          }),
          { minLength: 1, maxLength: 2 },
        ),
        fc.integer({ min: 1, max: 1000 }),
        (add, seed) => {
          const p = withChanges({ addTechnicians: add });
          const r = simulate({ ...p, options: { ...options, seed, samples: 1, iterations: 40 } });
          for (const [k, s] of r.scenario.days.entries()) {
            expect(s.jobs).toBe(r.base.days[k]!.jobs);
            expect(s.served).toBeGreaterThanOrEqual(r.base.days[k]!.served);
          }
        },
      ),
      { numRuns: 6 },
    );
  }, 120_000);

  it('the LP bound never exceeds the staff with which the simulation reached the target', () => {
    const ids = prepared.base.technicians.map((t) => t.resourceId);
    // A target the whole crew reaches on every sampled day, so some staffing levels reach it.
    const probe = simulate({ ...withChanges({}), options });
    const target = Math.floor(Math.min(...probe.base.days.map((d) => d.servedPct)));
    expect(target).toBeGreaterThan(0);
    const full = simulate({ ...withChanges({}), options: { ...options, targetServedPct: target } });
    let checked = 0;
    for (let m = 1; m <= ids.length; m++) {
      const p = withChanges({ removeTechnicians: ids.slice(m) });
      const r = simulate({ ...p, options: { ...options, targetServedPct: target } });
      for (const [k, day] of r.scenario.days.entries()) {
        const bound = full.base.days[k]!.staffing;
        expect(bound.jobs).toBe(day.jobs);
        if (day.served >= bound.targetJobs) {
          checked += 1;
          expect(bound.technicians).not.toBeNull();
          expect(bound.technicians!).toBeLessThanOrEqual(day.technicians);
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
  }, 120_000);
});
