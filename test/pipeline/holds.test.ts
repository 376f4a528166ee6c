import { describe, expect, it } from 'vitest';
import { chooseHolds } from '../../src/pipeline/holds.ts';
import type { BuiltProblem } from '../../src/pipeline/build-problem.ts';
import type { PlannableJob } from '../../src/pipeline/normalise.ts';
import type { PlanningSetup } from '../../src/pipeline/setup.ts';
import type { Solution } from '../../solver/solution.ts';

const H = 3_600_000;
const origin = Date.UTC(2026, 10, 24, 0, 0, 0);

function job(id: string, startHour: number, booked: boolean): PlannableJob {
  return {
    serviceJobId: id,
    storeId: 'S1',
    activeAppointment: booked
      ? { appointmentId: `a-${id}`, start: origin + startHour * H, durationMinutes: 120, technicianIds: [] }
      : undefined,
  } as unknown as PlannableJob;
}

/** Two technicians on shift 08:00–18:00; route visits given as [job, start hour]. */
function world(visits: Record<'T1' | 'T2', [PlannableJob, number][]>, unserved: PlannableJob) {
  const all = [unserved, ...visits.T1.map(([j]) => j), ...visits.T2.map(([j]) => j)];
  const built = {
    problem: {
      matrices: { durations: [[0]] },
      jobs: all.map((j) => ({ id: j.serviceJobId, location: 0 })),
      technicians: ['T1', 'T2'].map((id) => ({ id, start: 0, end: 0 })),
    },
    origin,
    routes: new Map(
      ['T1', 'T2'].map((id) => [
        id,
        {
          routeId: id,
          technicianIds: [id],
          day: '2026-11-24',
          shiftStart: origin + 8 * H,
          shiftEnd: origin + 18 * H,
        },
      ]),
    ),
    jobs: new Map(all.map((j) => [j.serviceJobId, j])),
  } as unknown as BuiltProblem;
  const solution = {
    routes: (['T1', 'T2'] as const).map((t) => ({
      technician: t,
      visits: visits[t].map(([j, h]) => ({
        job: j.serviceJobId,
        arrival: h * 3600,
        start: h * 3600,
        end: (h + 2) * 3600,
      })),
    })),
    unassigned: [{ job: unserved.serviceJobId }],
  } as unknown as Solution;
  const setup = {
    technicians: ['T1', 'T2'].map((id) => ({ technicianId: id, storeIds: ['S1'] })),
  } as unknown as PlanningSetup;
  return { built, solution, setup };
}

describe('capacity holds for booked appointments the plan cannot serve', () => {
  it('holds the technician whose overlapping work is new, not booked', () => {
    const unserved = job('B', 14, true);
    const { built, solution, setup } = world(
      { T1: [[job('K1', 14, true), 14]], T2: [[job('N1', 14, false), 14]] },
      unserved,
    );
    const { holds, displaced } = chooseHolds([unserved], setup, built, solution, []);
    expect(holds.map((h) => h.technicianId)).toEqual(['T2']);
    expect([...displaced]).toEqual(['N1']);
  });

  it('never displaces another booked visit: no hold when every covering technician has one then', () => {
    const unserved = job('B', 14, true);
    const { built, solution, setup } = world(
      { T1: [[job('K1', 14, true), 14]], T2: [[job('K2', 13, true), 13]] },
      unserved,
    );
    const { holds, displaced } = chooseHolds([unserved], setup, built, solution, []);
    expect(holds).toEqual([]);
    expect(displaced.size).toBe(0);
  });

  it('prefers an idle technician to displacing new work', () => {
    const unserved = job('B', 14, true);
    const { built, solution, setup } = world(
      { T1: [[job('N1', 14, false), 14]], T2: [[job('N2', 9, false), 9]] },
      unserved,
    );
    const { holds, displaced } = chooseHolds([unserved], setup, built, solution, []);
    expect(holds.map((h) => [h.technicianId, h.start, h.end])).toEqual([
      ['T2', origin + 14 * H, origin + 16 * H],
    ]);
    expect(displaced.size).toBe(0);
  });
});
