/**
 * Per-job technician preferences (set through the API) and the previous visit's technician
 * reach the plan: merged over the config's rules, and honoured by the solver (the checker as
 * referee).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { solve } from '../../solver/index.ts';
import { checkSolution } from '../../solver/checker.ts';
import { affinityFor, validatePlanningConfig, type PlanningConfigInput } from '../../src/config/index.ts';
import { GreatCircleMatrixProvider, PostalCodeGeocoder } from '../../src/geo/index.ts';
import { buildProblem } from '../../src/pipeline/solve/build-problem.ts';
import { locate } from '../../src/pipeline/solve/geography.ts';
import { jobAffinity, withJobHistory } from '../../src/pipeline/job-preferences.ts';
import { normaliseJobs, type PlannableJob } from '../../src/pipeline/read/normalise.ts';
import { planFromSolution, type Plan } from '../../src/pipeline/write/plan.ts';
import { setupFromConfig } from '../../src/pipeline/setup/from-config.ts';
import { checkPreferences, JobPreferencesError, mergePreferences } from '../../src/preferences/index.ts';
import type { JobPreferenceSet } from '../../src/store/index.ts';

const DAY = '2026-11-24'; // a Tuesday
const NOW = Date.parse('2026-11-23T12:00:00Z');
const PEOPLE = ['T1', 'T2', 'T3'];

const technician = (id: string, home: string) => ({
  resourceId: id,
  name: id,
  skills: ['HVAC_INSTALL'],
  home: { postalCode: home },
  timeZone: 'America/Los_Angeles',
  shifts: { tuesday: { start: '08:00', end: '17:00' } },
});

function configWith(affinity: unknown[] = [], planning: Record<string, unknown> = {}) {
  return validatePlanningConfig(
    {
      stores: [{ storeId: 'S1', timeZone: 'America/Los_Angeles', location: { postalCode: '98108' } }],
      technicians: [technician('T1', '98101'), technician('T2', '98125'), technician('T3', '98033')],
      affinity,
      planning: { defaultServiceMinutes: 60, ...planning },
    } as PlanningConfigInput,
    'test.yaml',
  );
}

// A job next to T1's home, of product order ORDER-1: left alone, T1 takes it.
const RAW = {
  serviceJobId: 'J',
  serviceJobStatus: 'PENDING_SCHEDULE',
  storeId: 'S1',
  productOrderIds: ['ORDER-1'],
  scopeOfWork: { requiredSkills: ['HVAC_INSTALL'], asin: 'B0FURNACE' },
  serviceLocation: { address: { name: 'n', addressLine1: 'a', postalCode: '98101' } },
};

async function planOf(
  config: ReturnType<typeof configWith>,
  store: Parameters<typeof withJobHistory>[0] = {},
): Promise<Plan> {
  const setup = setupFromConfig(config, { date: DAY, days: 1 });
  const norm = normaliseJobs([RAW], setup, NOW);
  expect(norm.issues).toEqual([]);
  expect(norm.jobs[0]!.orderIds).toEqual(['ORDER-1']);
  const jobs = await withJobHistory(store, setup, norm.jobs, NOW);
  const located = await locate(jobs, setup, new PostalCodeGeocoder());
  const matrix = await new GreatCircleMatrixProvider({ roadFactor: 1.3, speedKmh: 40 }).matrix(
    located.points,
  );
  const built = buildProblem(setup, located, matrix);
  const solution = solve(built.problem, { seed: 3, maxIterations: 300 });
  expect(checkSolution(built.problem, solution).violations).toEqual([]);
  return planFromSolution({ setup, built, solution, marketplaceId: 'ATVPDKIKX0DER' });
}

const who = (p: Plan): string[] | undefined =>
  p.appointments.find((a) => a.serviceJobId === 'J')?.technicianIds;
const stored = (p: JobPreferenceSet) => ({ jobPreferences: async () => new Map([['J', p]]) });

describe("a job's own preferences in the plan", () => {
  it('without any, the nearest technician serves', async () => {
    expect(who(await planOf(configWith()))).toEqual(['T1']);
  });

  it('a required technician sends them, over the rules’ requirement', async () => {
    expect(who(await planOf(configWith(), stored({ required: ['T2'] })))).toEqual(['T2']);
    const rules = [{ asin: 'B0FURNACE', required: ['T1'] }];
    expect(who(await planOf(configWith(rules)))).toEqual(['T1']);
    expect(who(await planOf(configWith(rules), stored({ required: ['T3'] })))).toEqual(['T3']);
  });

  it('an excluded technician stays away; a preferred one is priced against the detour', async () => {
    expect(who(await planOf(configWith(), stored({ excluded: ['T1'] })))).not.toEqual(['T1']);
    const heavy = stored({ preferred: [{ technician: 'T2', weightMinutes: 240 }] });
    expect(who(await planOf(configWith(), heavy))).toEqual(['T2']);
    // The job's weight replaces the rule's for the same technician.
    const rules = [{ skill: 'HVAC_INSTALL', preferred: [{ technician: 'T2', weightMinutes: 240 }] }];
    const light = stored({ preferred: [{ technician: 'T2', weightMinutes: 0.1 }] });
    expect(who(await planOf(configWith(rules)))).toEqual(['T2']);
    expect(who(await planOf(configWith(rules), light))).toEqual(['T1']);
  });

  it('the previous visit’s technician is preferred when configured, with its weight', async () => {
    const history = {
      previousTechnicians: async (orders: string[]) => new Map(orders.map((o) => [o, ['T3']])),
    };
    expect(who(await planOf(configWith(), history))).toEqual(['T1']);
    const on = configWith([], { previousTechnician: { weightMinutes: 240 } });
    expect(on.planning.previousTechnician).toEqual({ weightMinutes: 240, lookbackDays: 90 });
    expect(who(await planOf(on, history))).toEqual(['T3']);
    const faint = configWith([], { previousTechnician: { weightMinutes: 0.1 } });
    expect(who(await planOf(faint, history))).toEqual(['T1']);
    // The look-back reaches the store as the earliest completion time that counts.
    let since = 0;
    await planOf(configWith([], { previousTechnician: { weightMinutes: 1, lookbackDays: 10 } }), {
      previousTechnicians: async (_orders, from, except) => {
        since = from;
        expect(except).toEqual(['J']);
        return new Map();
      },
    });
    expect(since).toBe(NOW - 10 * 86_400_000);
  });

  it('refuses preferences naming unknown technicians or leaving nobody, naming the field', () => {
    const config = configWith();
    const refusal = (p: JobPreferenceSet): JobPreferencesError => {
      try {
        checkPreferences(config, p);
      } catch (err) {
        expect(err).toBeInstanceOf(JobPreferencesError);
        return err as JobPreferencesError;
      }
      throw new Error('expected a refusal');
    };
    const unknown = refusal({
      required: ['T1', 'NOBODY'],
      preferred: [{ technician: 'GHOST', weightMinutes: 5 }],
    });
    expect(unknown.code).toBe('UNKNOWN_TECHNICIAN');
    expect(unknown.issues.map((i) => i.path)).toEqual(['body.required[1]', 'body.preferred[0].technician']);
    const nobody = refusal({ required: ['T2'], excluded: ['T1', 'T2'] });
    expect(nobody.code).toBe('CONFLICTING_PREFERENCES');
    expect(nobody.issues.map((i) => i.path)).toEqual(['body.excluded[1]']);
    expect(() => checkPreferences(config, { required: ['T2', 'T3'], excluded: ['T2'] })).not.toThrow();
  });
});

const ids = fc.subarray(PEOPLE);
const prefSet = fc.record(
  {
    required: ids,
    excluded: ids,
    preferred: fc.uniqueArray(
      fc.record({ technician: fc.constantFrom(...PEOPLE), weightMinutes: fc.integer({ min: 1, max: 300 }) }),
      { selector: (p) => p.technician, maxLength: 3 },
    ),
    minSkillLevels: fc.dictionary(
      fc.constantFrom('HVAC_INSTALL', 'TV_MOUNT'),
      fc.integer({ min: 1, max: 4 }),
    ),
  },
  { requiredKeys: [] },
);
const rule = fc.record(
  {
    skill: fc.constant('HVAC_INSTALL'),
    required: fc.subarray(PEOPLE, { minLength: 1 }),
    excluded: ids,
    preferred: fc.uniqueArray(
      fc.record({ technician: fc.constantFrom(...PEOPLE), weightMinutes: fc.integer({ min: 1, max: 300 }) }),
      { selector: (p) => p.technician, maxLength: 3 },
    ),
    minSkillLevels: fc.dictionary(fc.constant('HVAC_INSTALL'), fc.integer({ min: 1, max: 4 })),
  },
  { requiredKeys: ['skill'] },
);

describe('merging a job’s preferences over the rules (property)', () => {
  it('the job’s own choices win; the rules’ exclusions stay; nothing else is lost', () => {
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 3 }), prefSet, fc.subarray(PEOPLE), (rules, own, previous) => {
        const base = affinityFor(rules, { skills: ['HVAC_INSTALL'], postalCode: '98101' });
        const job: Pick<PlannableJob, 'preferences' | 'previousTechnicianIds'> = {
          preferences: own,
          previousTechnicianIds: previous,
        };
        const m = jobAffinity(base, job, { weightMinutes: 7, lookbackDays: 90 });
        // Required: the job's list when it names one, else the rules'.
        expect(m.required).toEqual((own.required?.length ?? 0) > 0 ? own.required : base.required);
        for (const id of [...base.excluded, ...(own.excluded ?? [])]) expect(m.excluded).toContain(id);
        // A technician the job weighs has that one weight; else the rules', else the previous visit's.
        const weights = new Map(m.preferred.map((p) => [p.technician, p.weightMinutes]));
        for (const p of own.preferred ?? [])
          expect(m.preferred.filter((q) => q.technician === p.technician)).toEqual([p]);
        for (const p of base.preferred)
          if (!(own.preferred ?? []).some((q) => q.technician === p.technician))
            expect(m.preferred).toContainEqual(p);
        for (const id of previous)
          if (![...base.preferred, ...(own.preferred ?? [])].some((q) => q.technician === id))
            expect(weights.get(id)).toBe(7);
        for (const [skill, level] of Object.entries(base.minSkillLevels))
          expect(m.minSkillLevels[skill]).toBe(own.minSkillLevels?.[skill] ?? level);
        // Without preferences of its own, the rules stand as they are.
        expect(mergePreferences(base, undefined)).toBe(base);
      }),
      { numRuns: 300, seed: 16 },
    );
  });
});
