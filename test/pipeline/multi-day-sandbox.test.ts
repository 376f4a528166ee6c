/**
 * Multi-day visits over real HTTP against the sandbox: the seller's wardrobe assembly takes a
 * whole day's work (8 h), more than one stretch between a technician's lunch and shift end
 * holds, so each such job is planned in parts on consecutive working days of one technician.
 * Read back from Amazon, each has one appointment on its first part's day with that technician
 * assigned, and each later part is an APPOINTMENT reservation on the same technician on the next
 * working days; booked work keeps its appointment, and a rerun writes nothing.
 */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { validatePlanningConfig } from '../../src/config/index.ts';
import { runPlanning } from '../../src/pipeline/run.ts';
import { runningClock } from '../../src/sandbox/index.ts';
import { parseServiceJob, type ServiceJob } from '../../src/pipeline/read/service-job.ts';
import { deps, runOptions, sqliteStore, startWorld, tempDir, writeCalls } from './support/world.ts';

const DATE = '2026-11-24'; // a Tuesday
const NOW = Date.parse('2026-11-24T06:00:00Z'); // the night before, in Seattle
const HOUR = 3_600_000;
const DAYS = 7; // Tuesday to the next Monday: five working days
const WARDROBE = 'B0FPSV0004';

const weekday = (day: string): string => DateTime.fromISO(day).toFormat('cccc').toLowerCase();
const technicianOf = (config: { technicians: readonly { resourceId: string }[] }): string =>
  config.technicians[0]!.resourceId;

describe('multi-day visits written to the sandbox', () => {
  it('each long job is one appointment on its first day and reservations on the next working days', async () => {
    const clock = runningClock(NOW);
    const world = await startWorld({
      seed: 5,
      stores: 1,
      technicians: 6,
      jobs: 40,
      load: 0.3,
      date: DATE,
      clock,
    });
    try {
      const seeded = world.sandbox.snapshot();
      const booked = seeded.appointments.filter((a) => a.status === 'ACTIVE').map((a) => a.serviceJobId);
      const config = validatePlanningConfig(
        {
          ...world.config,
          serviceDurations: world.config.serviceDurations.map((r) =>
            r.asin === WARDROBE ? { ...r, minutes: 480 } : r,
          ),
          planning: { ...world.config.planning, multiDayVisits: true },
        },
        'sandbox',
      );
      const store = await sqliteStore(tempDir());
      const options = runOptions(world, { days: DAYS });
      const run = () => runPlanning(options, { ...deps(world, store), config, clock });
      const first = await run();
      expect(first.report.writeBack.failures).toEqual([]);

      // Read back from Amazon.
      const amazon = new Map<string, ServiceJob>();
      const pages = world.services.listServiceJobs({
        marketplaceId: world.sandbox.marketplaceId,
        storeIds: world.sandbox.seededStores().map((s) => s.storeId),
        createdAfter: new Date(NOW - 60 * 24 * HOUR).toISOString(),
      });
      for await (const page of pages)
        for (const raw of page.jobs) {
          const parsed = parseServiceJob(raw);
          if (parsed.ok) amazon.set(parsed.job.serviceJobId, parsed.job);
        }
      const active = (id: string) =>
        (amazon.get(id)?.appointments ?? []).filter((a) => a.appointmentStatus === 'ACTIVE');
      const reservations = world.sandbox
        .snapshot()
        .reservations.filter((r) => r.origin === 'api' && r.type === 'APPOINTMENT');
      const shiftDays = new Map(
        config.technicians.map((t) => [t.resourceId, new Set(Object.keys(t.shifts ?? {}))]),
      );
      const nextWorkingDay = (technicianId: string, day: string): string => {
        let d = DateTime.fromISO(day).plus({ days: 1 });
        while (!shiftDays.get(technicianId)?.has(weekday(d.toISODate()!))) d = d.plus({ days: 1 });
        return d.toISODate()!;
      };

      const long = [...amazon.values()]
        .filter((j) => j.scopeOfWork?.asin === WARDROBE)
        .map((j) => j.serviceJobId);
      const served = long.filter((id) => first.plan.appointments.some((a) => a.serviceJobId === id));
      expect(served.length).toBeGreaterThanOrEqual(4);
      // Booked long jobs too: the buyer's appointment is the first part's.
      expect(served.filter((id) => booked.includes(id)).length).toBeGreaterThan(0);
      for (const id of served) {
        const visits = first.plan.routes.flatMap((r) =>
          r.stops.filter((s) => s.serviceJobId === id).map((s) => ({ r, s })),
        );
        // In parts of at most a stretch of one day each, adding up to the whole job.
        expect(visits.length).toBeGreaterThanOrEqual(2);
        expect(visits.reduce((t, v) => t + v.s.end - v.s.start, 0)).toBe(8 * HOUR);
        const [head, ...later] = visits;
        const technicianIds = head!.r.technicianIds;
        expect(technicianIds).toHaveLength(1);
        const technician = technicianIds[0]!;
        // One appointment at Amazon: the first part's, at its time, with its technician.
        const held = active(id);
        expect(held).toHaveLength(1);
        expect(Date.parse(held[0]!.appointmentTime!.startTime)).toBe(head!.s.start);
        // A new appointment is the first part itself; a booked one keeps the time the buyer was given.
        if (!booked.includes(id))
          expect(held[0]!.appointmentTime!.durationInMinutes).toBe((head!.s.end - head!.s.start) / 60_000);
        expect(held[0]!.assignedTechnicians?.map((t) => t.technicianId)).toEqual([technician]);
        // Each later part on the same technician's next working day, reserved for exactly its time.
        let day = head!.r.day;
        for (const v of later) {
          expect(v.r.technicianIds).toEqual(technicianIds);
          day = nextWorkingDay(technician, day);
          expect(v.r.day).toBe(day);
          const reserved = reservations.filter(
            (r) =>
              r.resourceId === technician &&
              Date.parse(String(r.availability.startTime)) === v.s.start &&
              Date.parse(String(r.availability.endTime)) === v.s.end,
          );
          expect(reserved).toHaveLength(1);
        }
      }

      // Nothing else lost: every planned appointment is at Amazon as planned, and booked work keeps one.
      for (const planned of first.plan.appointments) {
        const held = active(planned.serviceJobId);
        expect(held).toHaveLength(1);
        expect(Date.parse(held[0]!.appointmentTime!.startTime)).toBe(planned.time.start);
        expect(held[0]!.assignedTechnicians?.map((t) => t.technicianId).sort()).toEqual(
          planned.technicianIds,
        );
      }
      for (const id of booked) expect(active(id)).toHaveLength(1);
      // A long job left out is not left out for its parts when one of its days has a working day after it.
      const working = first.plan.days.filter((d) => shiftDays.get(technicianOf(config))?.has(weekday(d)));
      for (const u of first.plan.unassigned.filter((x) => long.includes(x.serviceJobId))) {
        const days = (amazon.get(u.serviceJobId)?.preferredAppointmentTimes ?? []).map((w) =>
          w.startTime.slice(0, 10),
        );
        if (days.some((d) => d < working[working.length - 1]!))
          expect(['NO_CONSECUTIVE_DAYS', 'NO_WINDOW_FITS']).not.toContain(u.reason);
      }

      const before = world.sandbox.requestLog.length;
      await run();
      expect(writeCalls(world.sandbox, before)).toBe(0);
      await store.close();
    } finally {
      await world.close();
    }
  }, 120_000);
});
