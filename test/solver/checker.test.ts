import { describe, expect, it } from 'vitest';
import { checkSolution } from '../../solver/checker.ts';
import type { ViolationCode } from '../../solver/checker.ts';
import type { Problem } from '../../solver/problem.ts';
import type { Solution } from '../../solver/solution.ts';
import { timeRoute } from './support/timeline.ts';

// Locations 0 (base), 1, 2, 3 on a line, 100 s apart at speed factor 1; distances in metres.
const line = (scale: number): number[][] =>
  [0, 1, 2, 3].map((a) => [0, 1, 2, 3].map((b) => Math.abs(a - b) * scale));

function fixture(): Problem {
  return {
    matrices: { durations: line(100), distances: line(1000) },
    jobs: [
      { id: 'j1', location: 1, duration: 50, windows: [{ start: 0, end: 300 }], skills: ['elec'], load: [4] },
      {
        id: 'j2',
        location: 2,
        duration: 20,
        windows: [
          { start: 400, end: 500 },
          { start: 600, end: 700 },
        ],
        technicians: 2,
        load: [5],
      },
      { id: 'j3', location: 3, duration: 10 },
    ],
    technicians: [
      {
        id: 'crew',
        members: ['a', 'b'],
        start: 0,
        shift: { start: 0, end: 1000 },
        skills: ['elec'],
        capacity: [10],
        speedFactor: 2,
        breaks: [{ id: 'lunch', duration: 30, window: { start: 100, end: 200 } }],
      },
      { id: 'solo', start: 0, shift: { start: 0, end: 1000 } },
    ],
    objective: { travel: 'distance' },
  };
}

function validSolution(problem: Problem): Solution {
  const crew = problem.technicians[0]!;
  const route = timeRoute(problem, crew, ['j1', 'j2'], [{ gap: 1, afterTravel: false }]);
  if (!route) throw new Error('fixture route must be feasible');
  return {
    routes: [route],
    unassigned: [{ job: 'j3', reason: 'DISPLACED' }],
    cost: { total: 0, unassigned: 1, lateness: 0, travel: 0, work: 0, overtime: 0, fixed: 0 },
    stats: { iterations: 0, seed: 1 },
  };
}

const codes = (problem: Problem, solution: Solution): ViolationCode[] =>
  checkSolution(problem, solution).violations.map((v) => v.code);

/** Applies `change` to a fresh problem/solution pair and returns the codes found. */
function after(change: (p: Problem, s: Solution) => void): ViolationCode[] {
  const problem = fixture();
  const solution = validSolution(problem);
  change(problem, solution);
  return codes(problem, solution);
}

const crewOf = (p: Problem) => p.technicians[0]!;
const jobOf = (p: Problem, id: string) => p.jobs.find((j) => j.id === id)!;
const visitOf = (s: Solution, i: number) => s.routes[0]!.visits[i]!;

