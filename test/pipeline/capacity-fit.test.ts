/**
 * The capacity check after the passes: Amazon's units per store and instant (appointments,
 * travel and breaks, booked visits nobody serves) never exceed the technicians on shift where
 * a new claim could be taken out, kept bookings are never taken out, and nothing is taken out
 * where the units fit. A property over random days of one store, with the units counted again
 * here, independently, from the visits left.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Route, Solution } from '../../solver/solution.ts';
import type { BuiltProblem } from '../../src/pipeline/solve/build-problem.ts';
import { fitAmazonCapacity } from '../../src/pipeline/capacity-fit.ts';
import type { PlannableJob } from '../../src/pipeline/read/normalise.ts';
import type { PlanningSetup } from '../../src/pipeline/setup/planning-setup.ts';

const MIN = 60_000;
const ORIGIN = Date.UTC(2026, 10, 24, 16, 0);
const SHIFT = { start: ORIGIN, end: ORIGIN + 8 * 60 * MIN };

interface DayCase {
  technicians: number;
  /** Per technician, visits as [start minute, minutes, booked-as-is]. */
  visits: [number, number, boolean][][];
  /** Booked visits nobody serves: [start minute, minutes]. */
  unserved: [number, number][];
}

function dayOf(c: DayCase): { setup: PlanningSetup; built: BuiltProblem; solution: Solution } {
  const jobs = new Map<string, PlannableJob>();
  const routes: Route[] = [];
  const routeInfo = new Map<string, BuiltProblem['routes'] extends Map<string, infer R> ? R : never>();
  const problemJobs: { id: string; location: number; priority: number }[] = [];
  const job = (id: string, appointment?: { start: number; minutes: number; technicianIds: string[] }) => {
    jobs.set(id, {
      serviceJobId: id,
      storeId: 'S1',
      activeAppointment:
        appointment !== undefined
          ? {
              appointmentId: `${id}-a`,
              start: appointment.start,
              durationMinutes: appointment.minutes,
              technicianIds: appointment.technicianIds,
            }
          : undefined,
    } as unknown as PlannableJob);
    problemJobs.push({ id, location: 0, priority: 1 });
  };
  for (let t = 0; t < c.technicians; t++) {
    const id = `T${t}`;
    routeInfo.set(id, {
      routeId: id,
      technicianIds: [id],
      day: '2026-11-24',
      shiftStart: SHIFT.start,
      shiftEnd: SHIFT.end,
    });
    const visits = (c.visits[t] ?? [])
      .slice()
      .sort((a, b) => a[0] - b[0])
      .filter((v, i, all) => i === 0 || v[0] >= all[i - 1]![0] + all[i - 1]![1]);
    routes.push({
      technician: id,
      visits: visits.map(([start, minutes, booked], i) => {
        const jobId = `J${t}-${i}`;
        job(jobId, booked ? { start: ORIGIN + start * MIN, minutes, technicianIds: [id] } : undefined);
        return {
          job: jobId,
          arrival: start * 60,
          start: start * 60,
          end: (start + minutes) * 60,
          waiting: 0,
          lateness: 0,
        };
      }),
      breaks: [],
      start: 0,
      // A route ends when its last visit does at the latest (overtime past the shift).
      end: Math.max(8 * 3600, ...visits.map(([start, minutes]) => (start + minutes) * 60)),
      travelDuration: 0,
      travelDistance: 0,
      serviceDuration: 0,
      waitingDuration: 0,
      overtime: 0,
      load: [],
    });
  }
  const unassigned = c.unserved.map(([start, minutes], i) => {
    const id = `U${i}`;
    job(id, { start: ORIGIN + start * MIN, minutes, technicianIds: [] });
    return { job: id, reason: 'DISPLACED' as const };
  });
  const built = {
    problem: {
      jobs: problemJobs,
      technicians: [...routeInfo.keys()].map((id) => ({ id, start: 0, end: 0 })),
      matrices: { durations: [[0]] },
    },
    origin: ORIGIN,
    routes: routeInfo,
    jobs,
  } as unknown as BuiltProblem;
  const setup = {
    technicians: [...routeInfo.keys()].map((id) => ({ technicianId: id, storeIds: ['S1'] })),
  } as unknown as PlanningSetup;
  return { setup, built, solution: { routes, unassigned } as unknown as Solution };
}

