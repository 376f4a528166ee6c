/**
 * Balanced days written to Amazon: with `objective.balance` and `minWorkHours` set, the plan
 * the sandbox receives is the one the solver made under those terms (the checker finds no
 * violation, minimum work included), every technician called in works at least the minimum,
 * Amazon holds one active appointment per planned job with the plan's technicians, and a
 * second run with nothing changed writes nothing.
 */
import { describe, expect, it } from 'vitest';
import { checkSolution } from '../../solver/checker.ts';
import type { Problem } from '../../solver/problem.ts';
import type { Solution } from '../../solver/solution.ts';
import { validatePlanningConfig } from '../../src/config/index.ts';
import { runPlanning } from '../../src/pipeline/run.ts';
import { solveInWorker, type SolveRequest } from '../../src/pipeline/solve/solve-in-worker.ts';
import {
  activeAppointments,
  deps,
  runOptions,
  sqliteStore,
  startWorld,
  tempDir,
  writesOfRerun,
} from './support/world.ts';

const MIN_WORK_HOURS = 2;

describe('balanced days over real HTTP against the sandbox', () => {
  it('writes the balanced plan, everyone called in working the minimum', async () => {
    const world = await startWorld({ seed: 5, stores: 1, technicians: 6, jobs: 40 });
    try {
      const config = validatePlanningConfig(
        {
          ...world.config,
          planning: {
            ...world.config.planning,
            objective: { balance: { measure: 'work', weight: 900 }, minWorkHours: MIN_WORK_HOURS },
          },
        },
        'sandbox',
      );
      const solves: { problem: Problem; solution: Solution }[] = [];
      const solve = async (req: SolveRequest): Promise<Solution> => {
        const solution = await solveInWorker(req);
        solves.push({ problem: req.problem, solution });
        return solution;
      };
      const store = await sqliteStore(tempDir());
      const first = await runPlanning(runOptions(world), { ...deps(world, store), config, solve });
      expect(first.report.writeBack.failures).toEqual([]);
      expect(first.plan.appointments.length).toBeGreaterThan(0);
      // Every solve had the terms, and the checker accepts every plan it returned.
      for (const { problem, solution } of solves) {
        expect(problem.objective?.balance).toEqual({ measure: 'work', weight: 900 });
        expect(problem.technicians.every((t) => t.minWorkTime === MIN_WORK_HOURS * 3600)).toBe(true);
        expect(checkSolution(problem, solution).violations).toEqual([]);
      }
      // The plan written is the last solve's routes, so every technician called in works the minimum.
      const last = solves.at(-1)!.solution;
      for (const r of first.plan.routes.filter((x) => x.stops.length > 0)) {
        const solved = last.routes.find((x) => x.technician === r.routeId);
        expect(
          solved?.visits.map((v) => v.job),
          r.routeId,
        ).toEqual(r.stops.map((x) => x.serviceJobId));
        expect(solved!.travelDuration + solved!.serviceDuration).toBeGreaterThanOrEqual(
          MIN_WORK_HOURS * 3600,
        );
      }
      const snap = world.sandbox.snapshot();
      for (const a of first.plan.appointments) {
        const held = activeAppointments(snap, a.serviceJobId);
        expect(held).toHaveLength(1);
        expect([...held[0]!.technicianIds].sort()).toEqual([...a.technicianIds].sort());
      }
      expect(await writesOfRerun(world, store, config)).toBe(0);
      await store.close();
    } finally {
      await world.close();
    }
  }, 120_000);
});
