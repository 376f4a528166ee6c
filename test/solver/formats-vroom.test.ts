import { describe, expect, it } from 'vitest';
import { checkSolution } from '../../solver/checker.ts';
import { problemFromVroom, VroomFormatError } from '../../solver/formats/vroom.ts';
import { problemToVroom, solutionToVroom } from '../../solver/formats/vroom-write.ts';
import { solve } from '../../solver/index.ts';
import { ProblemSchema } from '../../solver/problem.ts';
import type { Problem } from '../../solver/problem.ts';
import { formatIssuePath } from '../../solver/issue-path.ts';

const matrix = [
  [0, 600, 900, 1200],
  [600, 0, 400, 800],
  [900, 400, 0, 500],
  [1200, 800, 500, 0],
];

/** A VROOM input using every supported field. */
const VROOM_INPUT = {
  jobs: [
    {
      id: 11,
      location_index: 1,
      service: 1800,
      delivery: [2],
      skills: [1],
      priority: 10,
      time_windows: [[28800, 36000]],
    },
    {
      id: 12,
      location_index: 2,
      service: 900,
      delivery: [1],
      time_windows: [
        [28800, 32400],
        [39600, 43200],
      ],
    },
    { id: 13, location_index: 3, service: 1200, delivery: [3], skills: [2] },
  ],
  vehicles: [
    {
      id: 1,
      start_index: 0,
      end_index: 0,
      capacity: [4],
      skills: [1, 2],
      time_window: [28800, 61200],
      breaks: [{ id: 5, time_windows: [[41400, 45000]], service: 1800 }],
      speed_factor: 1.25,
      max_travel_time: 7200,
    },
    { id: 2, start_index: 3, capacity: [6], skills: [2], time_window: [28800, 50400] },
  ],
  matrices: { car: { durations: matrix, distances: matrix.map((row) => row.map((d) => d * 10)) } },
};

