/**
 * Linked-visit and two-person split rules of the crews config become the solver's `links` and
 * `memberSkills`, and every link the pipeline makes holds in the solved plan.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validatePlanningConfig, type PlanningConfigInput } from '../../../src/config/index.ts';
import { GreatCircleMatrixProvider, PostalCodeGeocoder } from '../../../src/geo/index.ts';
import { normaliseJobs } from '../../../src/pipeline/read/normalise.ts';
import { setupFromConfig } from '../../../src/pipeline/setup/from-config.ts';
import { buildProblem, type BuiltProblem } from '../../../src/pipeline/solve/build-problem.ts';
import { locate } from '../../../src/pipeline/solve/geography.ts';
import { planFromSolution } from '../../../src/pipeline/write/plan.ts';
import { checkSolution } from '../../../solver/checker.ts';
import { solve } from '../../../solver/index.ts';

const DAY = '2026-11-24'; // a Tuesday
const NOW = Date.parse('2026-11-23T12:00:00Z');

const technician = (id: string, skills: string[], zip: string) => ({
  resourceId: id,
  name: id,
  skills,
  home: { postalCode: zip },
  timeZone: 'America/Los_Angeles',
  shifts: { tuesday: { start: '08:00', end: '18:00' } },
});

function configWith(planning: Record<string, unknown>) {
  const input: PlanningConfigInput = {
    stores: [{ storeId: 'S1', timeZone: 'America/Los_Angeles', location: { postalCode: '98108' } }],
    technicians: [
      technician('T1', ['APPLIANCE_INSTALL', 'DELIVERY', 'RANGE'], '98101'),
      technician('T2', ['HELPER', 'DELIVERY'], '98103'),
      technician('T3', ['APPLIANCE_INSTALL', 'DELIVERY', 'RANGE'], '98105'),
    ],
    planning: planning as PlanningConfigInput['planning'],
  };
  return validatePlanningConfig(input, 'crews.yaml');
}

interface RawJob {
  id: string;
  asin: string;
  skills: string[];
  order: string;
  zip: string;
  line1?: string;
}

const raw = (j: RawJob) => ({
  serviceJobId: j.id,
  serviceJobStatus: 'PENDING_SCHEDULE',
  storeId: 'S1',
  productOrderIds: [j.order],
  scopeOfWork: { asin: j.asin, requiredSkills: j.skills },
  serviceLocation: { address: { name: 'n', addressLine1: j.line1 ?? `${j.id} Main St`, postalCode: j.zip } },
});

async function build(
  planning: Record<string, unknown>,
  jobs: RawJob[],
): Promise<BuiltProblem & { setup: ReturnType<typeof setupFromConfig> }> {
  const setup = setupFromConfig(configWith(planning), { date: DAY, days: 1 });
  const norm = normaliseJobs(jobs.map(raw), setup, NOW);
  expect(norm.issues).toEqual([]);
  const located = await locate(norm.jobs, setup, new PostalCodeGeocoder());
  const matrix = await new GreatCircleMatrixProvider({ roadFactor: 1.3, speedKmh: 40 }).matrix(
    located.points,
  );
  return { ...buildProblem(setup, located, matrix), setup };
}

const deliveryThenInstall = {
  first: { asin: 'B0DELIVERY' },
  then: { skill: 'APPLIANCE_INSTALL' },
  minGapMinutes: 60,
  maxGapMinutes: 180,
};

describe('linked-visit rules in the problem', () => {
  it('link the delivery and the installation of one order, the gap counted from the end of the delivery', async () => {
    const built = await build({ linkedVisits: [deliveryThenInstall] }, [
      { id: 'D1', asin: 'B0DELIVERY', skills: ['DELIVERY'], order: '111-0000001-0000001', zip: '98102' },
      {
        id: 'I1',
        asin: 'B0WASHER',
        skills: ['APPLIANCE_INSTALL'],
        order: '111-0000001-0000001',
        zip: '98102',
      },
      {
        id: 'I2',
        asin: 'B0WASHER',
        skills: ['APPLIANCE_INSTALL'],
        order: '111-0000002-0000002',
        zip: '98104',
      },
    ]);
    const d1 = built.problem.jobs.find((j) => j.id === 'D1')!;
    expect(built.problem.links).toEqual([
      {
        kind: 'precedence',
        from: 'D1',
        to: 'I1',
        minDelay: d1.duration + 3600,
        maxDelay: d1.duration + 10800,
      },
    ]);
  });

  it('join by address when the rule says so, and add same-technician when asked', async () => {
    const built = await build(
      { linkedVisits: [{ ...deliveryThenInstall, by: 'address', sameTechnician: true }] },
      [
        {
          id: 'D1',
          asin: 'B0DELIVERY',
          skills: ['DELIVERY'],
          order: '111-0000001-0000001',
          zip: '98102',
          line1: '1 Pine St',
        },
        {
          id: 'I1',
          asin: 'B0WASHER',
          skills: ['APPLIANCE_INSTALL'],
          order: '111-0000009-0000009',
          zip: '98102',
          line1: ' 1  pine st ',
        },
        {
          id: 'I2',
          asin: 'B0WASHER',
          skills: ['APPLIANCE_INSTALL'],
          order: '111-0000001-0000001',
          zip: '98102',
          line1: '2 Pine St',
        },
      ],
    );
    expect(
      built.problem.links?.map((l) =>
        l.kind === 'precedence' ? `${l.from}>${l.to}` : `${l.kind}:${'jobs' in l ? l.jobs.join('+') : ''}`,
      ),
    ).toEqual(['D1>I1', 'same-technician:D1+I1']);
  });

  it('a split rule gives the lead the job’s skills and the helper theirs, and no common skill', async () => {
    const built = await build(
      { twoPersonSplit: [{ skill: 'APPLIANCE_INSTALL', helperSkills: ['HELPER'] }] },
      [
        {
          id: 'I1',
          asin: 'B0WASHER',
          skills: ['APPLIANCE_INSTALL'],
          order: '111-0000001-0000001',
          zip: '98102',
        },
        { id: 'D1', asin: 'B0DELIVERY', skills: ['DELIVERY'], order: '111-0000001-0000001', zip: '98102' },
      ],
    );
    const i1 = built.problem.jobs.find((j) => j.id === 'I1')!;
    expect(i1).toMatchObject({
      technicians: 2,
      skills: [],
      memberSkills: [['APPLIANCE_INSTALL'], ['HELPER']],
    });
    expect(built.problem.jobs.find((j) => j.id === 'D1')).toMatchObject({ skills: ['DELIVERY'] });
    expect(built.problem.jobs.find((j) => j.id === 'D1')?.memberSkills).toBeUndefined();
    expect(built.problem.links).toBeUndefined();

    // Solved and written: one appointment for the lead, the helper's time reserved.
    const solution = solve(built.problem, { seed: 1, maxIterations: 200 });
    expect(checkSolution(built.problem, solution).violations).toEqual([]);
    const visits = solution.routes.flatMap((r) =>
      r.visits.filter((v) => v.job === 'I1').map((v) => ({ r: r.technician, v })),
    );
    expect(visits).toHaveLength(2);
    expect(visits[0]!.v.start).toBe(visits[1]!.v.start);
    expect(visits.some((x) => x.r.startsWith('T2@'))).toBe(true);
    const plan = planFromSolution({ setup: built.setup, built, solution, marketplaceId: 'ATVPDKIKX0DER' });
    const appointment = plan.appointments.find((a) => a.serviceJobId === 'I1')!;
    expect(appointment.technicianIds).toHaveLength(1);
    expect(['T1', 'T3']).toContain(appointment.technicianIds[0]);
    const helperVisit = plan.routes
      .find((r) => r.technicianIds[0] === 'T2')!
      .stops.find((s) => s.serviceJobId === 'I1')!;
    expect(plan.blocks.filter((b) => b.type === 'APPOINTMENT')).toEqual([
      { resourceId: 'T2', type: 'APPOINTMENT', start: helperVisit.start, end: helperVisit.end },
    ]);
  });
});

describe('every link the rules make holds in the solved plan', () => {
  const zips = ['98101', '98102', '98103', '98104', '98105', '98106', '98107', '98109'];
  const order = fc.record({
    zip: fc.constantFrom(...zips),
    install: fc.boolean(),
    split: fc.boolean(),
  });
  const rule = fc.record({
    minGapMinutes: fc.integer({ min: 0, max: 4 }).map((h) => h * 30),
    extra: fc.option(
      fc.integer({ min: 0, max: 6 }).map((h) => h * 30),
      { nil: undefined },
    ),
    sameTechnician: fc.boolean(),
  });

  it('checker finds no violation, and each served pair keeps its gap in wall-clock time', async () => {
    let servedPairs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(order, { minLength: 1, maxLength: 4 }),
        rule,
        fc.integer({ min: 1, max: 1000 }),
        async (orders, r, seed) => {
          const jobs: RawJob[] = orders.flatMap((o, i) => {
            const orderId = `111-000000${i}-000000${i}`;
            const d: RawJob = {
              id: `D${i}`,
              asin: 'B0DELIVERY',
              skills: ['DELIVERY'],
              order: orderId,
              zip: o.zip,
            };
            const install: RawJob = {
              id: `I${i}`,
              asin: o.split ? 'B0RANGE' : 'B0WASHER',
              skills: [o.split ? 'RANGE' : 'APPLIANCE_INSTALL'],
              order: orderId,
              zip: o.zip,
            };
            return o.install ? [d, install] : [d];
          });
          const maxGap = r.extra === undefined ? undefined : r.minGapMinutes + r.extra;
          const link = {
            first: { asin: 'B0DELIVERY' },
            then: { asin: 'B0WASHER' },
            minGapMinutes: r.minGapMinutes,
            ...(maxGap !== undefined ? { maxGapMinutes: maxGap } : {}),
            sameTechnician: r.sameTechnician,
          };
          const built = await build(
            {
              twoPersonSplit: [{ skill: 'RANGE', helperSkills: ['HELPER'] }],
              linkedVisits: [link, { ...link, then: { asin: 'B0RANGE' }, sameTechnician: false }],
            },
            jobs,
          );
          const solution = solve(built.problem, { seed, maxIterations: 150 });
          expect(checkSolution(built.problem, solution).violations).toEqual([]);
          const startOf = new Map<string, { start: number; end: number; route: string }>();
          for (const route of solution.routes)
            for (const v of route.visits)
              startOf.set(v.job, { start: v.start, end: v.end, route: route.technician });
          for (const o of orders.keys()) {
            if (!orders[o]!.install) continue;
            const d = startOf.get(`D${o}`);
            const i = startOf.get(`I${o}`);
            // Linked visits are served together or not at all.
            expect(d === undefined).toBe(i === undefined);
            if (d === undefined || i === undefined) continue;
            servedPairs += 1;
            expect(i.start).toBeGreaterThanOrEqual(d.end + r.minGapMinutes * 60 - 1e-6);
            if (maxGap !== undefined) expect(i.start).toBeLessThanOrEqual(d.end + maxGap * 60 + 1e-6);
            if (r.sameTechnician && !orders[o]!.split) expect(i.route).toBe(d.route);
          }
        },
      ),
      { numRuns: 12 },
    );
    // Not vacuous: linked pairs were planned.
    expect(servedPairs).toBeGreaterThan(0);
  }, 120_000);
});
