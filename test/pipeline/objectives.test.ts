/**
 * Every key of `planning.objective`, `planning.overtime` and `planning.priority` reaches the
 * solver and moves the plan the way it says, each on a case built for it; a key the pipeline
 * could not honour is refused when the config is loaded.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { solve } from '../../solver/index.ts';
import { ConfigError, validatePlanningConfig, type PlanningConfigInput } from '../../src/config/index.ts';
import { GreatCircleMatrixProvider, PostalCodeGeocoder } from '../../src/geo/index.ts';
import { buildProblem } from '../../src/pipeline/solve/build-problem.ts';
import { locate, type TravelMatrix } from '../../src/pipeline/solve/geography.ts';
import { normaliseJobs } from '../../src/pipeline/read/normalise.ts';
import { planFromSolution, type Plan } from '../../src/pipeline/write/plan.ts';
import { setupFromConfig } from '../../src/pipeline/setup/from-config.ts';

const DAY = '2026-11-24'; // a Tuesday
const NOW = Date.parse('2026-11-23T12:00:00Z');
const ZIPS = ['98101', '98103', '98105', '98107', '98112', '98115', '98117', '98125'];
const at = (hhmm: string): string => `${DAY}T${hhmm}:00-08:00`;

type Planning = NonNullable<PlanningConfigInput['planning']>;

const technician = (id: string, home: string, shift: { start: string; end: string }) => ({
  resourceId: id,
  name: id,
  skills: ['TV_MOUNTING'],
  home: { postalCode: home },
  timeZone: 'America/Los_Angeles',
  shifts: { tuesday: shift },
});

function configWith(
  planning: Planning,
  shift = { start: '08:00', end: '17:00' },
  others: ReturnType<typeof technician>[] = [],
) {
  return validatePlanningConfig(
    {
      stores: [{ storeId: 'S1', timeZone: 'America/Los_Angeles', location: { postalCode: '98108' } }],
      technicians: [technician('T1', '98108', shift), ...others],
      planning: { defaultServiceMinutes: 60, ...planning },
    },
    'test.yaml',
  );
}

interface RawJob {
  id: string;
  zip: string;
  window?: [string, number] | undefined;
  prime?: boolean;
  createdDaysAgo?: number;
}

function raw(j: RawJob): unknown {
  return {
    serviceJobId: j.id,
    serviceJobStatus: 'PENDING_SCHEDULE',
    storeId: 'S1',
    scopeOfWork: { requiredSkills: ['TV_MOUNTING'] },
    serviceLocation: { address: { name: 'n', addressLine1: 'a', postalCode: j.zip } },
    ...(j.window
      ? { preferredAppointmentTimes: [{ startTime: at(j.window[0]), durationInMinutes: j.window[1] }] }
      : {}),
    ...(j.prime !== undefined ? { buyer: { isPrimeMember: j.prime } } : {}),
    ...(j.createdDaysAgo !== undefined
      ? { createTime: new Date(NOW - j.createdDaysAgo * 86_400_000).toISOString() }
      : {}),
  };
}

async function planOf(
  config: ReturnType<typeof configWith>,
  jobs: readonly RawJob[],
  craft?: (m: TravelMatrix) => TravelMatrix,
): Promise<Plan> {
  const setup = setupFromConfig(config, { date: DAY, days: 1 });
  const norm = normaliseJobs(jobs.map(raw), setup, NOW);
  expect(norm.issues).toEqual([]);
  const located = await locate(norm.jobs, setup, new PostalCodeGeocoder());
  const base = await new GreatCircleMatrixProvider({ roadFactor: 1.3, speedKmh: 40 }).matrix(located.points);
  const built = buildProblem(setup, located, craft ? craft(base) : base);
  const solution = solve(built.problem, { seed: 3, maxIterations: 400 });
  return planFromSolution({ setup, built, solution, marketplaceId: 'ATVPDKIKX0DER' });
}

const served = (p: Plan): number => p.appointments.length;

describe('planning.objective.lateness', () => {
  // Two visits in the same half-hour arrival window, an hour of work each: on time, one is left out.
  const jobs: RawJob[] = [
    { id: 'A', zip: '98101', window: ['10:00', 30] },
    { id: 'B', zip: '98103', window: ['10:00', 30] },
  ];

  it('allowed: more jobs are served, each at most maxMinutes late, with the appointment it was late for', async () => {
    const hard = await planOf(configWith({}), jobs);
    const soft = await planOf(
      configWith({ objective: { lateness: { maxMinutes: 90, costPerMinute: 1 } } }),
      jobs,
    );
    expect(served(hard)).toBe(1);
    expect(served(soft)).toBe(2);
    const windowEnd = Date.parse(at('10:30'));
    for (const r of soft.routes)
      for (const s of r.stops) expect(s.start - windowEnd).toBeLessThanOrEqual(90 * 60_000);
    expect(soft.routes.flatMap((r) => r.stops).some((s) => s.start > windowEnd)).toBe(true);
    for (const a of soft.appointments)
      expect(a.time).toEqual({ start: Date.parse(at('10:00')), minutes: 30 });
  });

  it('bounded: lateness beyond maxMinutes is never planned', async () => {
    const tight = await planOf(
      configWith({ objective: { lateness: { maxMinutes: 10, costPerMinute: 1 } } }),
      jobs,
    );
    expect(served(tight)).toBe(1);
  });
});

describe('planning.objective.travel', () => {
  /**
   * Durations and distances that disagree (a fast motorway the long way round): the job order
   * that is quickest is not the shortest.
   */
  const crafted =
    (seed: number) =>
    (m: TravelMatrix): TravelMatrix => {
      const rnd = mulberry(seed);
      const n = m.durations.length;
      const durations = m.durations.map((row) => row.map(() => 0));
      const distances = m.distances.map((row) => row.map(() => 0));
      for (let i = 0; i < n; i++)
        for (let j = i + 1; j < n; j++) {
          const d = 300 + Math.round(rnd() * 1500);
          const km = 1000 + Math.round(rnd() * 20_000);
          durations[i]![j] = durations[j]![i] = d;
          distances[i]![j] = distances[j]![i] = km;
        }
      return { durations, distances };
    };
  const jobs: RawJob[] = ZIPS.slice(0, 5).map((zip, i) => ({ id: `J${i}`, zip }));
  const metres = (p: Plan, m: TravelMatrix, order: (id: string) => number): number => {
    let total = 0;
    for (const r of p.routes) {
      const seq = [0, ...r.stops.map((s) => order(s.serviceJobId)), 0];
      for (let i = 1; i < seq.length; i++) total += m.distances[seq[i - 1]!]![seq[i]!]!;
    }
    return total;
  };

  it('distance gives routes no longer (in km) than duration, and shorter on a case where they disagree', async () => {
    let strictlyShorter = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 10_000 }), async (seed) => {
        const setup = setupFromConfig(configWith({}), { date: DAY, days: 1 });
        const located = await locate(
          normaliseJobs(jobs.map(raw), setup, NOW).jobs,
          setup,
          new PostalCodeGeocoder(),
        );
        const base = await new GreatCircleMatrixProvider({ roadFactor: 1.3, speedKmh: 40 }).matrix(
          located.points,
        );
        const m = crafted(seed)(base);
        const order = (id: string): number => located.jobLocation.get(id)!;
        const byDuration = await planOf(configWith({ objective: { travel: 'duration' } }), jobs, () => m);
        const byDistance = await planOf(configWith({ objective: { travel: 'distance' } }), jobs, () => m);
        expect(served(byDistance)).toBe(jobs.length);
        expect(served(byDuration)).toBe(jobs.length);
        const a = metres(byDistance, m, order);
        const b = metres(byDuration, m, order);
        expect(a).toBeLessThanOrEqual(b);
        if (a < b) strictlyShorter += 1;
      }),
      { numRuns: 8, seed: 42 },
    );
    expect(strictlyShorter).toBeGreaterThan(0);
  });
});

