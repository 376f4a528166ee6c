/**
 * Skill levels written to Amazon: a rule asking level 2 for a skill sends its jobs only to the
 * level-2 technician, as the sandbox's appointments show, and a second run writes nothing.
 */
import { describe, expect, it } from 'vitest';
import { validatePlanningConfig } from '../../src/config/index.ts';
import { runPlanning } from '../../src/pipeline/run.ts';
import { runningClock } from '../../src/sandbox/index.ts';
import {
  activeAppointments,
  deps,
  runOptions,
  sqliteStore,
  startWorld,
  tempDir,
  writeCalls,
} from './support/world.ts';

const DATE = '2026-11-24'; // a Tuesday
const NOW = Date.parse('2026-11-24T06:00:00Z');

describe('skill levels over real HTTP against the sandbox', () => {
  it('a job needing level 2 goes to the level-2 technician', async () => {
    const clock = runningClock(NOW);
    const world = await startWorld({ seed: 5, stores: 1, technicians: 6, jobs: 60, date: DATE, clock });
    try {
      const crews = world.sandbox.seededCrews();
      const jobs = world.sandbox.snapshot().jobs;
      const needs = (j: (typeof jobs)[number], skill: string): boolean =>
        (j.scopeOfWork?.requiredSkills ?? []).includes(skill);
      const skill = crews
        .flatMap((c) => c.skills)
        .find((s) => crews.filter((c) => c.skills.includes(s)).length >= 2 && jobs.some((j) => needs(j, s)));
      expect(skill).toBeDefined();
      const senior = crews.find((c) => c.skills.includes(skill!))!.resourceId;
      const config = validatePlanningConfig(
        {
          ...world.config,
          technicians: world.config.technicians.map((t) =>
            t.resourceId === senior ? { ...t, skillLevels: { ...t.skillLevels, [skill!]: 2 } } : t,
          ),
          affinity: [{ skill: skill!, minSkillLevels: { [skill!]: 2 } }],
        },
        'sandbox',
      );
      const store = await sqliteStore(tempDir());
      const run = () => runPlanning(runOptions(world), { ...deps(world, store), config, clock });
      const first = await run();
      expect(first.report.writeBack.failures).toEqual([]);
      const ruled = new Set(jobs.filter((j) => needs(j, skill!)).map((j) => j.serviceJobId));
      const planned = first.plan.appointments.filter((a) => ruled.has(a.serviceJobId));
      expect(planned.length).toBeGreaterThan(0);
      const snap = world.sandbox.snapshot();
      for (const a of planned) {
        expect(a.technicianIds).toEqual([senior]);
        const held = activeAppointments(snap, a.serviceJobId);
        expect(held).toHaveLength(1);
        expect(held[0]!.technicianIds).toEqual([senior]);
      }
      const before = world.sandbox.requestLog.length;
      await run();
      expect(writeCalls(world.sandbox, before)).toBe(0);
      await store.close();
    } finally {
      await world.close();
    }
  }, 120_000);
});
