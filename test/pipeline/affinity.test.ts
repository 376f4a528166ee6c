/**
 * The crews config's affinity rules reach the plan: required and excluded technicians by ASIN,
 * skill and postal-code prefix, preferred ones priced against travel, minimum skill levels
 * against the technicians' levels; bad rules are refused naming the field.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { solve } from '../../solver/index.ts';
import { checkSolution } from '../../solver/checker.ts';
import {
  affinityFor,
  ConfigError,
  validatePlanningConfig,
  type AffinityRule,
  type PlanningConfigInput,
} from '../../src/config/index.ts';
import { GreatCircleMatrixProvider, PostalCodeGeocoder } from '../../src/geo/index.ts';
import { buildProblem } from '../../src/pipeline/solve/build-problem.ts';
import { locate } from '../../src/pipeline/solve/geography.ts';
import { normaliseJobs } from '../../src/pipeline/read/normalise.ts';
import { planFromSolution, type Plan } from '../../src/pipeline/write/plan.ts';
import { setupFromConfig } from '../../src/pipeline/setup/from-config.ts';

const DAY = '2026-11-24'; // a Tuesday
const NOW = Date.parse('2026-11-23T12:00:00Z');

const technician = (id: string, home: string, extra: Record<string, unknown> = {}) => ({
  resourceId: id,
  name: id,
  skills: ['HVAC_INSTALL'],
  home: { postalCode: home },
  timeZone: 'America/Los_Angeles',
  shifts: { tuesday: { start: '08:00', end: '17:00' } },
  ...extra,
});

function configWith(
  affinity: unknown[],
  technicians = [technician('T1', '98101'), technician('T2', '98125')],
) {
  return validatePlanningConfig(
    {
      stores: [{ storeId: 'S1', timeZone: 'America/Los_Angeles', location: { postalCode: '98108' } }],
      technicians,
      affinity,
      planning: { defaultServiceMinutes: 60 },
    } as PlanningConfigInput,
    'test.yaml',
  );
}

interface RawJob {
  id: string;
  zip: string;
  asin?: string;
}

const raw = (j: RawJob): unknown => ({
  serviceJobId: j.id,
  serviceJobStatus: 'PENDING_SCHEDULE',
  storeId: 'S1',
  scopeOfWork: { requiredSkills: ['HVAC_INSTALL'], ...(j.asin ? { asin: j.asin } : {}) },
  serviceLocation: { address: { name: 'n', addressLine1: 'a', postalCode: j.zip } },
});

async function planOf(config: ReturnType<typeof configWith>, jobs: readonly RawJob[]): Promise<Plan> {
  const setup = setupFromConfig(config, { date: DAY, days: 1 });
  const norm = normaliseJobs(jobs.map(raw), setup, NOW);
  expect(norm.issues).toEqual([]);
  const located = await locate(norm.jobs, setup, new PostalCodeGeocoder());
  const matrix = await new GreatCircleMatrixProvider({ roadFactor: 1.3, speedKmh: 40 }).matrix(
    located.points,
  );
  const built = buildProblem(setup, located, matrix);
  const solution = solve(built.problem, { seed: 3, maxIterations: 300 });
  expect(checkSolution(built.problem, solution).violations).toEqual([]);
  return planFromSolution({ setup, built, solution, marketplaceId: 'ATVPDKIKX0DER' });
}

const who = (p: Plan, id: string): string[] | undefined =>
  p.appointments.find((a) => a.serviceJobId === id)?.technicianIds;

describe('affinity rules from the crews config', () => {
  // A job next to T1's home: left alone, T1 takes it.
  const near: RawJob[] = [{ id: 'J', zip: '98101', asin: 'B0FURNACE' }];

  it('without rules the nearest technician serves', async () => {
    expect(who(await planOf(configWith([]), near), 'J')).toEqual(['T1']);
  });

  it('required by ASIN sends the far technician', async () => {
    const plan = await planOf(configWith([{ asin: 'B0FURNACE', required: ['T2'] }]), near);
    expect(who(plan, 'J')).toEqual(['T2']);
  });

  it('excluded by postal-code prefix keeps T1 away', async () => {
    const plan = await planOf(configWith([{ postalCodePrefix: '981', excluded: ['T1'] }]), near);
    expect(who(plan, 'J')).toEqual(['T2']);
  });

  it('preferred by skill wins over a small detour, not over nothing when nobody else may', async () => {
    const plan = await planOf(
      configWith([{ skill: 'HVAC_INSTALL', preferred: [{ technician: 'T2', weightMinutes: 240 }] }]),
      near,
    );
    expect(who(plan, 'J')).toEqual(['T2']);
    const cheap = await planOf(
      configWith([{ skill: 'HVAC_INSTALL', preferred: [{ technician: 'T2', weightMinutes: 0.1 }] }]),
      near,
    );
    expect(who(cheap, 'J')).toEqual(['T1']);
  });

  it('a minimum skill level goes to the technician who has it', async () => {
    const plan = await planOf(
      configWith(
        [{ asin: 'B0FURNACE', minSkillLevels: { HVAC_INSTALL: 3 } }],
        [
          technician('T1', '98101', { skillLevels: { HVAC_INSTALL: 2 } }),
          technician('T2', '98125', { skillLevels: { HVAC_INSTALL: 3 } }),
        ],
      ),
      near,
    );
    expect(who(plan, 'J')).toEqual(['T2']);
  });

  it('conflicting rules leave the job out with the reason', async () => {
    const plan = await planOf(
      configWith([
        { asin: 'B0FURNACE', required: ['T1'] },
        { skill: 'HVAC_INSTALL', excluded: ['T1'] },
      ]),
      near,
    );
    expect(plan.appointments).toEqual([]);
    expect(plan.unassigned.map((u) => [u.serviceJobId, u.reason])).toEqual([
      ['J', 'NO_PERMITTED_TECHNICIAN'],
    ]);
  });

  it('refuses bad rules, naming the field', () => {
    const messageOf = (rules: unknown[]): string => {
      try {
        configWith(rules);
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as ConfigError).message;
      }
      throw new Error('expected the config to be refused');
    };
    expect(messageOf([{ required: ['T1'] }])).toMatch(/affinity\[0\].*asin, skill or postalCodePrefix/s);
    expect(messageOf([{ asin: 'X', required: ['T9'] }])).toMatch(
      /affinity\[0\]\.required\[0\].*unknown technician "T9"/s,
    );
    expect(messageOf([{ asin: 'X', preferred: [{ technician: 'T1', weightMinutes: -1 }] }])).toMatch(
      /affinity\[0\]\.preferred\[0\]\.weightMinutes.*positive/s,
    );
    expect(messageOf([{ asin: 'X', minSkillLevels: { HVAC_INSTALL: 1.5 } }])).toMatch(
      /minSkillLevels.*whole level/s,
    );
  });
});

describe('planning.skillLevelDurationFactor', () => {
  it('a higher level works faster; a technician’s own factor wins over the level’s', async () => {
    const config = validatePlanningConfig(
      {
        stores: [{ storeId: 'S1', timeZone: 'America/Los_Angeles', location: { postalCode: '98108' } }],
        technicians: [
          technician('T1', '98101'),
          technician('T2', '98125', { skillLevels: { HVAC_INSTALL: 3 } }),
          technician('T3', '98125', {
            skillLevels: { HVAC_INSTALL: 4 },
            skillDurationFactor: { HVAC_INSTALL: 1.5 },
          }),
        ],
        planning: {
          defaultServiceMinutes: 60,
          skillLevelDurationFactor: { HVAC_INSTALL: { '2': 0.75, '3': 0.5 } },
        },
      } as PlanningConfigInput,
      'test.yaml',
    );
    const setup = setupFromConfig(config, { date: DAY, days: 1 });
    const norm = normaliseJobs([raw({ id: 'J', zip: '98101' })], setup, NOW);
    const located = await locate(norm.jobs, setup, new PostalCodeGeocoder());
    const matrix = await new GreatCircleMatrixProvider({ roadFactor: 1.3, speedKmh: 40 }).matrix(
      located.points,
    );
    const job = buildProblem(setup, located, matrix).problem.jobs[0]!;
    expect(job.duration).toBe(3600);
    // T1 (level 1, no entry) keeps the hour; T2 (level 3) takes half; T3's own factor rules.
    expect(job.durationByTechnician).toEqual({ [`T2@${DAY}`]: 1800, [`T3@${DAY}`]: 5400 });
  });

  it('refuses a level that is not a whole number', () => {
    expect(() =>
      validatePlanningConfig(
        {
          stores: [{ storeId: 'S1', timeZone: 'America/Los_Angeles', location: { postalCode: '98108' } }],
          technicians: [technician('T1', '98101')],
          planning: { skillLevelDurationFactor: { HVAC_INSTALL: { two: 0.5 } } },
        } as PlanningConfigInput,
        'test.yaml',
      ),
    ).toThrow(/planning\.skillLevelDurationFactor\.HVAC_INSTALL.*skill level/s);
  });
});

describe('affinityFor', () => {
  const people = ['T1', 'T2', 'T3'];
  const rule: fc.Arbitrary<AffinityRule> = fc.record(
    {
      asin: fc.constantFrom('A', 'B'),
      skill: fc.constantFrom('S', 'R'),
      postalCodePrefix: fc.constantFrom('9', '98', '97'),
      required: fc.subarray(people, { minLength: 1 }),
      excluded: fc.subarray(people),
    },
    { requiredKeys: [] },
  ) as fc.Arbitrary<AffinityRule>;
  const job = fc.record({
    asin: fc.constantFrom('A', 'B'),
    skills: fc.subarray(['S', 'R']),
    postalCode: fc.constantFrom('98101', '97001'),
  });

  it('every matching rule holds together: a technician is permitted only when each rule permits them', () => {
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 4 }), job, (rules, j) => {
        const a = affinityFor(rules, j);
        const matches = (r: AffinityRule): boolean =>
          (r.asin === undefined || r.asin === j.asin) &&
          (r.skill === undefined || j.skills.includes(r.skill)) &&
          (r.postalCodePrefix === undefined || j.postalCode.startsWith(r.postalCodePrefix));
        for (const p of people) {
          const combined = (a.required === undefined || a.required.includes(p)) && !a.excluded.includes(p);
          const each = rules
            .filter(matches)
            .every(
              (r) => (r.required === undefined || r.required.includes(p)) && !(r.excluded ?? []).includes(p),
            );
          expect(combined).toBe(each);
        }
      }),
      { numRuns: 200 },
    );
  });
});