/** Units in use and technicians on shift, minute by minute, from the visits left (no travel here). */
function overloadedMinutes(built: BuiltProblem, s: Solution, technicians: number): number[] {
  const out: number[] = [];
  for (let m = 0; m < 10 * 60; m++) {
    const t = ORIGIN + m * MIN;
    let used = 0;
    for (const r of s.routes)
      for (const v of r.visits) if (ORIGIN + v.start * 1000 <= t && t < ORIGIN + v.end * 1000) used++;
    for (const u of s.unassigned) {
      const a = built.jobs.get(u.job)?.activeAppointment;
      if (a !== undefined && a.start <= t && t < a.start + a.durationMinutes * MIN) used++;
    }
    // Past the shift, a route running over is scheduled to its end (plan.ts).
    const onShift = s.routes.filter((r) => t < SHIFT.end || ORIGIN + r.end * 1000 > t).length;
    if (used > Math.min(technicians, onShift)) out.push(m);
  }
  return out;
}

const visit = fc.tuple(fc.integer({ min: 0, max: 420 }), fc.integer({ min: 30, max: 120 }), fc.boolean());

describe('fitAmazonCapacity', () => {
  it('takes new work out of a span a booking nobody serves takes, and nothing else', () => {
    // One technician, a new visit 10:30–11:30 inside an unheld booking 10:00–12:00; a booked
    // visit kept as is 13:00–14:00; a new one 14:30–15:30 where nothing is booked.
    const { setup, built, solution } = dayOf({
      technicians: 1,
      visits: [
        [
          [150, 60, false],
          [300, 60, true],
          [390, 60, false],
        ],
      ],
      unserved: [[120, 120]],
    });
    const r = fitAmazonCapacity(setup, built, solution, { now: ORIGIN });
    expect(r.dropped).toEqual(['J0-0']);
    expect(r.solution.routes[0]!.visits.map((v) => v.job)).toEqual(['J0-1', 'J0-2']);
    expect(r.solution.unassigned.map((u) => u.job)).toContain('J0-0');
  });

  it('keeps everything when a technician is free for the booking', () => {
    const { setup, built, solution } = dayOf({
      technicians: 2,
      visits: [[[150, 60, false]], []],
      unserved: [[120, 120]],
    });
    expect(fitAmazonCapacity(setup, built, solution, { now: ORIGIN }).dropped).toEqual([]);
  });

  it('for random days: no overload left where a new claim overlaps it; kept bookings stay; no change where it fits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((technicians) =>
          fc.record({
            technicians: fc.constant(technicians),
            visits: fc.array(fc.array(visit, { maxLength: 5 }), {
              minLength: technicians,
              maxLength: technicians,
            }),
            unserved: fc.array(
              fc.tuple(fc.integer({ min: 0, max: 420 }), fc.integer({ min: 30, max: 120 })),
              {
                maxLength: 4,
              },
            ),
          }),
        ),
        (c) => {
          const { setup, built, solution } = dayOf(c);
          const before = overloadedMinutes(built, solution, c.technicians);
          const r = fitAmazonCapacity(setup, built, solution, { now: ORIGIN });
          const booked = (id: string) => built.jobs.get(id)?.activeAppointment !== undefined;
          // Kept bookings are never taken out.
          expect(r.dropped.filter(booked)).toEqual([]);
          if (before.length === 0) expect(r.dropped).toEqual([]);
          // Where units still exceed the technicians, only kept bookings and unserved ones are there.
          for (const m of overloadedMinutes(built, r.solution, c.technicians)) {
            const t = ORIGIN + m * 60_000;
            const newThere = r.solution.routes.some((rt) =>
              rt.visits.some(
                (v) => !booked(v.job) && ORIGIN + v.start * 1000 <= t && t < ORIGIN + v.end * 1000,
              ),
            );
            expect(newThere).toBe(false);
          }
          // Every job is still either routed or unassigned, once.
          const ids = [
            ...r.solution.routes.flatMap((rt) => rt.visits.map((v) => v.job)),
            ...r.solution.unassigned.map((u) => u.job),
          ];
          expect(new Set(ids).size).toBe(ids.length);
          expect(ids.length).toBe(built.jobs.size);
        },
      ),
      { numRuns: 300, seed: 13 },
    );
  });
});
