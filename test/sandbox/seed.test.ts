import fc from 'fast-check';
import zipcodes from 'zipcodes';
import { describe, expect, it } from 'vitest';
import { validatePlanningConfig } from '../../src/config/index.ts';
import { seededPlanningConfig } from '../../src/sandbox/crews-config.ts';
import { SERVICE_CATALOG } from '../../src/sandbox/index.ts';
import { capacityOf } from '../../src/sandbox/capacity.ts';
import { seedWorld, storeName } from '../../src/sandbox/seed.ts';
import { combine } from '../../src/sandbox/timeline.ts';
import { T0 } from './fixtures.ts';

const options = {
  seed: 9,
  jobs: 300,
  technicians: 12,
  stores: 3,
  startDate: '2026-03-03',
  nowMs: T0,
  marketplaceId: 'ATVPDKIKX0DER',
};

describe('the seeded seller', () => {
  const world = seedWorld(options);
  const jobs = [...world.jobs.values()].filter((j) => j.sellerId === world.sellerId);

  it('is the same for the same seed and different for another', () => {
    const again = seedWorld(options);
    expect([...again.jobs.keys()]).toEqual([...world.jobs.keys()]);
    expect(again.crews).toEqual(world.crews);
    const other = seedWorld({ ...options, seed: 10 });
    expect([...other.jobs.keys()]).not.toEqual([...world.jobs.keys()]);
  });

  it('has the requested size, real postal codes near its stores, and a realistic status mix', () => {
    expect(jobs).toHaveLength(300);
    expect(world.stores).toHaveLength(3);
    expect(new Set(world.stores.map((s) => s.timeZone)).size).toBe(3);
    for (const job of jobs) {
      const zip = zipcodes.lookup(job.address.postalCode);
      expect(zip?.state).toBe(job.address.stateOrRegion);
      const store = world.stores.find((s) => s.storeId === job.storeId);
      expect(zipcodes.distance(job.address.postalCode, store?.postalCode ?? '')).toBeLessThanOrEqual(35);
      expect(job.buyer.phone).toMatch(/-555-01\d\d$/);
    }
    const count = (status: string): number => jobs.filter((j) => j.status === status).length;
    expect(count('PENDING_SCHEDULE')).toBeGreaterThan(100);
    expect(count('NOT_SERVICED')).toBeGreaterThan(30);
    for (const s of ['HOLD', 'COMPLETED', 'CANCELLED']) expect(count(s)).toBeGreaterThan(0);
    const assigned = jobs.filter((j) => j.appointments.some((a) => a.technicianIds.length > 0));
    expect(assigned.some((j) => j.status === 'NOT_SERVICED')).toBe(true);
    expect(assigned.some((j) => j.status === 'COMPLETED')).toBe(true);
    // Every job's work can be done by somebody at its store.
    for (const job of jobs) {
      const able = world.crews.filter(
        (c) => c.storeId === job.storeId && job.scope.requiredSkills.every((s) => c.skills.includes(s)),
      );
      expect(able.length, job.scope.title).toBeGreaterThan(0);
    }
  });

  it('sizes demand to the crews: open work fits in their shift hours over the preferred days', () => {
    const open = jobs.filter((j) => ['PENDING_SCHEDULE', 'NOT_SERVICED', 'HOLD'].includes(j.status));
    const workMinutes = open.reduce((sum, j) => sum + j.durationMinutes, 0);
    const days = new Set(
      open.flatMap((j) => j.preferredTimes.map((p) => new Date(p.startMs).toISOString().slice(0, 10))),
    );
    const shiftMinutes = world.crews.reduce((sum, c) => {
      const [sh, sm] = (c.weeklyShifts[0]?.start ?? '0:0').split(':').map(Number);
      const [eh, em] = (c.weeklyShifts[0]?.end ?? '0:0').split(':').map(Number);
      return sum + ((eh ?? 0) * 60 + (em ?? 0) - (sh ?? 0) * 60 - (sm ?? 0) - c.lunch.durationMinutes);
    }, 0);
    const capacity = shiftMinutes * days.size;
    // Service time alone uses a large share of the hours, travel fills much of the rest.
    expect(workMinutes / capacity).toBeGreaterThan(0.4);
    expect(workMinutes / capacity).toBeLessThan(1);
    // Seeded appointments never overbook a store: encumbered + reserved stay within the schedule.
    const from = Date.parse('2026-03-03T00:00:00Z');
    for (const store of world.stores) {
      const c = capacityOf(world, { kind: 'store', storeId: store.storeId }, from, from + 14 * 86_400_000);
      const used = combine(c.reserved, c.encumbered, (r, e) => r + e);
      const over = combine(c.scheduled, used, (sch, u) => (u > sch ? 1 : 0));
      expect(over.filter((seg) => seg.value === 1)).toEqual([]);
    }
  });

  it('writes a crews configuration the planner accepts', () => {
    const config = validatePlanningConfig(seededPlanningConfig(world.crews, world.stores), 'seeded.json');
    expect(config.technicians.map((t) => t.resourceId)).toEqual(world.crews.map((c) => c.resourceId));
    expect(config.stores.map((s) => s.storeId)).toEqual(world.stores.map((s) => s.storeId));
    expect(config.serviceDurations).toHaveLength(SERVICE_CATALOG.length);
    expect(config.technicians[0]?.shifts.monday).toEqual({
      start: world.crews[0]?.weeklyShifts[0]?.start,
      end: world.crews[0]?.weeklyShifts[0]?.end,
    });
  });
});

describe('seeded store names', () => {
  it('read as a person writes them: no word twice in a row, the metro once, each name once', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 12 }), (seed, stores) => {
        const world = seedWorld({ ...options, seed, stores, jobs: 0, technicians: stores });
        const names = world.stores.map((st) => st.name);
        expect(new Set(names).size).toBe(names.length);
        for (const [i, name] of names.entries()) {
          const words = name.toLowerCase().split(/\s+/);
          for (let k = 1; k < words.length; k++) expect(words[k], name).not.toBe(words[k - 1]);
          expect(name).toMatch(/ service centre( \(.+ area\))?( \d+)?$/);
          const metro = world.stores[i]!.metro;
          expect(name.split(metro).length - 1, name).toBe(1);
        }
      }),
      { numRuns: 15 },
    );
  });

  it('names a store in the metro’s own city after the city alone', () => {
    expect(storeName('Seattle', 'Seattle', new Set())).toBe('Seattle service centre');
    expect(storeName('Seattle', 'Bellevue', new Set())).toBe('Bellevue service centre (Seattle area)');
    const used = new Set<string>();
    expect([storeName('Austin', 'Austin', used), storeName('Austin', 'Austin', used)]).toEqual([
      'Austin service centre',
      'Austin service centre 2',
    ]);
  });
});
