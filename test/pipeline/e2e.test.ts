/**
 * The planning run end to end over real HTTP against the local sandbox: what Amazon holds
 * afterwards matches the plan, and a second run with nothing changed makes no write call.
 * Runs on SQLite, and on PostgreSQL too when DATABASE_URL is set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineStorePort } from '../../src/pipeline/ports.ts';
import { runPlanning, type RunResult } from '../../src/pipeline/run.ts';
import { storePort } from '../../src/pipeline/adapters/store.ts';
import { openStore } from '../../src/store/index.ts';
import {
  deps,
  runOptions,
  sqliteStore,
  startWorld,
  tempDir,
  type World,
  writeCalls,
  writesOfRerun,
} from './support/world.ts';

const MINUTE = 60_000;
const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }): boolean =>
  a.start < b.end && b.start < a.end;

async function postgresStore(): Promise<PipelineStorePort> {
  const schema = `pipeline_e2e_${process.pid}_${Date.now()}`;
  return storePort(await openStore(process.env['DATABASE_URL']!, { schema }), { actor: 'test' });
}

const backends: [string, (() => Promise<PipelineStorePort>) | undefined][] = [
  ['SQLite', () => sqliteStore(tempDir())],
  ['PostgreSQL', process.env['DATABASE_URL'] ? postgresStore : undefined],
];

for (const [name, open] of backends) {
  if (open === undefined) {
    describe(`planning run end to end on ${name}`, () => {
      it.skip('skipped: set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test) to run it', () => {});
    });
    continue;
  }
  describe(`planning run end to end on ${name}`, () => {
    let world: World;
    let store: PipelineStorePort;
    let first: RunResult;
    let writesFirst: number;

    beforeAll(async () => {
      world = await startWorld();
      store = await open();
      const before = world.sandbox.requestLog.length;
      first = await runPlanning(runOptions(world), deps(world, store));
      writesFirst = writeCalls(world.sandbox, before);
    });
    afterAll(async () => {
      await store?.close();
      await world?.close();
    });

    it('plans jobs and writes them back without failures', () => {
      expect(first.outcome).toBe('succeeded');
      expect(first.plan.appointments.length).toBeGreaterThan(3);
      expect(first.report.writeBack.failures).toEqual([]);
      expect(writesFirst).toBe(first.writeBack!.calls);
    });

    it('gives every planned job one active appointment at the planned time with the planned technicians', () => {
      const snap = world.sandbox.snapshot();
      for (const a of first.plan.appointments) {
        const active = snap.appointments.filter(
          (x) => x.serviceJobId === a.serviceJobId && x.status === 'ACTIVE',
        );
        expect(active, a.serviceJobId).toHaveLength(1);
        expect(Date.parse(active[0]!.startTime)).toBe(a.time.start);
        expect(active[0]!.durationInMinutes).toBe(a.time.minutes);
        expect([...active[0]!.technicianIds].sort()).toEqual(a.technicianIds);
      }
    });

    it('never double-books a technician, keeps them on shift and respects skills', () => {
      const snap = world.sandbox.snapshot();
      const crews = new Map(world.sandbox.seededCrews().map((c) => [c.resourceId, c]));
      const jobs = new Map(snap.jobs.map((j) => [String(j.serviceJobId), j]));
      const shifts = new Map(first.plan.routes.map((r) => [r.technicianIds[0]!, r.shift]));
      const byTech = new Map<string, { start: number; end: number }[]>();
      for (const a of snap.appointments.filter((x) => x.status === 'ACTIVE')) {
        const start = Date.parse(a.startTime);
        const interval = { start, end: start + a.durationInMinutes * MINUTE };
        if (!first.plan.appointments.some((p) => p.serviceJobId === a.serviceJobId)) continue;
        for (const t of a.technicianIds) {
          const required =
            ((jobs.get(a.serviceJobId)?.scopeOfWork as { requiredSkills?: string[] }) ?? {}).requiredSkills ??
            [];
          expect(
            required.every((s) => crews.get(t)!.skills.includes(s as never)),
            `${t} skills`,
          ).toBe(true);
          const shift = shifts.get(t)!;
          expect(interval.start).toBeGreaterThanOrEqual(shift.start);
          expect(interval.end).toBeLessThanOrEqual(shift.end);
          const list = byTech.get(t) ?? [];
          for (const other of list) expect(overlaps(other, interval), `${t} double-booked`).toBe(false);
          list.push(interval);
          byTech.set(t, list);
        }
      }
    });

    it('writes each technician’s schedule and TRAVEL/BREAK reservations consistent with the routes', () => {
      const snap = world.sandbox.snapshot();
      const scheduled = new Set(snap.schedules.map((s) => s.resourceId));
      for (const s of first.plan.schedules) expect(scheduled.has(s.resourceId)).toBe(true);
      const reservations = snap.reservations.map((r) => ({
        resourceId: r.resourceId,
        type: r.type,
        start: Date.parse(String(r.availability.startTime)),
        end: Date.parse(String(r.availability.endTime)),
        origin: r.origin,
      }));
      for (const route of first.plan.routes) {
        const tech = route.technicianIds[0]!;
        const travel = reservations.filter(
          (r) => r.resourceId === tech && r.type === 'TRAVEL' && r.origin === 'api',
        );
        // One TRAVEL block ends at each visit after the first that needs travel.
        const expected = route.stops.slice(1).filter((s) => s.travel > 0).length;
        expect(travel.length, `${tech} travel blocks`).toBe(expected);
        for (const t of travel) {
          for (const s of route.stops)
            expect(overlaps(t, { start: s.start, end: s.end }), 'travel over a visit').toBe(false);
          // Each block lies in the gap between two consecutive visits and ends on arrival at the next.
          const next = route.stops.findIndex((s) => s.arrival === t.end);
          expect(next, `${tech} travel block ends at an arrival`).toBeGreaterThan(0);
          expect(t.start).toBeGreaterThanOrEqual(route.stops[next - 1]!.end);
          for (const h of route.holds ?? [])
            expect(overlaps(t, h), 'travel over time kept free for a booked appointment').toBe(false);
        }
        // The schedule Amazon holds for the technician is their shift that day.
        const records = snap.schedules
          .filter((s) => s.resourceId === tech)
          .map((s) => [
            Date.parse(String(s.availability.startTime)),
            Date.parse(String(s.availability.endTime)),
          ]);
        expect(records, `${tech} schedule`).toContainEqual([route.shift.start, route.shift.end]);
        for (const b of route.breaks) {
          // The break is reserved: by this run, or already by the seller's standing lunch reservation.
          const held = reservations.some(
            (r) =>
              r.resourceId === tech &&
              r.type === 'BREAK' &&
              r.origin === 'api' &&
              r.start === b.start &&
              r.end === b.end,
          );
          const standing = snap.reservations.some(
            (r) => r.resourceId === tech && r.type === 'BREAK' && r.origin === 'seed',
          );
          expect(held || standing).toBe(true);
        }
      }
    });

    it('makes zero write calls when run again with nothing changed', async () => {
      const before = world.sandbox.requestLog.length;
      const again = await runPlanning(runOptions(world), deps(world, store));
      expect(again.operations).toEqual([]);
      expect(writeCalls(world.sandbox, before)).toBe(0);
      expect(again.outcome).toBe('nothing-to-do');
    });
  });
}

describe('planning run with schedules and reservations per store', () => {
  it('writes the store’s schedule and reservations under the store id, and nothing on a second run', async () => {
    const world = await startWorld({ seed: 6, stores: 1, technicians: 3, jobs: 30 });
    try {
      const config = {
        ...world.config,
        planning: { ...world.config.planning, resources: 'per-store' as const },
      };
      const store = await sqliteStore(tempDir());
      const storeId = world.sandbox.seededStores()[0]!.storeId;
      const first = await runPlanning(runOptions(world), { ...deps(world, store), config });
      expect(first.report.writeBack.failures).toEqual([]);
      const snap = world.sandbox.snapshot();
      expect(snap.schedules.every((s) => s.resourceId === storeId)).toBe(true);
      expect(snap.schedules.length).toBeGreaterThan(0);
      const api = snap.reservations.filter((r) => r.origin === 'api');
      expect(api.length).toBeGreaterThan(0);
      expect(api.every((r) => r.resourceId === storeId)).toBe(true);
      expect(await writesOfRerun(world, store, config)).toBe(0);
      await store.close();
    } finally {
      await world.close();
    }
  });
});