describe('VROOM format', () => {
  it('imports every supported field', () => {
    const { problem, warnings } = problemFromVroom(VROOM_INPUT);
    expect(warnings).toEqual([]);
    expect(ProblemSchema.safeParse(problem).success).toBe(true);
    expect(problem.jobs[0]).toEqual({
      id: '11',
      location: 1,
      duration: 1800,
      windows: [{ start: 28800, end: 36000 }],
      skills: ['1'],
      priority: 11,
      load: [2],
    });
    expect(problem.technicians[0]).toMatchObject({
      id: '1',
      start: 0,
      end: 0,
      shift: { start: 28800, end: 61200 },
      breaks: [{ id: '5', duration: 1800, window: { start: 41400, end: 45000 } }],
      skills: ['1', '2'],
      capacity: [4],
      speedFactor: 1.25,
      maxTravelTime: 7200,
    });
    // No end in VROOM: the route stops at its last job.
    expect(problem.technicians[1]?.end).toBeNull();
    expect(problem.objective?.travel).toBe('duration');
  });

  it('round-trips VROOM → fieldplan → VROOM', () => {
    const { problem } = problemFromVroom(VROOM_INPUT);
    const { input } = problemToVroom(problem);
    expect(input).toEqual(VROOM_INPUT);
  });

  it('round-trips fieldplan → VROOM → fieldplan for the features VROOM has, and lists the ones it lacks', () => {
    const problem: Problem = {
      matrices: { durations: matrix },
      jobs: [
        { id: 'fix-sink', location: 1, duration: 600, skills: ['plumb'], windows: [{ start: 0, end: 5000 }] },
        { id: 'mount-tv', location: 2, duration: 900, technicians: 2, pin: { technician: 'crew' } },
      ],
      technicians: [
        {
          id: 'crew',
          members: ['a', 'b'],
          start: 0,
          end: null,
          shift: { start: 0, end: 20000 },
          skills: ['plumb'],
        },
      ],
      objective: { travel: 'duration' },
    };
    const { input, warnings } = problemToVroom(problem);
    expect(input.jobs.map((j) => [j.id, j.description])).toEqual([
      [1, 'fix-sink'],
      [2, 'mount-tv'],
    ]);
    expect(warnings.join('\n')).toMatch(/two-person team/);
    expect(warnings.join('\n')).toMatch(/a pin/);
    expect(warnings.join('\n')).toMatch(/multi-person crew/);
    const back = problemFromVroom(JSON.parse(JSON.stringify(input))).problem;
    expect(back.jobs.map((j) => j.location)).toEqual([1, 2]);
    expect(back.jobs[0]).toMatchObject({ duration: 600, windows: [{ start: 0, end: 5000 }], skills: ['1'] });
    expect(back.technicians[0]).toMatchObject({
      start: 0,
      end: null,
      shift: { start: 0, end: 20000 },
      skills: ['1'],
    });
  });

  it('names the offending field of a bad file', () => {
    const bad = structuredClone(VROOM_INPUT) as Record<string, unknown> & typeof VROOM_INPUT;
    (bad.jobs[1] as Record<string, unknown>).location_index = 9;
    (bad.vehicles[0]!.breaks![0] as Record<string, unknown>).time_windows = [
      [0, 1],
      [2, 3],
    ];
    try {
      problemFromVroom(bad);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(VroomFormatError);
      const paths = (error as VroomFormatError).issues.map((i) => formatIssuePath(i.path));
      expect(paths).toEqual(
        expect.arrayContaining(['jobs[1].location_index', 'vehicles[0].breaks[0].time_windows']),
      );
    }
    expect(() => problemFromVroom({ jobs: [{ id: 'x' }], vehicles: [] })).toThrow(/jobs\[0\]\.id/);
  });

  it('places coordinates with a travel model when no matrix is given', () => {
    const { problem, warnings } = problemFromVroom(
      {
        jobs: [{ id: 1, location: [-96.8, 32.78], service: 600 }],
        vehicles: [{ id: 1, start: [-96.7, 32.9], end: [-96.7, 32.9] }],
      },
      {
        coordinateTravel: (a, b) => ({
          duration: a[0] === b[0] ? 0 : 1000,
          distance: a[0] === b[0] ? 0 : 9000,
        }),
      },
    );
    expect(problem.matrices.durations).toEqual([
      [0, 1000],
      [1000, 0],
    ]);
    expect(problem.jobs[0]?.location).toBe(0);
    expect(problem.technicians[0]).toMatchObject({ start: 1, end: 1 });
    expect(warnings.join()).toMatch(/estimated from coordinates/);
  });

  it('writes a solution as VROOM-like output consistent with the plan', () => {
    const { problem } = problemFromVroom(VROOM_INPUT);
    const solution = solve(problem, { seed: 1, maxIterations: 200 });
    expect(checkSolution(problem, solution).violations).toEqual([]);
    const output = solutionToVroom(problem, solution);
    expect(output.code).toBe(0);
    expect(output.summary.unassigned).toBe(solution.unassigned.length);
    const jobSteps = output.routes.flatMap((r) => r.steps.filter((s) => s.type === 'job').map((s) => s.id));
    expect(jobSteps.sort()).toEqual(
      solution.routes.flatMap((r) => r.visits.map((v) => Number(v.job))).sort(),
    );
    for (const route of output.routes) {
      expect(route.steps[0]?.type).toBe('start');
      expect(route.steps.at(-1)?.type).toBe('end');
      // Cumulative travel at the end step equals the route's travel.
      expect(route.steps.at(-1)?.duration).toBeCloseTo(route.duration, 6);
      const original = solution.routes.find((r) => Number(r.technician) === route.vehicle)!;
      expect(route.steps.filter((s) => s.type === 'break')).toHaveLength(original.breaks.length);
    }
    expect(output.summary.duration).toBeCloseTo(
      solution.routes.reduce((s, r) => s + (r.visits.length > 0 ? r.travelDuration : 0), 0),
      6,
    );
  });
});
