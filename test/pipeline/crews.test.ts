/**
 * Two-person jobs: a configured crew works as one team on the days both members are on
 * shift, and only such a team can take a job that needs two technicians.
 */
import { describe, expect, it } from 'vitest';
import { validatePlanningConfig, type PlanningConfigInput } from '../../src/config/index.ts';
import { GreatCircleMatrixProvider, PostalCodeGeocoder } from '../../src/geo/index.ts';
import { buildProblem } from '../../src/pipeline/solve/build-problem.ts';
import { locate } from '../../src/pipeline/solve/geography.ts';
import { normaliseJobs } from '../../src/pipeline/read/normalise.ts';
import { planFromSolution } from '../../src/pipeline/write/plan.ts';
import { setupFromConfig } from '../../src/pipeline/setup/from-config.ts';
import { solveInWorker } from '../../src/pipeline/solve/solve-in-worker.ts';
import { checkSolution } from '../../solver/checker.ts';

const technician = (id: string, skills: string[], days: string[]) => ({
  resourceId: id,
  name: id,
  skills,
  home: { postalCode: '98108' },
  timeZone: 'America/Los_Angeles',
  shifts: Object.fromEntries(days.map((d) => [d, { start: '08:00', end: '17:00' }])),
  lunch: { earliest: '11:30', latest: '13:30', minutes: 30 },
});

const input: PlanningConfigInput = {
  stores: [{ storeId: 'S1', timeZone: 'America/Los_Angeles', location: { postalCode: '98108' } }],
  technicians: [
    technician('T1', ['APPLIANCE_INSTALL', 'HEAVY_LIFT'], ['tuesday', 'wednesday']),
    technician('T2', ['APPLIANCE_INSTALL', 'HEAVY_LIFT', 'TV_MOUNTING'], ['tuesday']),
    technician('T3', ['APPLIANCE_INSTALL'], ['tuesday', 'wednesday']),
  ],
  crews: [{ id: 'CREW-A', members: ['T1', 'T2'] }],
  planning: { twoTechnicianSkills: ['HEAVY_LIFT'] },
};
const config = validatePlanningConfig(input, 'crews.yaml');
const zips = ['98101', '98102', '98103', '98104', '98105', '98106', '98107', '98109'];

describe('crews for two-person jobs', () => {
  it('serves two-person jobs with the crew on days both work, and each member alone otherwise', async () => {
    const setup = setupFromConfig(config, { date: '2026-11-24', days: 2 });
    const raws = zips.map((zip, i) => ({
      serviceJobId: `J${i}`,
      serviceJobStatus: 'PENDING_SCHEDULE',
      storeId: 'S1',
      scopeOfWork: { requiredSkills: i < 3 ? ['HEAVY_LIFT', 'APPLIANCE_INSTALL'] : ['APPLIANCE_INSTALL'] },
      serviceLocation: { address: { name: 'n', addressLine1: 'a', postalCode: zip } },
    }));
    const norm = normaliseJobs(raws, setup, Date.parse('2026-11-23T12:00:00Z'));
    expect(norm.jobs.filter((j) => j.technicians === 2).map((j) => j.serviceJobId)).toEqual([
      'J0',
      'J1',
      'J2',
    ]);
    const located = await locate(norm.jobs, setup, new PostalCodeGeocoder());
    const matrix = await new GreatCircleMatrixProvider({ roadFactor: 1.3, speedKmh: 40 }).matrix(
      located.points,
    );
    const built = buildProblem(setup, located, matrix);

    // Tuesday: the crew (T1 + T2) and T3; Wednesday: T1 and T3 alone (T2 is off).
    expect([...built.routes.keys()].sort()).toEqual([
      'CREW-A@2026-11-24',
      'T1@2026-11-25',
      'T3@2026-11-24',
      'T3@2026-11-25',
    ]);
    const crew = built.problem.technicians.find((t) => t.id === 'CREW-A@2026-11-24')!;
    expect(crew.members).toEqual(['T1', 'T2']);
    // Amazon checks every assigned technician for the skills: the crew has those both have.
    expect([...(crew.skills ?? [])].sort()).toEqual(['APPLIANCE_INSTALL', 'HEAVY_LIFT']);
    expect(crew.breaks).toHaveLength(1);

    const solution = await solveInWorker({ problem: built.problem, seed: 3, maxIterations: 300 });
    expect(checkSolution(built.problem, solution).violations).toEqual([]);
    const plan = planFromSolution({ setup, built, solution, marketplaceId: 'ATVPDKIKX0DER' });

    const byJob = new Map(plan.appointments.map((a) => [a.serviceJobId, a]));
    for (const id of ['J0', 'J1', 'J2']) expect(byJob.get(id)?.technicianIds).toEqual(['T1', 'T2']);
    expect(plan.appointments.length).toBe(zips.length);
    // Both members' capacity is reserved for the crew's travel.
    const crewRoute = plan.routes.find((r) => r.technicianIds.length === 2)!;
    const travel = plan.blocks.filter((b) => b.type === 'TRAVEL' && b.start >= crewRoute.shift.start);
    const t1 = travel.filter((b) => b.resourceId === 'T1' && b.end <= crewRoute.shift.end);
    const t2 = travel.filter((b) => b.resourceId === 'T2');
    expect(t1.length).toBeGreaterThan(0);
    expect(t2.map((b) => [b.start, b.end])).toEqual(t1.map((b) => [b.start, b.end]));
  });

  it('refuses a technician in two crews, naming the field', () => {
    expect(() =>
      validatePlanningConfig(
        {
          ...input,
          crews: [
            { id: 'CREW-A', members: ['T1', 'T2'] },
            { id: 'CREW-B', members: ['T3', 'T1'] },
          ],
        },
        'crews.yaml',
      ),
    ).toThrow(/crews\[1\]\.members\[1\].*already in crews\[0\]/s);
  });
});

