/**
 * VROOM's JSON input format (jobs, vehicles, matrices) read into a fieldplan Problem; the
 * way back (a Problem as VROOM input, a Solution as VROOM-like output) is `vroom-write.ts`,
 * so routing users can feed the same file to both engines and compare.
 *
 * What maps one to one: job location_index, service (+ setup), delivery/pickup amounts,
 * skills, priority, time_windows; vehicle start/end, capacity, skills, time_window,
 * breaks, speed_factor, max_travel_time; the duration and distance matrices.
 * What does not map is reported in `warnings`, never dropped silently.
 */
import { z } from 'zod';
import type { ProblemIssue } from '../errors.ts';
import { formatIssuePath } from '../issue-path.ts';
import type { Job, Problem, Technician } from '../problem.ts';

const id = z.number().int().nonnegative();
const amount = z.array(z.number().finite().nonnegative());
const window = z.tuple([z.number().finite().nonnegative(), z.number().finite().nonnegative()]);
const coordinates = z.tuple([z.number().finite(), z.number().finite()]);
const matrix = z.array(z.array(z.number().finite().nonnegative()));

const VroomJobSchema = z
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

const VroomBreakSchema = z
  .object({
    id,
    time_windows: z.array(window).optional(),
    service: z.number().finite().nonnegative().optional(),
    description: z.string().optional(),
  })
  .loose();

const VroomVehicleSchema = z
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

const VroomInputSchema = z
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

export class VroomFormatError extends Error {
  readonly code = 'VROOM_FORMAT';
  constructor(readonly issues: ProblemIssue[]) {
    super(
      `invalid VROOM input:\n${issues.map((i) => `  ${formatIssuePath(i.path) || '(root)'}: ${i.message}`).join('\n')}`,
    );
    this.name = 'VroomFormatError';
  }
}

/** VROOM's default vehicle time window is unbounded; this stands in for "no end". */
const OPEN_HORIZON = 2 ** 32 - 1;

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
      parsed.error.issues.map((i) => ({
        path: i.path.map((k) => (typeof k === 'number' ? k : String(k))),
        message: i.message,
      })),
    );
  }
  const vroom = parsed.data;
  const issues: ProblemIssue[] = [];
  const warnings: string[] = [];
  if (vroom.shipments && vroom.shipments.length > 0) {
    warnings.push(`${vroom.shipments.length} shipments ignored: fieldplan plans single-location jobs`);
  }

  // One matrix for everyone: all vehicles must share a profile.
  const profiles = new Set(vroom.vehicles.map((v) => v.profile ?? 'car'));
  if (profiles.size > 1) {
    issues.push({
      path: ['vehicles'],
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
  const locate = (
    path: ProblemIssue['path'],
    index: number | undefined,
    at: [number, number] | undefined,
  ): number => {
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
    const path = ['jobs', i];
    const delivery = job.delivery ?? job.amount;
    const load = sumAmounts(delivery, job.pickup);
    if (delivery && job.pickup) {
      warnings.push(
        `${formatIssuePath(path)}: delivery and pickup are added into one load (conservative for mixed routes)`,
      );
    }
    const windows = job.time_windows?.map(([start, end]) => ({ start, end }));
    return {
      id: String(job.id),
      location: locate([...path, 'location_index'], job.location_index, job.location),
      duration: (job.setup ?? 0) + (job.service ?? 0),
      ...(windows && windows.length > 0 ? { windows } : {}),
      ...(job.skills && job.skills.length > 0 ? { skills: job.skills.map(String) } : {}),
      ...(job.priority !== undefined && job.priority > 0 ? { priority: 1 + job.priority } : {}),
      ...(load ? { load } : {}),
    };
  });
  const ids = new Set<string>();
  jobs.forEach((job, i) => {
    if (ids.has(job.id)) issues.push({ path: ['jobs', i, 'id'], message: `duplicate job id ${job.id}` });
    ids.add(job.id);
  });

  const technicians: Technician[] = vroom.vehicles.map((vehicle, i) => {
    const path = ['vehicles', i];
    if (vehicle.start_index === undefined && vehicle.start === undefined) {
      issues.push({
        path: [...path, 'start_index'],
        message: 'fieldplan routes need a start; give start_index or start',
      });
    }
    const start = locate([...path, 'start_index'], vehicle.start_index, vehicle.start);
    const hasEnd = vehicle.end_index !== undefined || vehicle.end !== undefined;
    const end = hasEnd ? locate([...path, 'end_index'], vehicle.end_index, vehicle.end) : null;
    const [shiftStart, shiftEnd] = vehicle.time_window ?? [0, OPEN_HORIZON];
    const breaks = (vehicle.breaks ?? []).map((b, k) => {
      const windows = b.time_windows ?? [[0, OPEN_HORIZON]];
      if (windows.length !== 1) {
        issues.push({
          path: [...path, 'breaks', k, 'time_windows'],
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
      issues.push({ path: ['vehicles', i, 'id'], message: `duplicate vehicle id ${t.id}` });
    vehicleIds.add(t.id);
  });
  for (const [i, vehicle] of vroom.vehicles.entries()) {
    for (const key of ['max_tasks', 'max_distance', 'costs', 'steps']) {
      if (key in vehicle)
        warnings.push(`${formatIssuePath(['vehicles', i, key])} is not supported and was ignored`);
    }
  }

  if (!durations) {
    if (coordinateList.length === 0) {
      issues.push({
        path: ['matrices'],
        message: `expected matrices.${profile}.durations (or a legacy "matrix")`,
      });
    } else if (!options.coordinateTravel) {
      issues.push({
        path: ['matrices'],
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
  const checkIndex = (path: ProblemIssue['path'], index: number | null | undefined): void => {
    if (typeof index === 'number' && index >= size) {
      issues.push({ path, message: `location index ${index} is outside the ${size}×${size} matrix` });
    }
  };
  jobs.forEach((j, i) => checkIndex(['jobs', i, 'location_index'], j.location));
  technicians.forEach((t, i) => {
    checkIndex(['vehicles', i, 'start_index'], t.start);
    checkIndex(['vehicles', i, 'end_index'], t.end);
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
