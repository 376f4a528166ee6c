/**
 * A service job longer than a day's work: planned in parts on consecutive working days of one
 * technician; Amazon gets one appointment (the first day's part) assigned to that technician,
 * and the later days' parts as APPOINTMENT reservations on the technician's resource.
 */
import { describe, expect, it } from 'vitest';
import { validatePlanningConfig } from '../../src/config/index.ts';
import { GreatCircleMatrixProvider, PostalCodeGeocoder } from '../../src/geo/index.ts';
import { buildProblem } from '../../src/pipeline/solve/build-problem.ts';
import { locate } from '../../src/pipeline/solve/geography.ts';
import { partLengths } from '../../src/pipeline/solve/multi-day.ts';
import { normaliseJobs } from '../../src/pipeline/read/normalise.ts';
import { placementsToKeep } from '../../src/pipeline/stability/kept-placements.ts';
import { planFromSolution } from '../../src/pipeline/write/plan.ts';
import { setupFromConfig } from '../../src/pipeline/setup/from-config.ts';
import { solveInWorker } from '../../src/pipeline/solve/solve-in-worker.ts';
import { checkSolution } from '../../solver/checker.ts';

const MINUTE = 60_000;
const technician = (id: string, shifts: Record<string, { start: string; end: string }>) => ({
  resourceId: id,
  name: id,
  skills: ['HVAC_INSTALL', 'TV_MOUNTING'],
  home: { postalCode: '98108' },
  timeZone: 'America/Los_Angeles',
  shifts,
  lunch: { earliest: '11:30', latest: '13:30', minutes: 30 },
});
const day = { start: '08:00', end: '17:00' };

// T1 works Tuesday and Thursday (Wednesday off), T2 only Tuesday. The install takes 8 hours:
// lunch (starting 11:30–13:00) is not taken during service, so a day holds under 5 h of it in
// one stretch, and the install becomes two parts of 4 h.
const config = validatePlanningConfig(
  {
    stores: [{ storeId: 'S1', timeZone: 'America/Los_Angeles', location: { postalCode: '98108' } }],
    technicians: [technician('T1', { tuesday: day, thursday: day }), technician('T2', { tuesday: day })],
    serviceDurations: [
      { skill: 'HVAC_INSTALL', minutes: 480 },
      { skill: 'TV_MOUNTING', minutes: 60 },
    ],

    planning: { multiDayVisits: true },
  },
  'test.yaml',
);

describe('part lengths of a long job', () => {
  it('cuts a job into the fewest equal parts a day holds, on the grid', () => {
    expect(partLengths(900 * 60, 480 * 60, 900)).toEqual([450 * 60, 450 * 60]);
    expect(partLengths(1000 * 60, 420 * 60, 900)).toEqual([345 * 60, 345 * 60, 310 * 60]);
    expect(partLengths(400 * 60, 480 * 60, 900)).toEqual([400 * 60]);
  });
});

describe('a job longer than a day', () => {
  it("is planned on T1's consecutive working days: one appointment, the second day reserved", async () => {
    const setup = setupFromConfig(config, { date: '2026-11-24', days: 3 });
    const raws = ['98101', '98102', '98103'].map((zip, i) => ({
      serviceJobId: `J${i}`,
      serviceJobStatus: 'PENDING_SCHEDULE',
      storeId: 'S1',
      scopeOfWork: { requiredSkills: i === 0 ? ['HVAC_INSTALL'] : ['TV_MOUNTING'] },
      serviceLocation: { address: { name: 'n', addressLine1: 'a', postalCode: zip } },
    }));
    const norm = normaliseJobs(raws, setup, Date.parse('2026-11-23T12:00:00Z'));
    const located = await locate(norm.jobs, setup, new PostalCodeGeocoder());
    const matrix = await new GreatCircleMatrixProvider({ roadFactor: 1.3, speedKmh: 40 }).matrix(
      located.points,
    );
    const built = buildProblem(setup, located, matrix);
    expect(built.problem.links).toEqual([{ kind: 'consecutive-days', jobs: ['J0', 'J0#part2'] }]);
    const parts = built.problem.jobs.filter((j) => j.id.startsWith('J0'));
    expect(parts.map((j) => j.duration)).toEqual([240 * 60, 240 * 60]);
    expect(parts[1]!.windows).toBeUndefined();

    const solution = await solveInWorker({ problem: built.problem, seed: 3, maxIterations: 300 });
    expect(checkSolution(built.problem, solution).violations).toEqual([]);
    expect(solution.unassigned).toEqual([]);
    const plan = planFromSolution({ setup, built, solution, marketplaceId: 'ATVPDKIKX0DER' });

    // One appointment per job; the install's is the first day's part, on Tuesday, for T1.
    expect(plan.appointments.map((a) => a.serviceJobId).sort()).toEqual(['J0', 'J1', 'J2']);
    const install = plan.appointments.find((a) => a.serviceJobId === 'J0')!;
    expect(install.technicianIds).toEqual(['T1']);
    const stops = plan.routes.flatMap((r) =>
      r.stops.filter((s) => s.serviceJobId === 'J0').map((s) => ({ day: r.day, routeId: r.routeId, s })),
    );
    expect(stops.map((x) => x.day)).toEqual([plan.days[0], plan.days[2]]);
    // Thursday's part is reserved on T1 for exactly its time.
    const reserved = plan.blocks.filter((b) => b.type === 'APPOINTMENT');
    const second = stops[1]!.s;
    expect(reserved).toEqual([
      { resourceId: 'T1', type: 'APPOINTMENT', start: second.start, end: second.end },
    ]);
    expect(second.end - second.start).toBe(parts[1]!.duration * 1000);
    // The appointment is the arrival window the first day's part starts in.
    const first = stops[0]!.s;
    expect(first.start).toBeGreaterThanOrEqual(install.time.start);
    expect(first.start).toBeLessThanOrEqual(install.time.start + install.time.minutes * MINUTE);
    expect(plan.unassigned).toEqual([]);

    // The next run, with Amazon holding what this plan wrote, keeps every part where it was.
    const booked = located.jobs.map((j) => {
      const a = plan.appointments.find((x) => x.serviceJobId === j.serviceJobId)!;
      const at = { start: a.time.start, durationMinutes: a.time.minutes, technicianIds: a.technicianIds };
      return { ...j, activeAppointment: { appointmentId: `A-${j.serviceJobId}`, ...at } };
    });
    const keep = placementsToKeep(plan, booked);
    expect(keep.get('J0')).toEqual({ routeId: stops[0]!.routeId, start: first.start });
    expect(keep.get('J0#part2')).toEqual({ routeId: stops[1]!.routeId, start: second.start });
    const again = buildProblem(setup, { ...located, jobs: booked }, matrix, { keep });
    expect(again.problem.links).toEqual(built.problem.links);
    const sec = (ms: number): number => (ms - again.origin) / 1000;
    expect(again.problem.jobs.filter((j) => j.id.startsWith('J0')).map((j) => [j.duration, j.pin])).toEqual(
      stops.map((x) => [x.s.end / 1000 - x.s.start / 1000, { technician: x.routeId, start: sec(x.s.start) }]),
    );
  });
});
