/**
 * Two-person jobs without a crew: two technicians, each on their own route, meet for the job
 * (a synchronised visit). Amazon gets one appointment assigned to both; each keeps their own
 * route, travel and breaks.
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

const technician = (id: string) => ({
  resourceId: id,
  name: id,
  skills: ['APPLIANCE_INSTALL', 'HEAVY_LIFT'],
  home: { postalCode: '98108' },
  timeZone: 'America/Los_Angeles',
  shifts: { tuesday: { start: '08:00', end: '17:00' } },
  lunch: { earliest: '11:30', latest: '13:30', minutes: 30 },
});

const input: PlanningConfigInput = {
  stores: [{ storeId: 'S1', timeZone: 'America/Los_Angeles', location: { postalCode: '98108' } }],
  technicians: [technician('T1'), technician('T2')],
  planning: { twoTechnicianSkills: ['HEAVY_LIFT'] },
};
const config = validatePlanningConfig(input, 'crews.yaml');
const zips = ['98101', '98102', '98103', '98104', '98105', '98106'];

describe('two-person jobs without a crew', () => {
  it('are one appointment assigned to both technicians, on both routes at the same start', async () => {
    const setup = setupFromConfig(config, { date: '2026-11-24', days: 1 });
    const raws = zips.map((zip, i) => ({
      serviceJobId: `J${i}`,
      serviceJobStatus: 'PENDING_SCHEDULE',
      storeId: 'S1',
      scopeOfWork: { requiredSkills: i === 0 ? ['HEAVY_LIFT'] : ['APPLIANCE_INSTALL'] },
      serviceLocation: { address: { name: 'n', addressLine1: 'a', postalCode: zip } },
    }));
    const norm = normaliseJobs(raws, setup, Date.parse('2026-11-23T12:00:00Z'));
    const located = await locate(norm.jobs, setup, new PostalCodeGeocoder());
    const matrix = await new GreatCircleMatrixProvider({ roadFactor: 1.3, speedKmh: 40 }).matrix(
      located.points,
    );
    const built = buildProblem(setup, located, matrix);
    const solution = await solveInWorker({ problem: built.problem, seed: 3, maxIterations: 300 });
    expect(checkSolution(built.problem, solution).violations).toEqual([]);
    expect(solution.unassigned).toEqual([]);
    const plan = planFromSolution({ setup, built, solution, marketplaceId: 'ATVPDKIKX0DER' });

    // One appointment per job, the two-person one assigned to both.
    expect(plan.appointments.map((a) => a.serviceJobId).sort()).toEqual(zips.map((_, i) => `J${i}`));
    expect(plan.appointments.find((a) => a.serviceJobId === 'J0')?.technicianIds).toEqual(['T1', 'T2']);
    for (const a of plan.appointments.filter((x) => x.serviceJobId !== 'J0'))
      expect(a.technicianIds).toHaveLength(1);
    // Both routes visit it, starting together.
    const visits = plan.routes.flatMap((r) => r.stops.filter((s) => s.serviceJobId === 'J0'));
    expect(visits).toHaveLength(2);
    expect(visits[0]!.start).toBe(visits[1]!.start);
    // Each member's own breaks are reserved for that member.
    for (const id of ['T1', 'T2'])
      expect(plan.blocks.filter((b) => b.type === 'BREAK' && b.resourceId === id)).toHaveLength(1);
  });
});

describe('a synchronised two-person job over real HTTP against the sandbox', () => {
  it('is written as one appointment with both technicians, and a second run writes nothing', async () => {
    const { activeAppointments, deps, runOptions, sqliteStore, startWorld, tempDir, writesOfRerun } =
      await import('./support/world.ts');
    const { runPlanning } = await import('../../src/pipeline/run.ts');
    const world = await startWorld({ seed: 5, stores: 1, technicians: 6, jobs: 60 });
    try {
      // A skill some seeded jobs need alone and at least two technicians have: made two-person, no crew.
      const crews = world.sandbox.seededCrews();
      const jobs = world.sandbox.snapshot().jobs;
      const needed = (j: (typeof jobs)[number]): string[] =>
        ((j.scopeOfWork as { requiredSkills?: string[] }) ?? {}).requiredSkills ?? [];
      const skill = crews
        .flatMap((c) => c.skills)
        .find(
          (s) =>
            crews.filter((c) => c.skills.includes(s)).length >= 2 &&
            jobs.some((j) => needed(j).length === 1 && needed(j)[0] === s),
        );
      expect(skill, 'a skill two technicians share that the seeded jobs need').toBeDefined();
      const config = validatePlanningConfig(
        { ...world.config, planning: { ...world.config.planning, twoTechnicianSkills: [skill!] } },
        'sandbox',
      );
      const store = await sqliteStore(tempDir());
      const first = await runPlanning(runOptions(world), { ...deps(world, store), config });
      expect(first.report.writeBack.failures).toEqual([]);
      const twoPerson = first.plan.appointments.filter((a) => a.technicianIds.length === 2);
      expect(twoPerson.length).toBeGreaterThan(0);
      const snap = world.sandbox.snapshot();
      const holders = new Set(crews.filter((c) => c.skills.includes(skill!)).map((c) => c.resourceId));
      for (const a of twoPerson) {
        expect(new Set(a.technicianIds).size).toBe(2);
        for (const id of a.technicianIds) expect(holders.has(id)).toBe(true);
        // Each member drives their own route to it, and both start it together.
        const visits = first.plan.routes.flatMap((r) =>
          r.stops.filter((s) => s.serviceJobId === a.serviceJobId).map((s) => ({ r, s })),
        );
        expect(visits.map((v) => v.r.technicianIds.join('+')).sort()).toEqual([...a.technicianIds].sort());
        expect(visits[0]!.s.start).toBe(visits[1]!.s.start);
        // Amazon holds ONE active appointment for the job, assigned to both.
        const held = activeAppointments(snap, a.serviceJobId);
        expect(held).toHaveLength(1);
        expect([...held[0]!.technicianIds].sort()).toEqual([...a.technicianIds].sort());
      }
      expect(await writesOfRerun(world, store, config)).toBe(0);
      await store.close();
    } finally {
      await world.close();
    }
  }, 60_000);
});
