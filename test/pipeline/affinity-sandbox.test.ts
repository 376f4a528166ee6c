/**
 * Technician affinity written to Amazon: a rule of the crews config requiring one technician
 * for a skill and excluding another reaches the sandbox's appointments, and a second run with
 * nothing changed writes nothing.
 */
import { describe, expect, it } from 'vitest';
import { validatePlanningConfig } from '../../src/config/index.ts';
import { runPlanning } from '../../src/pipeline/run.ts';
import {
  activeAppointments,
  deps,
  runOptions,
  sqliteStore,
  startWorld,
  tempDir,
  writesOfRerun,
} from './support/world.ts';

describe('affinity rules over real HTTP against the sandbox', () => {
  it('every appointment written for the skill has the required technician and never the excluded one', async () => {
    const world = await startWorld({ seed: 5, stores: 1, technicians: 6, jobs: 60 });
    try {
      const crews = world.sandbox.seededCrews();
      const jobs = world.sandbox.snapshot().jobs;
      const needs = (j: (typeof jobs)[number], skill: string): boolean =>
        (((j.scopeOfWork as { requiredSkills?: string[] }) ?? {}).requiredSkills ?? []).includes(skill);
      // A skill at least two technicians have and some seeded job needs.
      const skill = crews
        .flatMap((c) => c.skills)
        .find((s) => crews.filter((c) => c.skills.includes(s)).length >= 2 && jobs.some((j) => needs(j, s)));
      expect(skill, 'a skill two technicians share that the seeded jobs need').toBeDefined();
      const [required, excluded] = crews.filter((c) => c.skills.includes(skill!)).map((c) => c.resourceId);
      const config = validatePlanningConfig(
        { ...world.config, affinity: [{ skill: skill!, required: [required!], excluded: [excluded!] }] },
        'sandbox',
      );
      const store = await sqliteStore(tempDir());
      const first = await runPlanning(runOptions(world), { ...deps(world, store), config });
      expect(first.report.writeBack.failures).toEqual([]);
      const ruled = new Set(jobs.filter((j) => needs(j, skill!)).map((j) => j.serviceJobId));
      const planned = first.plan.appointments.filter((a) => ruled.has(a.serviceJobId));
      expect(planned.length).toBeGreaterThan(0);
      // Amazon holds what the plan wrote: the required technician on each, the excluded on none.
      const snap = world.sandbox.snapshot();
      for (const a of planned) {
        const held = activeAppointments(snap, a.serviceJobId);
        expect(held).toHaveLength(1);
        expect(held[0]!.technicianIds).toContain(required);
        expect(held[0]!.technicianIds).not.toContain(excluded);
      }
      expect(await writesOfRerun(world, store, config)).toBe(0);
      await store.close();
    } finally {
      await world.close();
    }
  }, 120_000);
});