describe('planning.overtime and objective.perHourOvertime', () => {
  // A four-hour shift and six hours of work: only overtime serves it all.
  const jobs: RawJob[] = ZIPS.slice(0, 6).map((zip, i) => ({ id: `J${i}`, zip, window: ['08:00', 600] }));
  const shift = { start: '08:00', end: '12:00' };

  it('allowed and worth its price: the route runs past the shift end, within the allowance, and the schedule covers it', async () => {
    const none = await planOf(configWith({}, shift), jobs);
    const paid = await planOf(
      configWith({ overtime: 180, objective: { perHourOvertime: 60, unassignedPenalty: 100_000 } }, shift),
      jobs,
    );
    expect(served(paid)).toBeGreaterThan(served(none));
    const route = paid.routes[0]!;
    expect(route.back).toBeGreaterThan(route.shift.end);
    expect(route.back - route.shift.end).toBeLessThanOrEqual(180 * 60_000);
    expect(route.overtime).toBeGreaterThan(0);
    for (const r of none.routes) expect(r.back).toBeLessThanOrEqual(r.shift.end);
    const record = paid.schedules.find((s) => s.resourceId === 'T1')!.records[0]!;
    expect(record.end).toBeGreaterThanOrEqual(route.back);
  });

  it('its price decides: cheap overtime saves a far colleague the trip, dear overtime sends him', async () => {
    // T2 lives an hour and more away (Tacoma) and works all day; T1 is near but off at noon.
    const far = [technician('T2', '98402', { start: '08:00', end: '17:00' })];
    // Four hours of work: T1 alone needs under an hour of overtime; T2 would drive three hours.
    const four = jobs.slice(0, 4);
    const cheap = await planOf(
      configWith({ overtime: 180, objective: { perHourOvertime: 60 } }, shift, far),
      four,
    );
    const dear = await planOf(
      configWith({ overtime: 180, objective: { perHourOvertime: 1e7 } }, shift, far),
      four,
    );
    const t1 = (p: Plan) => p.routes.find((r) => r.technicianIds[0] === 'T1');
    expect(served(cheap)).toBe(four.length);
    expect(served(dear)).toBe(four.length);
    expect(cheap.routes.map((r) => r.technicianIds[0])).toEqual(['T1']);
    expect(t1(cheap)!.overtime).toBeGreaterThan(0);
    expect(t1(dear)?.overtime ?? 0).toBe(0);
    expect(dear.routes.some((r) => r.technicianIds[0] === 'T2')).toBe(true);
  });

  it('a price for overtime nobody may work is refused at load, naming the key', () => {
    let error: unknown;
    try {
      configWith({ objective: { perHourOvertime: 2 } });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/planning\.objective\.perHourOvertime/);
    expect((error as ConfigError).message).toMatch(/planning\.overtime/);
  });
});

