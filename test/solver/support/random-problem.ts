/**
 * fast-check arbitraries for small random problems with every feature of the format
 * switched on somewhere: several windows, breaks, skills, two-person jobs and crews,
 * pins, territories, capacity, open ends, speed factors, soft windows, work/travel limits.
 */
import fc from 'fast-check';
import type { Job, Problem, Technician } from '../../../solver/problem.ts';

const HOUR = 3600;
const SKILLS = ['elec', 'plumb', 'lift'];

interface Point {
  x: number;
  y: number;
}

/** Travel on a grid: 1 unit = 30 s and 500 m, rounded to whole seconds and metres. */
export function matricesFor(points: Point[]): Problem['matrices'] {
  const euclid = (a: Point, b: Point): number => Math.hypot(a.x - b.x, a.y - b.y);
  return {
    durations: points.map((a) => points.map((b) => Math.round(euclid(a, b) * 30))),
    distances: points.map((a) => points.map((b) => Math.round(euclid(a, b) * 500))),
  };
}

const point = fc.record({ x: fc.integer({ min: 0, max: 60 }), y: fc.integer({ min: 0, max: 60 }) });

const window = fc
  .record({ start: fc.integer({ min: 8, max: 16 }), length: fc.integer({ min: 1, max: 4 }) })
  .map(({ start, length }) => ({ start: start * HOUR, end: (start + length) * HOUR }));

interface JobDraft {
  duration: number;
  windows: { start: number; end: number }[];
  skills: string[];
  two: boolean;
  priority: number;
  load: number[];
  pin: 'none' | 'technician' | 'start' | 'position';
  faster: boolean;
}

const jobDraft: fc.Arbitrary<JobDraft> = fc.record({
  duration: fc.integer({ min: 1, max: 12 }).map((q) => q * 15 * 60),
  windows: fc.array(window, { minLength: 0, maxLength: 3 }),
  skills: fc
    .oneof(
      fc.constant([]),
      fc.constant([]),
      fc.subarray(SKILLS, { maxLength: 1 }),
      fc.subarray(SKILLS, { maxLength: 2 }),
    )
    .map((skills): string[] => [...skills]),
  two: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
  priority: fc.integer({ min: 1, max: 3 }),
  load: fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 1 })),
  pin: fc.constantFrom(
    'none',
    'none',
    'none',
    'none',
    'none',
    'none',
    'none',
    'technician',
    'start',
    'position',
  ),
  faster: fc.boolean(),
});

interface TechnicianDraft {
  crew: boolean;
  end: 'home' | 'other' | 'open';
  shiftStart: number;
  shiftHours: number;
  overtime: number;
  lunch: boolean;
  skills: string[];
  capacity: number[];
  maxWorkHours: number | null;
  maxTravelHours: number | null;
  speedFactor: number;
  territory: boolean;
}

const technicianDraft: fc.Arbitrary<TechnicianDraft> = fc.record({
  crew: fc.integer({ min: 0, max: 2 }).map((n) => n === 0),
  end: fc.constantFrom('home', 'other', 'open'),
  shiftStart: fc.integer({ min: 7, max: 10 }),
  shiftHours: fc.integer({ min: 6, max: 10 }),
  overtime: fc.constantFrom(0, 0, 1800, 3600),
  lunch: fc.boolean(),
  skills: fc.subarray(SKILLS, { minLength: 1 }),
  capacity: fc.tuple(fc.integer({ min: 4, max: 12 }), fc.integer({ min: 1, max: 4 })),
  maxWorkHours: fc.option(fc.integer({ min: 4, max: 9 }), { nil: null }),
  maxTravelHours: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
  speedFactor: fc.constantFrom(0.8, 1, 1, 1.25, 1.5),
  territory: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
});

export interface RandomProblemOptions {
  minJobs?: number;
  maxJobs?: number;
  maxTechnicians?: number;
}

