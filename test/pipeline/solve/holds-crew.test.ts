/**
 * A capacity hold idles a whole route for the one unit a booking nobody serves takes at Amazon.
 * So it goes on a single technician's route before a crew's: an idle single technician before
 * an idle crew, and a crew's visits in the way weigh once per member.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Solution } from '../../../solver/solution.ts';
import type { PlannableJob } from '../../../src/pipeline/read/normalise.ts';
import { chooseHolds } from '../../../src/pipeline/solve/booked-holds.ts';
import type { BuiltProblem } from '../../../src/pipeline/solve/build-problem.ts';
import type { PlanningSetup } from '../../../src/pipeline/setup/planning-setup.ts';

const H = 3600;
const DAY = '2026-11-24';
const STORE = 'store-1';

interface Case {
  /** Route ids, to vary which sorts first. */
  soloId: string;
  crewId: string;
  /** Minutes of visit in the booking's span on each route (0: idle then). */
  soloClash: number;
  crewClash: number;
}

function world(c: Case) {
  const setup = {
    technicians: ['ann', 'bob', 'cy'].map((id) => ({ technicianId: id, storeIds: [STORE] })),
  } as unknown as PlanningSetup;
  const routes = new Map([
    [
      c.soloId,
      { routeId: c.soloId, technicianIds: ['cy'], day: DAY, shiftStart: 0, shiftEnd: 12 * H * 1000 },
    ],
    [
      c.crewId,
      { routeId: c.crewId, technicianIds: ['ann', 'bob'], day: DAY, shiftStart: 0, shiftEnd: 12 * H * 1000 },
    ],
  ]);
  const visit = (job: string, minutes: number) => ({
    job,
    arrival: 4 * H,
    start: 4 * H,
    end: 4 * H + minutes * 60,
    waiting: 0,
    lateness: 0,
  });
  const route = (technician: string, job: string, minutes: number) => ({
    technician,
    visits: minutes > 0 ? [visit(job, minutes)] : [],
    breaks: [],
    start: 0,
    end: 0,
    travelDuration: 0,
    travelDistance: 0,
    serviceDuration: 0,
    waitingDuration: 0,
    overtime: 0,
    load: [],
  });
  const jobs = ['solo-visit', 'crew-visit'].map((id) => ({ id, location: 0, duration: H }));
  const built = {
    problem: {
      matrices: { durations: [[0]] },
      jobs,
      technicians: [...routes.keys()].map((id) => ({ id, start: 0, shift: { start: 0, end: 12 * H } })),
    },
    origin: 0,
    routes,
    jobs: new Map(),
  } as unknown as BuiltProblem;
  const solution = {
    routes: [route(c.soloId, 'solo-visit', c.soloClash), route(c.crewId, 'crew-visit', c.crewClash)],
    unassigned: [{ job: 'booked', reason: 'DISPLACED' }],
    cost: {},
    stats: { iterations: 0, seed: 1 },
  } as unknown as Solution;
  // The booking nobody serves: 04:00 for two hours, no technician assigned at Amazon.
  const booking = {
    serviceJobId: 'booked',
    storeId: STORE,
    activeAppointment: { appointmentId: 'a', start: 4 * H * 1000, durationMinutes: 120, technicianIds: [] },
  } as unknown as PlannableJob;
  return chooseHolds([booking], setup, built, solution, []);
}

const ids = fc.constantFrom('a@1', 'm@1', 'z@1');

describe('capacity holds and crews', () => {
  it('an idle single technician holds before an idle crew, whatever the route ids', () => {
    fc.assert(
      fc.property(ids, ids, (soloId, crewId) => {
        fc.pre(soloId !== crewId);
        const { holds } = world({ soloId, crewId, soloClash: 0, crewClash: 0 });
        expect(holds.map((h) => h.routeId)).toEqual([soloId]);
      }),
    );
  });

  it('a crew is held only when its visits in the way, counted per member, weigh less', () => {
    fc.assert(
      fc.property(
        ids,
        ids,
        fc.integer({ min: 0, max: 120 }),
        fc.integer({ min: 0, max: 120 }),
        (s, c, a, b) => {
          fc.pre(s !== c);
          const { holds, displaced } = world({ soloId: s, crewId: c, soloClash: a, crewClash: b });
          expect(holds).toHaveLength(1);
          const onCrew = holds[0]!.routeId === c;
          // Never a crew when the single technician is idle then, or loses no more than the crew.
          if (a === 0 || (b > 0 && a <= b)) expect(onCrew).toBe(false);
          // An idle crew against a busy single technician: the crew, nothing displaced.
          if (b === 0 && a > 0) expect(onCrew && displaced.size === 0).toBe(true);
        },
      ),
    );
  });
});
