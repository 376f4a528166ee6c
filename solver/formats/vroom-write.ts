/**
 * A fieldplan Problem as VROOM input, and a fieldplan Solution as VROOM-like output (the
 * reader is `vroom.ts`), so routing users can feed the same file to both engines and compare.
 * What VROOM has no equivalent for is reported in `warnings`, never dropped silently.
 */
import type { Problem } from '../problem.ts';
import type { Solution } from '../solution.ts';
import type { VroomInput, VroomJob, VroomVehicle } from './vroom.ts';

/**
 * VROOM wants integer ids. Numeric ids are kept; otherwise ids are numbered 1..n in order
 * and the fieldplan id goes into `description`.
 */
class VroomIds {
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

interface VroomStep {
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

interface VroomRoute {
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