describe('planning.priority', () => {
  // One slot, two buyers: the weights decide who gets it.
  const jobs: RawJob[] = [
    { id: 'PRIME', zip: '98101', window: ['10:00', 30], prime: true, createdDaysAgo: 0 },
    { id: 'OLD', zip: '98103', window: ['10:00', 30], prime: false, createdDaysAgo: 10 },
  ];
  it('the configured weights choose the job that is kept', async () => {
    const prime = await planOf(configWith({ priority: { prime: 5 } }), jobs);
    const age = await planOf(configWith({ priority: { prime: 0, perDayWaiting: 1 } }), jobs);
    expect(prime.appointments.map((a) => a.serviceJobId)).toEqual(['PRIME']);
    expect(age.appointments.map((a) => a.serviceJobId)).toEqual(['OLD']);
  });
});

function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('planning.objective.balance and minWorkHours', () => {
  const jobs: RawJob[] = [
    { id: 'A', zip: '98101' },
    { id: 'B', zip: '98103' },
    { id: 'C', zip: '98105' },
    { id: 'D', zip: '98107' },
  ];
  const second = [technician('T2', '98108', { start: '08:00', end: '17:00' })];
  const perRoute = (p: Plan): number[] => p.routes.map((r) => r.stops.length).sort();

  it('balance by jobs spreads the work over both technicians', async () => {
    const balanced = await planOf(
      configWith({ objective: { balance: { measure: 'jobs', weight: 100_000 } } }, undefined, second),
      jobs,
    );
    expect(served(balanced)).toBe(4);
    expect(perRoute(balanced)).toEqual([2, 2]);
  });

  it('minWorkHours: nobody is called in for less than the minimum', async () => {
    const all = await planOf(configWith({}, undefined, second), jobs);
    expect(served(all)).toBe(4);
    const none = await planOf(configWith({ objective: { minWorkHours: 8 } }, undefined, second), jobs);
    expect(served(none)).toBe(0);
    const one = await planOf(
      configWith(
        { objective: { minWorkHours: 3, balance: { measure: 'jobs', weight: 100_000 } } },
        undefined,
        second,
      ),
      jobs,
    );
    // Two and two would leave both short of three hours: one technician takes all four.
    expect(served(one)).toBe(4);
    expect(one.routes.filter((r) => r.stops.length > 0)).toHaveLength(1);
  });
});
