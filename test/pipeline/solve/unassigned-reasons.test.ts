/**
 * Each unassigned reason is reconstructed independently: `PIN_UNSATISFIABLE` only for a job
 * that had a pin of its own (frozen or under way), never for one the pipeline pinned to keep
 * it where it was; `DISPLACED` only when the job, alone and unpinned, is served on an empty
 * route; `EXCEEDS_CAPACITY` for load.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { solve } from '../../../solver/index.ts';
import type { Job, Problem } from '../../../solver/problem.ts';
import { validatePlanningConfig } from '../../../src/config/index.ts';
import { GreatCircleMatrixProvider, PostalCodeGeocoder } from '../../../src/geo/index.ts';
import { buildProblem, routeIdOf, type Placement } from '../../../src/pipeline/solve/build-problem.ts';
import { locate } from '../../../src/pipeline/solve/geography.ts';
import { normaliseJobs } from '../../../src/pipeline/read/normalise.ts';
import { planFromSolution } from '../../../src/pipeline/write/plan.ts';
import { aloneReason } from '../../../src/pipeline/solve/unassigned-reasons.ts';
import { setupFromConfig } from '../../../src/pipeline/setup/from-config.ts';

const DAY = '2026-11-24';
const NOW = Date.parse(`${DAY}T14:00:00Z`); // 06:00 in Seattle
const ZIPS = ['98101', '98103', '98105', '98107', '98112', '98115', '98117', '98125'];
const HOUR = 3_600_000;
const config = validatePlanningConfig(
  {
    stores: [{ storeId: 'S1', timeZone: 'America/Los_Angeles', location: { postalCode: '98108' } }],
    technicians: ['T1', 'T2'].map((id) => ({
      resourceId: id,
      name: id,
      skills: ['TV_MOUNTING'],
      home: { postalCode: '98108' },
      timeZone: 'America/Los_Angeles',
      shifts: { tuesday: { start: '08:00', end: '12:00' } },
    })),
    planning: { defaultServiceMinutes: 60, freezeMinutes: 60 },
  },
  'test.yaml',
);

interface Case {
  jobs: { zip: string; hour: number; booked: 'no' | 'T1' | 'T2' }[];
  keep: { job: number; route: 'T1' | 'T2'; hour: number }[];
}

/** The seeded jobs: preferred arrival windows, some booked (a booked one at 06:00 is frozen). */
function raws(c: Case): unknown[] {
  return c.jobs.map((j, i) => {
    const start = new Date(Date.parse(`${DAY}T16:00:00Z`) + (j.hour - 8) * HOUR).toISOString();
    return {
      serviceJobId: `J${i}`,
      serviceJobStatus: j.booked === 'no' ? 'PENDING_SCHEDULE' : 'NOT_SERVICED',
      storeId: 'S1',
      scopeOfWork: { requiredSkills: ['TV_MOUNTING'] },
      serviceLocation: { address: { name: 'n', addressLine1: 'a', postalCode: j.zip } },
      preferredAppointmentTimes: [{ startTime: start, durationInMinutes: 60 }],
      ...(j.booked !== 'no'
        ? {
            appointments: [
              {
                appointmentId: `A${i}`,
                appointmentStatus: 'ACTIVE',
                appointmentTime: { startTime: start, durationInMinutes: 60 },
                assignedTechnicians: [{ technicianId: j.booked }],
              },
            ],
          }
        : {}),
    };
  });
}

async function planCase(c: Case) {
  const setup = setupFromConfig(config, { date: DAY, days: 1 });
  const norm = normaliseJobs(raws(c), setup, NOW);
  const located = await locate(norm.jobs, setup, new PostalCodeGeocoder());
  const matrix = await new GreatCircleMatrixProvider({ roadFactor: 1.3, speedKmh: 40 }).matrix(
    located.points,
  );
  // The pipeline's own pins: keep a job on a route at an hour (as a previous plan would).
  const keep = new Map<string, Placement>(
    c.keep.map((k) => [
      `J${k.job}`,
      { routeId: routeIdOf(k.route, DAY), start: Date.parse(`${DAY}T16:00:00Z`) + (k.hour - 8) * HOUR },
    ]),
  );
  const built = buildProblem(setup, located, matrix, { keep });
  const solution = solve(built.problem, { seed: 2, maxIterations: 200 });
  const plan = planFromSolution({ setup, built, solution, marketplaceId: 'ATVPDKIKX0DER' });
  return { built, plan, norm };
}