describe('checkSolution', () => {
  it('accepts a valid plan and recomputes its totals', () => {
    const problem = fixture();
    const solution = validSolution(problem);
    const report = checkSolution(problem, solution);
    expect(report.violations).toEqual([]);
    // 0 -> 1 -> 2 -> 0: 4 legs of 100 s at speed 2, 1000 m each
    expect(report.totals).toMatchObject({
      travelDistance: 4000,
      travelDuration: 200,
      serviceDuration: 70,
      assigned: 2,
      unassigned: 1,
      travelCost: 4000,
    });
    // j1 at 50..100, lunch 100..130, arrive j2 at 180, wait for 400
    expect(solution.routes[0]!.visits[1]).toMatchObject({ arrival: 180, start: 400, waiting: 220 });
  });

  const cases: [string, ViolationCode, (p: Problem, s: Solution) => void][] = [
    ['a missing skill', 'SKILL_MISSING', (p) => (crewOf(p).skills = [])],
    ['a two-person job on a one-person route', 'TEAM_TOO_SMALL', (p) => delete crewOf(p).members],
    ['a job outside the territory', 'OUTSIDE_TERRITORY', (p) => (crewOf(p).allowedJobs = ['j2'])],
    ['too much load', 'CAPACITY_EXCEEDED', (p) => (crewOf(p).capacity = [8])],
    ['a missing capacity dimension', 'CAPACITY_EXCEEDED', (p) => (jobOf(p, 'j1').load = [0, 1])],
    [
      'a start after every window',
      'WINDOW_MISSED',
      (p) => (jobOf(p, 'j1').windows = [{ start: 0, end: 10 }]),
    ],
    [
      'a start before every window',
      'WINDOW_MISSED',
      (p) => (jobOf(p, 'j1').windows = [{ start: 60, end: 90 }]),
    ],
    [
      'lateness beyond the soft limit',
      'LATENESS_EXCEEDED',
      (p) => {
        jobOf(p, 'j1').windows = [{ start: 0, end: 10 }];
        p.objective = { softWindows: { maxLateness: 20, costPerSecond: 1 } };
      },
    ],
    [
      'unreported lateness',
      'LATENESS_MISMATCH',
      (p) => {
        jobOf(p, 'j1').windows = [{ start: 0, end: 10 }];
        p.objective = { softWindows: { maxLateness: 100, costPerSecond: 1 } };
      },
    ],
    ['leaving before the shift', 'SHIFT_START', (p) => (crewOf(p).shift.start = 10)],
    ['coming back after the shift', 'SHIFT_END', (p) => (crewOf(p).shift.end = 450)],
    [
      'overtime not reported',
      'TOTAL_MISMATCH',
      (p) => {
        crewOf(p).shift.end = 450;
        crewOf(p).overtime = 100;
      },
    ],
    ['too long a day', 'MAX_WORK_TIME', (p) => (crewOf(p).maxWorkTime = 400)],
    ['too much driving', 'MAX_TRAVEL_TIME', (p) => (crewOf(p).maxTravelTime = 150)],
    ['a pin to another technician', 'PIN_TECHNICIAN', (p) => (jobOf(p, 'j1').pin = { technician: 'solo' })],
    ['a pinned start not kept', 'PIN_START', (p) => (jobOf(p, 'j1').pin = { start: 60 })],
    ['a pinned position not kept', 'PIN_POSITION', (p) => (jobOf(p, 'j1').pin = { position: 1 })],
    ['a job neither routed nor unassigned', 'JOB_MISSING', (_p, s) => (s.unassigned = [])],
    [
      'a routed job also unassigned',
      'ROUTED_AND_UNASSIGNED',
      (_p, s) => s.unassigned.push({ job: 'j1', reason: 'DISPLACED' }),
    ],
    ['a job routed twice', 'JOB_ROUTED_TWICE', (_p, s) => s.routes[0]!.visits.push({ ...visitOf(s, 1) })],
    ['an unknown job', 'UNKNOWN_JOB', (_p, s) => s.unassigned.push({ job: 'nope', reason: 'DISPLACED' })],
    [
      'an unknown reason',
      'UNKNOWN_REASON',
      (_p, s) => (s.unassigned = [{ job: 'j3', reason: 'BORED' as unknown as 'DISPLACED' }]),
    ],
    ['an unknown technician', 'UNKNOWN_TECHNICIAN', (_p, s) => (s.routes[0]!.technician = 'ghost')],
    [
      'two routes for one technician',
      'DUPLICATE_ROUTE',
      (_p, s) => s.routes.push({ ...s.routes[0]!, visits: [], breaks: [] }),
    ],
    ['a break left out', 'BREAK_MISSING', (_p, s) => (s.routes[0]!.breaks = [])],
    [
      'a break outside its window',
      'BREAK_WINDOW',
      (p) => (crewOf(p).breaks = [{ id: 'lunch', duration: 30, window: { start: 150, end: 200 } }]),
    ],
    ['a break too short', 'BREAK_DURATION', (_p, s) => (s.routes[0]!.breaks[0]!.end -= 5)],
    [
      'a break that is not the technician’s',
      'BREAK_UNKNOWN',
      (_p, s) => (s.routes[0]!.breaks[0]!.id = 'nap'),
    ],
    ['a break during service', 'BREAK_PLACEMENT', (_p, s) => (s.routes[0]!.breaks[0]!.afterVisits = 0)],
    [
      'travel during a break',
      'TRAVEL_TOO_FAST',
      (_p, s) => {
        // Arrive at j2 as if the lunch had not taken time.
        const v = visitOf(s, 1);
        v.arrival -= 30;
        v.waiting += 30;
      },
    ],
    ['arriving faster than the speed factor allows', 'TRAVEL_TOO_FAST', (p) => delete crewOf(p).speedFactor],
    [
      'a wrong service duration',
      'SERVICE_DURATION',
      (p) => (jobOf(p, 'j2').durationByTechnician = { crew: 40 }),
    ],
    ['waiting not start − arrival', 'WAITING_MISMATCH', (_p, s) => (visitOf(s, 1).waiting = 0)],
    [
      'service before arrival',
      'ARRIVAL_AFTER_START',
      (_p, s) => {
        const v = visitOf(s, 1);
        v.arrival = v.start + 1;
        v.waiting = -1;
      },
    ],
    ['a return trip on an open-ended route', 'TOTAL_MISMATCH', (p) => (crewOf(p).end = null)],
    ['a misreported distance', 'TOTAL_MISMATCH', (_p, s) => (s.routes[0]!.travelDistance += 1)],
    ['a misreported load', 'TOTAL_MISMATCH', (_p, s) => (s.routes[0]!.load = [4])],
    ['a route end before its last visit', 'ROUTE_END_MISMATCH', (_p, s) => (s.routes[0]!.end = 410)],
  ];
  for (const [what, code, change] of cases) {
    it(`reports ${what} as ${code}`, () => {
      expect(after(change)).toContain(code);
    });
  }

  it('accepts lateness inside the soft limit when it is reported', () => {
    const problem = fixture();
    const solution = validSolution(problem);
    jobOf(problem, 'j1').windows = [{ start: 0, end: 40 }];
    problem.objective = { softWindows: { maxLateness: 100, costPerSecond: 1 } };
    visitOf(solution, 0).lateness = 10;
    const report = checkSolution(problem, solution);
    expect(report.violations).toEqual([]);
    expect(report.totals.lateness).toBe(10);
  });

  it('measures an open-ended route up to its last visit', () => {
    const problem = fixture();
    crewOf(problem).end = null;
    const solution = validSolution(problem);
    const report = checkSolution(problem, solution);
    expect(report.violations).toEqual([]);
    expect(report.totals.travelDistance).toBe(2000);
    expect(solution.routes[0]!.end).toBe(420);
  });
});
