/**
 * Linked visits and a split two-person job over real HTTP against the sandbox: an order of two
 * services becomes two appointments, the second starting 1–3 h after the first ends; a job whose
 * skills are split gets one appointment for its lead and an APPOINTMENT reservation for its
 * helper. Read back with getServiceJobs, Amazon holds what the plan wrote; a rerun writes nothing.
 */
import { describe, expect, it } from 'vitest';
import { validatePlanningConfig } from '../../src/config/index.ts';
import { runPlanning } from '../../src/pipeline/run.ts';
import { runningClock } from '../../src/sandbox/index.ts';
import { parseServiceJob, type ServiceJob } from '../../src/pipeline/read/service-job.ts';
import { deps, runOptions, sqliteStore, startWorld, tempDir, writeCalls } from './support/world.ts';

const DATE = '2026-11-24'; // a Tuesday
const NOW = Date.parse('2026-11-24T06:00:00Z'); // the night before, in Seattle
const HOUR = 3_600_000;

describe('linked visits and split skills written to the sandbox', () => {
  it('the install follows its delivery within the gap, the helper is reserved, and a rerun writes nothing', async () => {
    const clock = runningClock(NOW);
    const world = await startWorld({
      seed: 5,
      stores: 1,
      technicians: 6,
      jobs: 20,
      load: 0.3,
      linkedOrders: 2,
      date: DATE,
      clock,
    });
    try {
      const jobs = world.sandbox.snapshot().jobs;
      type Seeded = (typeof jobs)[number];
      const byOrder = new Map<string, Seeded[]>();
      for (const j of jobs)
        for (const o of j.productOrderIds ?? []) byOrder.set(o, [...(byOrder.get(o) ?? []), j]);
      const pairs = [...byOrder.values()].filter((g) => g.length === 2) as [Seeded, Seeded][];
      expect(pairs.length).toBe(2);
      const [firstAsin, thenAsin] = [pairs[0]![0].scopeOfWork!.asin!, pairs[0]![1].scopeOfWork!.asin!];
      const linkedSkills = new Set(pairs.flat().flatMap((j) => j.scopeOfWork?.requiredSkills ?? []));
      // A skill of other seeded jobs wanted on the planned day, split: a lead with it and any helper on shift.
      const onDay = (j: Seeded): boolean =>
        j.serviceJobStatus === 'PENDING_SCHEDULE' &&
        (j.preferredAppointmentTimes ?? []).some((p) => p.startTime.startsWith(DATE));
      const split = world.sandbox
        .seededCrews()
        .flatMap((c) => c.skills)
        .find(
          (s) =>
            !linkedSkills.has(s) && jobs.some((j) => onDay(j) && j.scopeOfWork?.requiredSkills?.join() === s),
        );
      expect(split).toBeDefined();
      const config = validatePlanningConfig(
        {
          ...world.config,
          planning: {
            ...world.config.planning,
            twoPersonSplit: [{ skill: split!, helperSkills: [] }],
            linkedVisits: [
              { first: { asin: firstAsin }, then: { asin: thenAsin }, minGapMinutes: 60, maxGapMinutes: 180 },
            ],
          },
        },
        'sandbox',
      );
      const store = await sqliteStore(tempDir());
      const run = () => runPlanning(runOptions(world), { ...deps(world, store), config, clock });
      const first = await run();
      expect(first.report.writeBack.failures).toEqual([]);

      // Read back from Amazon.
      const pages = world.services.listServiceJobs({
        marketplaceId: world.sandbox.marketplaceId,
        storeIds: world.sandbox.seededStores().map((s) => s.storeId),
        createdAfter: new Date(NOW - 60 * 24 * HOUR).toISOString(),
      });
      const amazon = new Map<string, ServiceJob>();
      for await (const page of pages)
        for (const raw of page.jobs) {
          const parsed = parseServiceJob(raw);
          if (parsed.ok) amazon.set(parsed.job.serviceJobId, parsed.job);
        }
      const active = (id: string) =>
        (amazon.get(id)?.appointments ?? []).filter((a) => a.appointmentStatus === 'ACTIVE');
      const stopOf = (id: string) =>
        first.plan.routes.flatMap((r) => r.stops.filter((s) => s.serviceJobId === id).map((s) => ({ r, s })));

      for (const [a, b] of pairs) {
        const [va, vb] = [stopOf(a.serviceJobId!), stopOf(b.serviceJobId!)];
        expect(va).toHaveLength(1);
        expect(vb).toHaveLength(1);
        const gap = vb[0]!.s.start - va[0]!.s.end;
        expect(gap).toBeGreaterThanOrEqual(1 * HOUR);
        expect(gap).toBeLessThanOrEqual(3 * HOUR);
        // Two appointments, each with its technician, each at its planned time.
        for (const [job, visit] of [
          [a, va[0]!],
          [b, vb[0]!],
        ] as const) {
          const planned = first.plan.appointments.find((x) => x.serviceJobId === job.serviceJobId)!;
          const held = active(job.serviceJobId!);
          expect(held).toHaveLength(1);
          expect(Date.parse(held[0]!.appointmentTime!.startTime)).toBe(planned.time.start);
          expect(held[0]!.assignedTechnicians?.map((t) => t.technicianId)).toEqual(visit.r.technicianIds);
          expect(planned.time.start).toBeLessThanOrEqual(visit.s.start);
        }
      }

      const splitJobs = first.plan.appointments.filter((x) => {
        const need = amazon.get(x.serviceJobId)?.scopeOfWork?.requiredSkills ?? [];
        return need.includes(split!);
      });
      expect(splitJobs.length).toBeGreaterThan(0);
      const reservations = world.sandbox
        .snapshot()
        .reservations.filter((r) => r.origin === 'api' && r.type === 'APPOINTMENT');
      for (const x of splitJobs) {
        const visits = stopOf(x.serviceJobId);
        expect(visits).toHaveLength(2);
        expect(visits[0]!.s.start).toBe(visits[1]!.s.start);
        const held = active(x.serviceJobId);
        expect(held).toHaveLength(1);
        const assigned = held[0]!.assignedTechnicians?.map((t) => t.technicianId) ?? [];
        expect(assigned).toEqual(x.technicianIds);
        // The helper is the member not assigned: their time on site is reserved.
        for (const v of visits.filter((v) => !assigned.includes(v.r.technicianIds[0]!)))
          expect(
            reservations.some(
              (r) =>
                r.resourceId === v.r.technicianIds[0] &&
                Date.parse(String(r.availability.startTime)) === v.s.start &&
                Date.parse(String(r.availability.endTime)) === v.s.end,
            ),
          ).toBe(true);
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