describe('a crew over real HTTP against the sandbox', () => {
  it('assigns both members to two-person jobs, and a second run writes nothing', async () => {
    const { deps, runOptions, sqliteStore, startWorld, tempDir, writesOfRerun } =
      await import('./support/world.ts');
    const { runPlanning } = await import('../../src/pipeline/run.ts');
    const world = await startWorld({ seed: 5, stores: 1, technicians: 6, jobs: 60 });
    try {
      // Two technicians who share a skill that some seeded jobs need: that skill becomes a two-person one.
      const crews = world.sandbox.seededCrews();
      const jobs = world.sandbox.snapshot().jobs;
      const needed = (j: (typeof jobs)[number]): string[] =>
        ((j.scopeOfWork as { requiredSkills?: string[] }) ?? {}).requiredSkills ?? [];
      let pick: { skill: string; members: [string, string] } | undefined;
      for (const a of crews)
        for (const b of crews)
          for (const skill of a.skills)
            if (
              pick === undefined &&
              a.resourceId < b.resourceId &&
              b.skills.includes(skill) &&
              jobs.some((j) => needed(j).length === 1 && needed(j)[0] === skill)
            )
              pick = { skill, members: [a.resourceId, b.resourceId] };
      expect(pick, 'two technicians sharing a skill the seeded jobs need').toBeDefined();
      const config = validatePlanningConfig(
        {
          ...world.config,
          crews: [{ id: 'CREW-1', members: pick!.members }],
          planning: { ...world.config.planning, twoTechnicianSkills: [pick!.skill] },
        },
        'crews.yaml',
      );
      const store = await sqliteStore(tempDir());
      const first = await runPlanning(runOptions(world), { ...deps(world, store), config });
      expect(first.report.writeBack.failures).toEqual([]);
      const twoPerson = first.plan.appointments.filter((a) => a.technicianIds.length === 2);
      expect(twoPerson.length).toBeGreaterThan(0);
      const snap = world.sandbox.snapshot();
      for (const a of twoPerson) {
        expect(a.technicianIds).toEqual([...pick!.members].sort());
        const held = snap.appointments.find(
          (x) => x.serviceJobId === a.serviceJobId && x.status === 'ACTIVE',
        );
        expect([...(held?.technicianIds ?? [])].sort()).toEqual(a.technicianIds);
      }
      // Every planned job that needs the two-person skill went to the crew.
      const bySkill = new Map(jobs.map((j) => [String(j.serviceJobId), needed(j)]));
      for (const a of first.plan.appointments)
        if (bySkill.get(a.serviceJobId)?.includes(pick!.skill)) expect(a.technicianIds).toHaveLength(2);
      expect(await writesOfRerun(world, store, config)).toBe(0);
      await store.close();
    } finally {
      await world.close();
    }
  });
});
