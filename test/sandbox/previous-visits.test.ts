/**
 * Seeded job history (`previousVisits`): pending jobs given an earlier job of their product
 * order, completed by a technician of their store who can also do them. Off by default, and
 * when on, every other seeded record stays exactly as it was.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderJob } from '../../src/sandbox/render.ts';
import { seedWorld } from '../../src/sandbox/seed.ts';
import type { JobRecord, SandboxWorld } from '../../src/sandbox/state.ts';
import { T0 } from './fixtures.ts';
import { responseProblems } from './model.ts';

const options = {
  seed: 9,
  jobs: 60,
  technicians: 8,
  stores: 2,
  startDate: '2026-03-03',
  nowMs: T0,
  marketplaceId: 'ATVPDKIKX0DER',
};

const records = (w: SandboxWorld): [string, JobRecord][] => [...w.jobs.entries()];

/** The earlier jobs a world with history has over the same world without. */
function added(w: SandboxWorld, base: SandboxWorld): JobRecord[] {
  return [...w.jobs.values()].filter((j) => !base.jobs.has(j.serviceJobId));
}

describe('seeded job history', () => {
  const base = seedWorld(options);

  it('is off by default: none, or zero, seeds the same world as before', () => {
    const zero = seedWorld({ ...options, previousVisits: 0 });
    expect(JSON.stringify(records(zero))).toBe(JSON.stringify(records(base)));
    expect(zero.sequence).toBe(base.sequence);
    const orders = new Map<string, number>();
    for (const j of base.jobs.values())
      for (const o of j.productOrderIds) orders.set(o, (orders.get(o) ?? 0) + 1);
    expect([...orders.values()].every((n) => n === 1)).toBe(true);
  });

  it('adds completed earlier jobs of pending jobs’ orders, served by a technician who can do both', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 12 }), (seed, count) => {
        const without = seedWorld({ ...options, seed });
        const world = seedWorld({ ...options, seed, previousVisits: count });
        // Every record of the world without history is there unchanged, in the same order.
        const kept = records(world).filter(([id]) => without.jobs.has(id));
        expect(JSON.stringify(kept)).toBe(JSON.stringify(records(without)));
        const earlier = added(world, without);
        expect(earlier.length).toBeGreaterThan(0);
        expect(earlier.length).toBeLessThanOrEqual(count);
        const later = new Set<string>();
        for (const e of earlier) {
          expect(e.status).toBe('COMPLETED');
          expect(e.sellerId).toBe(world.sellerId);
          const pending = [...without.jobs.values()].filter((j) =>
            j.productOrderIds.some((o) => e.productOrderIds.includes(o)),
          );
          expect(pending).toHaveLength(1);
          const job = pending[0]!;
          later.add(job.serviceJobId);
          expect(job.status).toBe('PENDING_SCHEDULE');
          expect([e.storeId, e.buyer, e.address]).toEqual([job.storeId, job.buyer, job.address]);
          expect(e.associatedItems.map((i) => i.orderId)).toEqual(job.productOrderIds);
          expect(e.serviceOrderId).not.toBe(job.serviceOrderId);
          // One completed appointment, in the past, by one technician of the store.
          expect(e.appointments).toHaveLength(1);
          const visit = e.appointments[0]!;
          expect(visit.status).toBe('COMPLETED');
          expect(visit.technicianIds).toHaveLength(1);
          const crew = world.crews.find((c) => c.resourceId === visit.technicianIds[0])!;
          expect(crew.storeId).toBe(job.storeId);
          expect(job.scope.requiredSkills.every((s) => crew.skills.includes(s))).toBe(true);
          expect(e.scope.requiredSkills.every((s) => crew.skills.includes(s))).toBe(true);
          expect(e.createdMs).toBeLessThan(visit.startMs);
          expect(visit.startMs + visit.durationMinutes * 60_000).toBeLessThan(options.nowMs);
          expect(e.fulfillment.map((f) => [f.appointmentId, f.resourceIds])).toEqual([
            [visit.appointmentId, visit.technicianIds],
          ]);
          // Someone else could serve the pending job too.
          const able = world.crews.filter(
            (c) => c.storeId === job.storeId && job.scope.requiredSkills.every((s) => c.skills.includes(s)),
          );
          expect(able.length).toBeGreaterThanOrEqual(2);
        }
        expect(later.size).toBe(earlier.length);
      }),
      { numRuns: 12 },
    );
  });

  it('renders the earlier jobs as the Services model has them', () => {
    const world = seedWorld({ ...options, previousVisits: 6 });
    for (const e of added(world, base)) {
      const payload = renderJob(world, e);
      expect(responseProblems('getServiceJobByServiceJobId', 200, { payload })).toEqual([]);
      expect(payload.appointments?.[0]?.assignedTechnicians?.[0]?.name).toBeDefined();
    }
  });
});
