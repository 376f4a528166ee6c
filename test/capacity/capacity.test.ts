/**
 * Capacity: a slot's reported number of extra jobs really fits (the routes with that many
 * inserted pass the independent checker) and one more does not (every placement of one more
 * extra job on any route, enumerated without pruning, breaks a hard rule).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSolution } from '../../solver/checker.ts';
import { compileProblem } from '../../solver/index.ts';
import { writeSolution } from '../../solver/output.ts';
import {
  capacityReport,
  routeFeasible,
  withProbes,
  type CapacityComputation,
} from '../../src/capacity/index.ts';
import { capacityWorld, type CapacityWorld } from './support.ts';

/** Every multiset of `size` gaps out of 0..maxGap (non-decreasing lists). */
function multisets(size: number, maxGap: number): number[][] {
  const out: number[][] = [];
  const cur: number[] = [];
  const rec = (from: number): void => {
    if (cur.length === size) {
      out.push(cur.slice());
      return;
    }
    for (let g = from; g <= maxGap; g++) {
      cur.push(g);
      rec(g);
      cur.pop();
    }
  };
  rec(0);
  return out;
}

/** The skill most technicians have. */
function commonSkill(cw: CapacityWorld): string {
  const counts = new Map<string, number>();
  for (const t of cw.world.config.technicians)
    for (const s of t.skills) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
}

describe('capacity against the sandbox', () => {
  let cw: CapacityWorld;
  let bare: CapacityWorld;
  let result: CapacityComputation;
  let wide: CapacityComputation;

  beforeAll(async () => {
    cw = await capacityWorld();
    result = await capacityReport(cw.deps, {
      storeId: cw.storeId,
      from: cw.world.date,
      to: cw.world.date,
      skill: commonSkill(cw),
      slotMinutes: 120,
    });
    // No stored plan: only booked work is on the routes, so more fits (several per route).
    bare = await capacityWorld({ plan: false });
    wide = await capacityReport(bare.deps, {
      storeId: bare.storeId,
      from: bare.world.date,
      to: bare.world.date,
      skill: commonSkill(bare),
      slotMinutes: 240,
      durationMinutes: 60,
    });
  }, 120_000);
  afterAll(async () => {
    await cw?.close();
    await bare?.close();
  });

  it('reports every slot of the day side by side with Amazon', () => {
    const r = result.report;
    expect(r.routesFrom).toBe('plan');
    expect(r.slots.length).toBe(5);
    expect(r.amazonError).toBeNull();
    for (const s of r.slots) {
      expect(s.amazon).not.toBeNull();
      expect(s.engine.capacity).toBe(s.engine.byTechnician.reduce((n, t) => n + t.capacity, 0));
    }
    expect(r.totals.engine).toBeGreaterThan(0);
    expect(JSON.stringify(r)).not.toMatch(/name|phone|address/i);
  });

  it('without a plan, routes hold only booked work and take several extra jobs each', () => {
    expect(wide.report.routesFrom).toBe('booked-appointments');
    expect(wide.report.slots.length).toBe(2);
    expect(Math.max(...wide.engine.slots.flatMap((s) => s.routes.map((r) => r.count)))).toBeGreaterThan(1);
  });

  it.each([
    ['the stored plan, 2-hour slots', () => result],
    ['booked work only, 4-hour slots', () => wide],
  ])('as many jobs as a slot reports fit on the routes; one more does not (%s)', (_name, get) => {
    const { engine } = get();
    expect(engine.slots.some((s) => s.capacity > 0)).toBe(true);
    const cp = engine.compiled;
    const jobIndex = new Map(engine.problem.jobs.map((j, i) => [j.id, i]));
    const techIndex = new Map(engine.problem.technicians.map((t, i) => [t.id, i]));
    let checkedSlots = 0;
    for (const [k, slot] of engine.slots.entries()) {
      const probes = engine.probes[k]!.map((id) => jobIndex.get(id)!);
      // n extra jobs: every route takes its share at once, and the independent checker finds
      // nothing wrong. The engine asks each route on its own with the same probe jobs, so the
      // problem gets one copy of the slot's probe job per extra job placed.
      const template = engine.problem.jobs[probes[0]!]!;
      const copies = Array.from({ length: slot.capacity }, (_, i) => ({
        ...template,
        id: `${template.id}:copy${i}`,
      }));
      const problem = {
        ...engine.problem,
        jobs: [...engine.problem.jobs, ...copies],
        technicians: engine.problem.technicians.map((t) =>
          t.allowedJobs === undefined
            ? t
            : { ...t, allowedJobs: [...t.allowedJobs, ...copies.map((c) => c.id)] },
        ),
      };
      const full = compileProblem(problem);
      const copyIndex = copies.map((_, i) => engine.problem.jobs.length + i);
      const seqs: number[][] = engine.problem.technicians.map((t) =>
        (engine.sequences.get(t.id) ?? []).map((id) => jobIndex.get(id)!),
      );
      let used = 0;
      for (const r of slot.routes) {
        const t = techIndex.get(r.routeId)!;
        seqs[t] = withProbes(seqs[t]!, copyIndex.slice(used, used + r.count), r.gaps);
        used += r.count;
      }
      expect(used).toBe(slot.capacity);
      const solution = writeSolution(full, seqs, 0, 1);
      const report = checkSolution(problem, solution);
      expect(report.violations).toEqual([]);
      const routed = new Set(solution.routes.flatMap((r) => r.visits.map((v) => v.job)));
      expect(copies.filter((c) => routed.has(c.id)).length).toBe(slot.capacity);

      // n + 1: whichever route the extra job goes to, that route then holds one more than its
      // share; no placement of that many on it is feasible (all placements enumerated).
      for (const t of engine.problem.technicians.keys()) {
        const routeId = engine.problem.technicians[t]!.id;
        const base = (engine.sequences.get(routeId) ?? []).map((id) => jobIndex.get(id)!);
        if (!routeFeasible(cp!, t, base)) continue;
        const share = slot.routes.find((r) => r.routeId === routeId)?.count ?? 0;
        if (share + 1 > probes.length) throw new Error('not enough probe jobs to test one more');
        for (const gaps of multisets(share + 1, base.length)) {
          expect(routeFeasible(cp!, t, withProbes(base, probes.slice(0, share + 1), gaps))).toBe(false);
        }
      }
      checkedSlots += 1;
    }
    expect(checkedSlots).toBe(engine.slots.length);
  });
});
