/**
 * VROOM's JSON input format (jobs, vehicles, matrices) to and from a fieldplan Problem,
 * and a fieldplan Solution as VROOM-like output, so routing users can feed the same
 * file to both engines and compare.
 *
 * What maps one to one: job location_index, service (+ setup), delivery/pickup amounts,
 * skills, priority, time_windows; vehicle start/end, capacity, skills, time_window,
 * breaks, speed_factor, max_travel_time; the duration and distance matrices.
 * What does not map is reported in `warnings`, never dropped silently.
 */
import { z } from 'zod';
import type { Job, Problem, Technician } from '../problem.ts';
import type { Solution } from '../solution.ts';

const id = z.number().int().nonnegative();
const amount = z.array(z.number().finite().nonnegative());
const window = z.tuple([z.number().finite().nonnegative(), z.number().finite().nonnegative()]);
const coordinates = z.tuple([z.number().finite(), z.number().finite()]);
const matrix = z.array(z.array(z.number().finite().nonnegative()));

export const VroomJobSchema = z
  .object({
    id,
    description: z.string().optional(),
    location: coordinates.optional(),
    location_index: z.number().int().nonnegative().optional(),
    setup: z.number().finite().nonnegative().optional(),
    service: z.number().finite().nonnegative().optional(),
    delivery: amount.optional(),
    pickup: amount.optional(),
    /** Deprecated in VROOM, read as a delivery. */
    amount: amount.optional(),
    skills: z.array(id).optional(),
    priority: z.number().int().min(0).max(100).optional(),
    time_windows: z.array(window).optional(),
  })
  .loose();
export type VroomJob = z.infer<typeof VroomJobSchema>;

export const VroomBreakSchema = z
  .object({
    id,
    time_windows: z.array(window).optional(),
    service: z.number().finite().nonnegative().optional(),
    description: z.string().optional(),
  })
  .loose();

export const VroomVehicleSchema = z
  .object({
    id,
    profile: z.string().optional(),
    description: z.string().optional(),
    start: coordinates.optional(),
    start_index: z.number().int().nonnegative().optional(),
    end: coordinates.optional(),
    end_index: z.number().int().nonnegative().optional(),
    capacity: amount.optional(),
    skills: z.array(id).optional(),
    time_window: window.optional(),
    breaks: z.array(VroomBreakSchema).optional(),
    speed_factor: z.number().finite().positive().optional(),
    max_travel_time: z.number().finite().nonnegative().optional(),
  })
  .loose();
export type VroomVehicle = z.infer<typeof VroomVehicleSchema>;

export const VroomInputSchema = z
  .object({
    jobs: z.array(VroomJobSchema).default([]),
    shipments: z.array(z.unknown()).optional(),
    vehicles: z.array(VroomVehicleSchema).min(1),
    matrices: z
      .record(z.string(), z.object({ durations: matrix.optional(), distances: matrix.optional() }))
      .optional(),
    /** Legacy single duration matrix. */
    matrix: matrix.optional(),
  })
  .loose();
export type VroomInput = z.infer<typeof VroomInputSchema>;

export interface FormatIssue {
  path: string;
  message: string;
}

export class VroomFormatError extends Error {
  readonly code = 'VROOM_FORMAT';
  constructor(readonly issues: FormatIssue[]) {
    super(`invalid VROOM input:\n${issues.map((i) => `  ${i.path || '(root)'}: ${i.message}`).join('\n')}`);
    this.name = 'VroomFormatError';
  }
}

/** VROOM's default vehicle time window is unbounded; this stands in for "no end". */
export const OPEN_HORIZON = 2 ** 32 - 1;

/** Great-circle travel used when a VROOM file gives coordinates and no matrix. */
export interface CoordinateTravel {
  (from: [number, number], to: [number, number]): { duration: number; distance: number };
}