/** Is the job served when it is the only job, without any pin, on the problem's empty routes? */
function servedAlone(problem: Problem, job: Job): boolean {
  const { pin: _pin, ...free } = job;
  const alone = solve({ ...problem, jobs: [free] }, { seed: 1, maxIterations: 10 });
  return alone.unassigned.length === 0;
}

describe('unassigned reasons, reconstructed', () => {
  it('a job the pipeline pinned where it no longer fits is not PIN_UNSATISFIABLE, and is DISPLACED when it fits alone', async () => {
    // J0 kept at 05:00, before the shift: the keep pin cannot hold, but the job fits the day.
    const { plan } = await planCase({
      jobs: [{ zip: '98101', hour: 9, booked: 'no' }],
      keep: [{ job: 0, route: 'T1', hour: 5 }],
    });
    const u = plan.unassigned.find((x) => x.serviceJobId === 'J0');
    expect(u?.reason).toBe('DISPLACED');
    expect(u?.detail).not.toMatch(/frozen/);
  });

  it('a frozen visit that cannot be kept is PIN_UNSATISFIABLE', async () => {
    // Booked at 06:30 with T1 (inside the freeze hour), but T1 starts at 08:00.
    const { plan, norm } = await planCase({ jobs: [{ zip: '98101', hour: 6.5, booked: 'T1' }], keep: [] });
    expect(norm.jobs[0]?.pin).toBeDefined();
    expect(plan.unassigned.find((x) => x.serviceJobId === 'J0')?.reason).toBe('PIN_UNSATISFIABLE');
  });

  it('every reason over generated days matches its reconstruction', async () => {
    const arb = fc.record({
      jobs: fc.array(
        fc.record({
          zip: fc.constantFrom(...ZIPS),
          hour: fc.constantFrom(6.5, 8, 9, 10, 11, 13),
          booked: fc.constantFrom('no' as const, 'no' as const, 'T1' as const, 'T2' as const),
        }),
        { minLength: 3, maxLength: 9 },
      ),
      keep: fc.array(
        fc.record({
          job: fc.nat({ max: 8 }),
          route: fc.constantFrom('T1' as const, 'T2' as const),
          hour: fc.constantFrom(5, 8, 9, 10, 11),
        }),
        { maxLength: 4 },
      ),
    });
    await fc.assert(
      fc.asyncProperty(arb, async (c) => {
        const { built, plan } = await planCase(c);
        for (const u of plan.unassigned) {
          const frozen = built.jobs.get(u.serviceJobId)?.pin !== undefined;
          const job = built.problem.jobs.find((j) => j.id === u.serviceJobId)!;
          if (u.reason === 'PIN_UNSATISFIABLE') expect(frozen, u.serviceJobId).toBe(true);
          if (frozen) continue;
          if (u.reason === 'DISPLACED') expect(servedAlone(built.problem, job), u.serviceJobId).toBe(true);
          if (u.reason === 'NO_WINDOW_FITS')
            expect(servedAlone(built.problem, job), u.serviceJobId).toBe(false);
        }
      }),
      { numRuns: 25, seed: 7 },
    );
  });

  it('a load no route can carry is EXCEEDS_CAPACITY, not DISPLACED', () => {
    const problem: Problem = {
      matrices: {
        durations: [
          [0, 600],
          [600, 0],
        ],
      },
      jobs: [{ id: 'heavy', location: 1, duration: 600, load: [5], pin: { technician: 'van' } }],
      technicians: [
        { id: 'van', start: 0, shift: { start: 0, end: 36_000 }, capacity: [2] },
        { id: 'truck', start: 0, shift: { start: 0, end: 36_000 }, capacity: [4] },
      ],
    };
    expect(aloneReason(problem, problem.jobs[0]!)).toBe('EXCEEDS_CAPACITY');
    const bigger = {
      ...problem,
      technicians: [
        ...problem.technicians,
        { id: 'lorry', start: 0, shift: { start: 0, end: 36_000 }, capacity: [6] },
      ],
    };
    expect(aloneReason(bigger, problem.jobs[0]!)).toBe('DISPLACED');
  });
});
