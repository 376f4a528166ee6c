/**
 * How optimize-today keeps to its budget: the time kept back from the solve grows with what
 * earlier calls measured after it (at most half the budget), and the capacity read made while
 * solving is used as read, only resources it lacks being read afterwards.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  nextAfterSolveEstimate,
  observedTailMs,
  sizeReserveMs,
  solveReserveMs,
} from '../../api/routes/optimize.ts';
import {
  dropBreaksHeldElsewhere,
  prefetchable,
  readHeldSlots,
} from '../../src/pipeline/stability/breaks-held-elsewhere.ts';
import type { Plan } from '../../src/pipeline/write/plan.ts';
import type { ServicesPort } from '../../src/pipeline/ports.ts';

describe('time kept back from the solve', () => {
  it('is a share of the budget until something was measured', () => {
    expect(solveReserveMs(5_000)).toBe(750);
    expect(solveReserveMs(500)).toBe(150);
    expect(solveReserveMs(60_000)).toBe(2_000);
  });

  it('follows what the work after the solve took, within bounds', () => {
    expect(solveReserveMs(5_000, 100)).toBe(750);
    expect(solveReserveMs(5_000, 1_000)).toBe(1_250);
    expect(solveReserveMs(5_000, 10_000)).toBe(2_500);
  });

  it('grows with the size of the day, the whole reserve at most half the budget', () => {
    expect(sizeReserveMs(5_000, 750, 0)).toBe(0);
    expect(sizeReserveMs(5_000, 750, 1_000)).toBe(300);
    expect(sizeReserveMs(5_000, 750, 2_000)).toBe(600);
    expect(sizeReserveMs(5_000, 2_500, 2_000)).toBe(0);
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 120_000 }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: 0, max: 20_000 }),
        (budget, measured, jobs) => {
          const reserve = solveReserveMs(budget, measured);
          const more = sizeReserveMs(budget, reserve, jobs);
          expect(more).toBeGreaterThanOrEqual(0);
          expect(reserve + more).toBeLessThanOrEqual(Math.max(reserve, budget * 0.5));
          expect(sizeReserveMs(budget, reserve, jobs + 100)).toBeGreaterThanOrEqual(more);
        },
      ),
    );
  });

  it('counts a solve that ran past its deadline, so the next call keeps back more', () => {
    // The solve ended 1.2 s after its deadline, then 300 ms to the answer.
    expect(observedTailMs(300, 1_500)).toBe(1_500);
    expect(observedTailMs(300, 200)).toBe(300);
    expect(solveReserveMs(5_000, observedTailMs(300, 1_500))).toBeGreaterThan(solveReserveMs(5_000, 300));
    fc.assert(
      fc.property(fc.nat(20_000), fc.integer({ min: -5_000, max: 20_000 }), (after, since) => {
        const tail = observedTailMs(after, since);
        expect(tail).toBeGreaterThanOrEqual(after);
        expect(tail).toBeGreaterThanOrEqual(since);
      }),
    );
  });

  it('rises at once with a slower call and comes down slowly', () => {
    expect(nextAfterSolveEstimate(undefined, 400)).toBe(400);
    expect(nextAfterSolveEstimate(400, 900)).toBe(900);
    const down = nextAfterSolveEstimate(900, 100);
    expect(down).toBeLessThan(900);
    expect(down).toBeGreaterThan(100);
  });
});

describe('capacity read made while solving', () => {
  const HOUR = 3_600_000;
  const t0 = Date.UTC(2026, 10, 24, 17);
  const plan = {
    marketplaceId: 'M',
    horizon: { start: t0 - 8 * HOUR, end: t0 + 8 * HOUR },
    blocks: [
      { resourceId: 'tech-a', type: 'BREAK', start: t0, end: t0 + HOUR / 2 },
      { resourceId: 'tech-b', type: 'BREAK', start: t0, end: t0 + HOUR / 2 },
    ],
  } as unknown as Plan;
  const services = (reads: string[]): ServicesPort =>
    ({
      reservedSlots: async (_m: string, resourceId: string) => {
        reads.push(resourceId);
        // tech-a has a standing lunch reservation covering the planned break; tech-b none.
        return resourceId === 'tech-a' ? [{ start: t0 - HOUR, end: t0 + HOUR, capacity: 1 }] : [];
      },
    }) as unknown as ServicesPort;

  it('drops the same breaks as a read made after the solve, reading nothing again', async () => {
    const after: string[] = [];
    const direct = await dropBreaksHeldElsewhere(plan, services(after), []);
    expect(after.sort()).toEqual(['tech-a', 'tech-b']);

    const early: string[] = [];
    const held = await readHeldSlots(services(early), 'M', ['tech-a', 'tech-b', 'tech-c'], plan.horizon);
    const late: string[] = [];
    const prefetched = await dropBreaksHeldElsewhere(plan, services(late), [], held);
    expect(late).toEqual([]);
    expect(prefetched.blocks).toEqual(direct.blocks);
    expect(prefetched.blocks.map((b) => b.resourceId)).toEqual(['tech-b']);
  });

  it('reads afterwards only the resources the early read lacks', async () => {
    const held = await readHeldSlots(services([]), 'M', ['tech-a'], plan.horizon);
    const late: string[] = [];
    const r = await dropBreaksHeldElsewhere(plan, services(late), [], held);
    expect(late).toEqual(['tech-b']);
    expect(r.blocks.map((b) => b.resourceId)).toEqual(['tech-b']);
  });

  it('reads nobody whose planned break is one the engine already holds, and prefetches only the others', async () => {
    const ours = plan.blocks.map((b) => ({ ...b, reservationId: `R-${b.resourceId}` }));
    const reads: string[] = [];
    const r = await dropBreaksHeldElsewhere(plan, services(reads), ours);
    expect(reads).toEqual([]);
    expect(r.blocks).toEqual(plan.blocks);
    expect(prefetchable(['tech-a', 'tech-b', 'tech-c'], ours, plan.horizon)).toEqual(['tech-c']);
    // A break moved within the day is new: that technician is read again.
    const moved = ours.map((o) =>
      o.resourceId === 'tech-b' ? { ...o, start: o.start + HOUR, end: o.end + HOUR } : o,
    );
    const again: string[] = [];
    await dropBreaksHeldElsewhere(plan, services(again), moved);
    expect(again).toEqual(['tech-b']);
  });
});