/** Haversine distance × a road factor, at a constant speed: a rough stand-in for a road network. */
export function greatCircleTravel(metresPerSecond = 50 / 3.6, roadFactor = 1.3): CoordinateTravel {
  return ([lon1, lat1], [lon2, lat2]) => {
    const rad = Math.PI / 180;
    const a =
      Math.sin(((lat2 - lat1) * rad) / 2) ** 2 +
      Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2;
    const distance = 2 * 6_371_000 * Math.asin(Math.min(1, Math.sqrt(a))) * roadFactor;
    return { duration: Math.round(distance / metresPerSecond), distance: Math.round(distance) };
  };
}

export interface FromVroomOptions {
  /** Needed only when locations are given as coordinates without matrices. */
  coordinateTravel?: CoordinateTravel;
}

export interface FromVroomResult {
  problem: Problem;
  warnings: string[];
}

/** Reads a VROOM input document (already JSON-parsed) into a Problem. */
export function problemFromVroom(input: unknown, options: FromVroomOptions = {}): FromVroomResult {
  const parsed = VroomInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new VroomFormatError(
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  const vroom = parsed.data;
  const issues: FormatIssue[] = [];
  const warnings: string[] = [];
  if (vroom.shipments && vroom.shipments.length > 0) {
    warnings.push(`${vroom.shipments.length} shipments ignored: fieldplan plans single-location jobs`);
  }

  // One matrix for everyone: all vehicles must share a profile.
  const profiles = new Set(vroom.vehicles.map((v) => v.profile ?? 'car'));
  if (profiles.size > 1) {
    issues.push({
      path: 'vehicles',
      message: `all vehicles must use one profile, found ${[...profiles].join(', ')}`,
    });
  }
  const profile = [...profiles][0] ?? 'car';
  const given = vroom.matrices?.[profile];
  let durations = given?.durations ?? vroom.matrix;
  let distances = given?.distances;

  // Locations: matrix indices, or coordinates turned into a matrix.
  const coordinateIndex = new Map<string, number>();
  const coordinateList: [number, number][] = [];
  const locate = (path: string, index: number | undefined, at: [number, number] | undefined): number => {
    if (index !== undefined) return index;
    if (at !== undefined) {
      if (durations) {
        issues.push({
          path,
          message: 'give location_index: a matrix is present, so coordinates cannot be placed in it',
        });
        return 0;
      }
      const key = `${at[0]},${at[1]}`;
      let i = coordinateIndex.get(key);
      if (i === undefined) {
        i = coordinateList.length;
        coordinateIndex.set(key, i);
        coordinateList.push(at);
      }
      return i;
    }
    issues.push({ path, message: 'expected a location_index (or a location with coordinates)' });
    return 0;
  };

  const jobs: Job[] = vroom.jobs.map((job, i) => {
    const path = `jobs.${i}`;
    const delivery = job.delivery ?? job.amount;
    const load = sumAmounts(delivery, job.pickup);
    if (delivery && job.pickup) {
      warnings.push(`${path}: delivery and pickup are added into one load (conservative for mixed routes)`);
    }
    const windows = job.time_windows?.map(([start, end]) => ({ start, end }));
    return {
      id: String(job.id),
      location: locate(`${path}.location_index`, job.location_index, job.location),
      duration: (job.setup ?? 0) + (job.service ?? 0),
      ...(windows && windows.length > 0 ? { windows } : {}),
      ...(job.skills && job.skills.length > 0 ? { skills: job.skills.map(String) } : {}),
      ...(job.priority !== undefined && job.priority > 0 ? { priority: 1 + job.priority } : {}),
      ...(load ? { load } : {}),
    };
  });
  const ids = new Set<string>();
  jobs.forEach((job, i) => {
    if (ids.has(job.id)) issues.push({ path: `jobs.${i}.id`, message: `duplicate job id ${job.id}` });
    ids.add(job.id);
  });

  const technicians: Technician[] = vroom.vehicles.map((vehicle, i) => {
    const path = `vehicles.${i}`;
    if (vehicle.start_index === undefined && vehicle.start === undefined) {
      issues.push({
        path: `${path}.start_index`,
        message: 'fieldplan routes need a start; give start_index or start',
      });
    }
    const start = locate(`${path}.start_index`, vehicle.start_index, vehicle.start);
    const hasEnd = vehicle.end_index !== undefined || vehicle.end !== undefined;
    const end = hasEnd ? locate(`${path}.end_index`, vehicle.end_index, vehicle.end) : null;
    const [shiftStart, shiftEnd] = vehicle.time_window ?? [0, OPEN_HORIZON];
    const breaks = (vehicle.breaks ?? []).map((b, k) => {
      const windows = b.time_windows ?? [[0, OPEN_HORIZON]];
      if (windows.length !== 1) {
        issues.push({
          path: `${path}.breaks.${k}.time_windows`,
          message: `fieldplan breaks have exactly one window, found ${windows.length}`,
        });
      }
      const [ws, we] = windows[0] ?? [0, OPEN_HORIZON];
      return { id: String(b.id), duration: b.service ?? 0, window: { start: ws, end: we } };
    });
    return {
      id: String(vehicle.id),
      start,
      end,
      shift: { start: shiftStart, end: shiftEnd },
      ...(breaks.length > 0 ? { breaks } : {}),
      ...(vehicle.skills && vehicle.skills.length > 0 ? { skills: vehicle.skills.map(String) } : {}),
      ...(vehicle.capacity ? { capacity: vehicle.capacity } : {}),
      ...(vehicle.speed_factor !== undefined ? { speedFactor: vehicle.speed_factor } : {}),
      ...(vehicle.max_travel_time !== undefined ? { maxTravelTime: vehicle.max_travel_time } : {}),
    };
  });
  const vehicleIds = new Set<string>();
  technicians.forEach((t, i) => {
    if (vehicleIds.has(t.id))
      issues.push({ path: `vehicles.${i}.id`, message: `duplicate vehicle id ${t.id}` });
    vehicleIds.add(t.id);
  });
  for (const [i, vehicle] of vroom.vehicles.entries()) {
    for (const key of ['max_tasks', 'max_distance', 'costs', 'steps']) {
      if (key in vehicle) warnings.push(`vehicles.${i}.${key} is not supported and was ignored`);
    }
  }

  if (!durations) {
    if (coordinateList.length === 0) {
      issues.push({
        path: 'matrices',
        message: `expected matrices.${profile}.durations (or a legacy "matrix")`,
      });
    } else if (!options.coordinateTravel) {
      issues.push({
        path: 'matrices',
        message: 'locations are coordinates: give matrices or a coordinate travel model',
      });
    } else {
      const travel = options.coordinateTravel;
      const legs = coordinateList.map((a) => coordinateList.map((b) => travel(a, b)));
      durations = legs.map((row) => row.map((l) => l.duration));
      distances = legs.map((row) => row.map((l) => l.distance));
      warnings.push(
        'no matrices: travel estimated from coordinates (great circle × road factor at constant speed)',
      );
    }
  }
  const size = durations?.length ?? 0;
  const checkIndex = (path: string, index: number | null | undefined): void => {
    if (typeof index === 'number' && index >= size) {
      issues.push({ path, message: `location index ${index} is outside the ${size}×${size} matrix` });
    }
  };
  jobs.forEach((j, i) => checkIndex(`jobs.${i}.location_index`, j.location));
  technicians.forEach((t, i) => {
    checkIndex(`vehicles.${i}.start_index`, t.start);
    checkIndex(`vehicles.${i}.end_index`, t.end);
  });
  if (issues.length > 0) throw new VroomFormatError(issues);

  return {
    problem: {
      matrices: { durations: durations ?? [], ...(distances ? { distances } : {}) },
      jobs,
      technicians,
      // VROOM's default cost is travel time.
      objective: { travel: 'duration' },
    },
    warnings,
  };
}

function sumAmounts(a: number[] | undefined, b: number[] | undefined): number[] | undefined {
  if (!a && !b) return undefined;
  const length = Math.max(a?.length ?? 0, b?.length ?? 0);
  return Array.from({ length }, (_, d) => (a?.[d] ?? 0) + (b?.[d] ?? 0));
}

/**
 * VROOM wants integer ids. Numeric ids are kept; otherwise ids are numbered 1..n in order
 * and the fieldplan id goes into `description`.
 */
export class VroomIds {
  private readonly toNumber = new Map<string, number>();
  private readonly toString = new Map<number, string>();
  readonly numeric: boolean;

  constructor(ids: string[]) {
    this.numeric = ids.every((i) => /^(0|[1-9]\d{0,14})$/.test(i)) && new Set(ids).size === ids.length;
    ids.forEach((value, index) => {
      const n = this.numeric ? Number(value) : index + 1;
      this.toNumber.set(value, n);
      this.toString.set(n, value);
    });
  }

  number(value: string): number {
    const n = this.toNumber.get(value);
    if (n === undefined) throw new RangeError(`unknown id "${value}"`);
    return n;
  }

  describe(value: string): { description?: string } {
    return this.numeric ? {} : { description: value };
  }
}

export interface ToVroomResult {
  input: VroomInput;
  warnings: string[];
}

/** Writes a Problem as VROOM input; features VROOM has no equivalent for are listed in `warnings`. */
export function problemToVroom(problem: Problem): ToVroomResult {
  const warnings: string[] = [];
  const jobIds = new VroomIds(problem.jobs.map((j) => j.id));
  const vehicleIds = new VroomIds(problem.technicians.map((t) => t.id));
  const allSkills = [...new Set([...problem.jobs, ...problem.technicians].flatMap((x) => x.skills ?? []))];
  const skillIds = new VroomIds(allSkills);
  if (!skillIds.numeric && allSkills.length > 0) {
    warnings.push(
      `skills numbered for VROOM: ${allSkills.map((s) => `${s}=${skillIds.number(s)}`).join(', ')}`,
    );
  }
  const unsupported = (what: string, where: string): void => {
    warnings.push(`${where}: ${what} has no VROOM equivalent and was left out`);
  };

  (problem.links ?? []).forEach((link, l) => unsupported(`a ${link.kind} link`, `links[${l}]`));
  const jobs: VroomJob[] = problem.jobs.map((job) => {
    const where = `job ${job.id}`;
    if (job.durationByTechnician) unsupported('durationByTechnician', where);
    if ((job.technicians ?? 1) > 1) unsupported('a two-person team', where);
    if (job.pin) unsupported('a pin', where);
    if (job.mandatory) unsupported('mandatory', where);
    if (job.priority !== undefined && !Number.isInteger(job.priority)) {
      warnings.push(`${where}: priority ${job.priority} rounded for VROOM`);
    }
    return {
      id: jobIds.number(job.id),
      ...jobIds.describe(job.id),
      location_index: job.location,
      service: job.duration,
      ...(job.load ? { delivery: job.load } : {}),
      ...(job.skills && job.skills.length > 0 ? { skills: job.skills.map((s) => skillIds.number(s)) } : {}),
      ...(job.priority !== undefined && job.priority > 1
        ? { priority: Math.min(100, Math.round(job.priority - 1)) }
        : {}),
      ...(job.windows && job.windows.length > 0
        ? { time_windows: job.windows.map((w) => [w.start, w.end] as [number, number]) }
        : {}),
    };
  });

  const vehicles: VroomVehicle[] = problem.technicians.map((t) => {
    const where = `technician ${t.id}`;
    if ((t.members?.length ?? 1) > 1) unsupported('a multi-person crew', where);
    if (t.maxWorkTime !== undefined) unsupported('maxWorkTime', where);
    if (t.allowedJobs) unsupported('allowedJobs (territory)', where);
    if (t.costs) unsupported('costs', where);
    if (t.overtime) warnings.push(`${where}: overtime folded into the time window's end, unpriced`);
    const breakIds = new VroomIds((t.breaks ?? []).map((b, i) => b.id ?? String(i + 1)));
    return {
      id: vehicleIds.number(t.id),
      ...vehicleIds.describe(t.id),
      start_index: t.start,
      ...(t.end === null ? {} : { end_index: t.end ?? t.start }),
      time_window: [t.shift.start, t.shift.end + (t.overtime ?? 0)] as [number, number],
      ...(t.capacity ? { capacity: t.capacity } : {}),
      ...(t.skills && t.skills.length > 0 ? { skills: t.skills.map((s) => skillIds.number(s)) } : {}),
      ...(t.breaks && t.breaks.length > 0
        ? {
            breaks: t.breaks.map((b, i) => ({
              id: breakIds.number(b.id ?? String(i + 1)),
              ...breakIds.describe(b.id ?? String(i + 1)),
              time_windows: [[b.window.start, b.window.end] as [number, number]],
              service: b.duration,
            })),
          }
        : {}),
      ...(t.speedFactor !== undefined ? { speed_factor: t.speedFactor } : {}),
      ...(t.maxTravelTime !== undefined ? { max_travel_time: t.maxTravelTime } : {}),
    };
  });
  if (problem.objective?.softWindows) unsupported('soft windows', 'objective');
  if (problem.objective?.travel !== 'duration') {
    warnings.push('VROOM minimises travel time; this problem minimises distance');
  }

  return {
    input: {
      jobs,
      vehicles,
      matrices: {
        car: {
          durations: problem.matrices.durations,
          ...(problem.matrices.distances ? { distances: problem.matrices.distances } : {}),
        },
      },
    },
    warnings,
  };
}

export interface VroomStep {
  type: 'start' | 'job' | 'break' | 'end';
  id?: number;
  description?: string;
  location_index?: number;
  arrival: number;
  /** Travel time accumulated on arrival at this step. */
  duration: number;
  distance: number;
  setup: number;
  service: number;
  waiting_time: number;
  load: number[];
}

export interface VroomRoute {
  vehicle: number;
  description?: string;
  cost: number;
  delivery: number[];
  amount: number[];
  pickup: number[];
  setup: number;
  service: number;
  duration: number;
  waiting_time: number;
  priority: number;
  distance: number;
  steps: VroomStep[];
}

export interface VroomOutput {
  code: 0;
  summary: {
    cost: number;
    routes: number;
    unassigned: number;
    delivery: number[];
    amount: number[];
    pickup: number[];
    setup: number;
    service: number;
    duration: number;
    waiting_time: number;
    priority: number;
    distance: number;
  };
  unassigned: { id: number; type: 'job'; location_index: number; description?: string; reason: string }[];
  routes: VroomRoute[];
}

/** A Solution in the shape of VROOM's output (ids mapped as in problemToVroom). */
export function solutionToVroom(problem: Problem, solution: Solution): VroomOutput {
  const jobIds = new VroomIds(problem.jobs.map((j) => j.id));
  const vehicleIds = new VroomIds(problem.technicians.map((t) => t.id));
  const jobs = new Map(problem.jobs.map((j) => [j.id, j]));
  const technicians = new Map(problem.technicians.map((t) => [t.id, t]));
  const dimensions = Math.max(0, ...problem.jobs.map((j) => j.load?.length ?? 0));
  const zero = (): number[] => Array.from({ length: dimensions }, () => 0);
  const durations = problem.matrices.durations;
  const distances = problem.matrices.distances ?? durations;
  const vroomPriority = (p: number | undefined): number =>
    Math.min(100, Math.max(0, Math.round((p ?? 1) - 1)));

  const routes: VroomRoute[] = solution.routes
    .filter((r) => r.visits.length > 0)
    .map((route) => {
      const t = technicians.get(route.technician);
      if (!t) throw new RangeError(`route for unknown technician "${route.technician}"`);
      const speed = t.speedFactor ?? 1;
      const delivery = zero();
      for (const v of route.visits)
        (jobs.get(v.job)?.load ?? []).forEach((a, d) => (delivery[d] = (delivery[d] ?? 0) + a));
      let load = [...delivery];
      let travelled = 0;
      let distance = 0;
      let at = t.start;
      const steps: VroomStep[] = [
        {
          type: 'start',
          location_index: t.start,
          arrival: route.start,
          duration: 0,
          distance: 0,
          setup: 0,
          service: 0,
          waiting_time: 0,
          load: [...load],
        },
      ];
      const breaksAfter = (count: number): void => {
        for (const b of route.breaks.filter((x) => x.afterVisits === count)) {
          steps.push({
            type: 'break',
            ...(b.id !== undefined
              ? { id: Number.isInteger(Number(b.id)) ? Number(b.id) : 0, description: b.id }
              : {}),
            arrival: b.start,
            duration: travelled,
            distance,
            setup: 0,
            service: b.end - b.start,
            waiting_time: 0,
            load: [...load],
          });
        }
      };
      breaksAfter(0);
      route.visits.forEach((visit, index) => {
        const job = jobs.get(visit.job);
        if (!job) throw new RangeError(`visit to unknown job "${visit.job}"`);
        travelled += (durations[at]?.[job.location] ?? 0) / speed;
        distance += distances[at]?.[job.location] ?? 0;
        at = job.location;
        load = load.map((l, d) => l - (job.load?.[d] ?? 0));
        steps.push({
          type: 'job',
          id: jobIds.number(job.id),
          ...jobIds.describe(job.id),
          location_index: job.location,
          arrival: visit.arrival,
          duration: travelled,
          distance,
          setup: 0,
          service: visit.end - visit.start,
          waiting_time: visit.waiting,
          load: [...load],
        });
        breaksAfter(index + 1);
      });
      if (t.end !== null) {
        const to = t.end ?? t.start;
        travelled += (durations[at]?.[to] ?? 0) / speed;
        distance += distances[at]?.[to] ?? 0;
        at = to;
      }
      steps.push({
        type: 'end',
        location_index: at,
        arrival: route.end,
        duration: travelled,
        distance,
        setup: 0,
        service: 0,
        waiting_time: 0,
        load: [...load],
      });
      const priority = route.visits.reduce((s, v) => s + vroomPriority(jobs.get(v.job)?.priority), 0);
      return {
        vehicle: vehicleIds.number(t.id),
        ...vehicleIds.describe(t.id),
        cost: Math.round(
          problem.objective?.travel === 'duration' ? route.travelDuration : route.travelDistance,
        ),
        delivery,
        amount: delivery,
        pickup: zero(),
        setup: 0,
        service: route.serviceDuration,
        duration: route.travelDuration,
        waiting_time: route.waitingDuration,
        priority,
        distance: route.travelDistance,
        steps,
      };
    });

  const sum = (f: (r: VroomRoute) => number): number => routes.reduce((s, r) => s + f(r), 0);
  const sumVector = (f: (r: VroomRoute) => number[]): number[] =>
    routes.reduce((acc, r) => acc.map((a, d) => a + (f(r)[d] ?? 0)), zero());
  return {
    code: 0,
    summary: {
      cost: sum((r) => r.cost),
      routes: routes.length,
      unassigned: solution.unassigned.length,
      delivery: sumVector((r) => r.delivery),
      amount: sumVector((r) => r.amount),
      pickup: zero(),
      setup: 0,
      service: sum((r) => r.service),
      duration: sum((r) => r.duration),
      waiting_time: sum((r) => r.waiting_time),
      priority: sum((r) => r.priority),
      distance: sum((r) => r.distance),
    },
    unassigned: solution.unassigned.map((u) => ({
      id: jobIds.number(u.job),
      type: 'job',
      location_index: jobs.get(u.job)?.location ?? 0,
      ...jobIds.describe(u.job),
      reason: u.reason,
    })),
    routes,
  };
}