export function randomProblem(options: RandomProblemOptions = {}): fc.Arbitrary<Problem> {
  const { minJobs = 1, maxJobs = 10, maxTechnicians = 3 } = options;
  return fc
    .record({
      jobs: fc.array(jobDraft, { minLength: minJobs, maxLength: maxJobs }),
      technicians: fc.array(technicianDraft, { minLength: 1, maxLength: maxTechnicians }),
      points: fc.array(point, {
        minLength: maxJobs + 2 * maxTechnicians,
        maxLength: maxJobs + 2 * maxTechnicians,
      }),
      soft: fc.option(fc.integer({ min: 5, max: 60 }), { nil: null }),
      territorySeed: fc.array(fc.boolean(), { minLength: maxJobs, maxLength: maxJobs }),
      pinTargets: fc.array(fc.nat(), { minLength: maxJobs, maxLength: maxJobs }),
    })
    .map(({ jobs: jobDrafts, technicians: techDrafts, points, soft, territorySeed, pinTargets }) => {
      const technicianIds = techDrafts.map((_, i) => `t${i}`);
      const technicians: Technician[] = techDrafts.map((d, i) => {
        const home = jobDrafts.length + 2 * i;
        const shift = { start: d.shiftStart * HOUR, end: (d.shiftStart + d.shiftHours) * HOUR };
        const lunchStart = shift.start + 3 * HOUR;
        return {
          id: technicianIds[i] as string,
          ...(d.crew ? { members: [`p${i}a`, `p${i}b`] } : {}),
          start: home,
          ...(d.end === 'other' ? { end: home + 1 } : d.end === 'open' ? { end: null } : {}),
          shift,
          ...(d.overtime > 0 ? { overtime: d.overtime, costs: { perHourOvertime: 10 } } : {}),
          ...(d.lunch
            ? {
                breaks: [
                  {
                    id: `lunch-${i}`,
                    duration: 1800,
                    window: { start: lunchStart, end: lunchStart + 2 * HOUR },
                  },
                ],
              }
            : {}),
          skills: d.skills,
          capacity: d.capacity,
          ...(d.maxWorkHours !== null ? { maxWorkTime: d.maxWorkHours * HOUR } : {}),
          ...(d.maxTravelHours !== null ? { maxTravelTime: d.maxTravelHours * HOUR } : {}),
          ...(d.speedFactor !== 1 ? { speedFactor: d.speedFactor } : {}),
        };
      });
      const jobs: Job[] = jobDrafts.map((d, j) => {
        const id = `j${j}`;
        const target = technicianIds[(pinTargets[j] ?? 0) % technicianIds.length] as string;
        const pinWindow = d.windows[0] ?? { start: 10 * HOUR, end: 11 * HOUR };
        const pin =
          d.pin === 'technician'
            ? { technician: target }
            : d.pin === 'start'
              ? { technician: target, start: pinWindow.start }
              : d.pin === 'position'
                ? { technician: target, position: 0 }
                : undefined;
        return {
          id,
          location: j,
          duration: d.duration,
          ...(d.faster ? { durationByTechnician: { [technicianIds[0] as string]: d.duration / 2 } } : {}),
          ...(d.windows.length > 0 ? { windows: d.windows } : {}),
          ...(d.skills.length > 0 ? { skills: d.skills } : {}),
          ...(d.two ? { technicians: 2 as const } : {}),
          ...(d.priority !== 1 ? { priority: d.priority } : {}),
          load: d.load,
          ...(pin ? { pin } : {}),
        };
      });
      // Territories: a technician flagged for one serves only the jobs whose flag is set.
      techDrafts.forEach((d, i) => {
        if (d.territory) {
          (technicians[i] as Technician).allowedJobs = jobs
            .filter((_, j) => territorySeed[j])
            .map((j) => j.id);
        }
      });
      return {
        matrices: matricesFor(points.slice(0, jobDrafts.length + 2 * techDrafts.length)),
        jobs,
        technicians,
        objective: {
          travel: 'duration' as const,
          ...(soft !== null ? { softWindows: { maxLateness: soft * 60, costPerSecond: 0.1 } } : {}),
        },
      };
    });
}
