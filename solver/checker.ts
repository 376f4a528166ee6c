/**
 * An independent checker: recomputes every route of a Solution from the Problem alone
 * (visit order, reported times and break placement) and lists what is wrong.
 *
 * It shares no code with the search on purpose, so a bug in the solver's time or
 * load bookkeeping cannot hide itself. Where the semantics leave the solver a choice
 * (leaving later than possible, where exactly a break sits inside a gap) it accepts any
 * physically possible timeline; everything derived (travel, distance, service, waiting,
 * load, overtime, lateness) must match the recomputation.
 */
import type { Job, Problem, Technician, TimeWindow } from './problem.ts';
import type { PlannedBreak, Route, Solution, UnassignedReason } from './solution.ts';
import { checkLinkedJobs, type ServedAt } from './checker-links.ts';
import type { Violation, ViolationCode } from './violations.ts';

export type { ViolationCode } from './violations.ts';

/** What the checker recomputed for one route. */
interface RouteTotals {
  technician: string;
  travelDuration: number;
  travelDistance: number;
  serviceDuration: number;
  waitingDuration: number;
  overtime: number;
  lateness: number;
  load: number[];
}

export interface CheckReport {
  violations: Violation[];
  routes: RouteTotals[];
  totals: {
    travelDistance: number;
    travelDuration: number;
    serviceDuration: number;
    waitingDuration: number;
    overtime: number;
    lateness: number;
    /** Travel in the objective's unit (distance unless objective.travel is 'duration'). */
    travelCost: number;
    assigned: number;
    unassigned: number;
    /** Routes with at least one visit. */
    usedRoutes: number;
    /** Cost of the preferred technicians the routes miss (compare with solution.cost.affinity). */
    affinityCost: number;
  };
}

export interface CheckOptions {
  /** Absolute tolerance on times, distances and loads (default 1e-6, scaled up for large values). */
  tolerance?: number;
}

/**
 * Default tolerance of the checker (relative above 1). Coarser than the solver's own
 * (solver/tolerance.ts) and kept apart on purpose: the checker judges plans independently of
 * the search, including plans read back from their written form.
 */
const DEFAULT_TOLERANCE = 1e-6;

const REASONS: ReadonlySet<UnassignedReason> = new Set<UnassignedReason>([
  'NO_SKILLED_TECHNICIAN',
  'NO_PERMITTED_TECHNICIAN',
  'NO_TEAM_LARGE_ENOUGH',
  'OUTSIDE_TERRITORY',
  'EXCEEDS_CAPACITY',
  'NO_WINDOW_FITS',
  'PIN_UNSATISFIABLE',
  'DISPLACED',
  'NO_PARTNER_FREE',
  'LINKED_JOB_UNASSIGNED',
  'LINK_UNSATISFIABLE',
  'NO_CONSECUTIVE_DAYS',
  'MIN_WORK_NOT_MET',
]);

export function checkSolution(problem: Problem, solution: Solution, options: CheckOptions = {}): CheckReport {
  const baseTolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const near = (a: number, b: number): boolean =>
    Math.abs(a - b) <= baseTolerance * Math.max(1, Math.abs(a), Math.abs(b));
  const atMost = (a: number, b: number): boolean => a <= b || near(a, b);

  const violations: Violation[] = [];
  const jobsById = new Map<string, Job>(problem.jobs.map((j) => [j.id, j]));
  const techniciansById = new Map<string, Technician>(problem.technicians.map((t) => [t.id, t]));
  const durations = problem.matrices.durations;
  const distances = problem.matrices.distances ?? durations;
  const cell = (m: number[][], from: number, to: number): number => {
    const value = m[from]?.[to];
    if (value === undefined) throw new RangeError(`matrix has no entry [${from}][${to}]`);
    return value;
  };
  const softWindows = problem.objective?.softWindows;

  /** Where each job is served: one entry per route visiting it. */
  const served = new Map<string, ServedAt[]>();
  let affinityCost = 0;
  const seenRouted = {
    has: (id: string): boolean => served.has(id),
    get: (id: string): string | undefined => served.get(id)?.[0]?.technician.id,
    get size(): number {
      return served.size;
    },
  };
  const routeTotals: RouteTotals[] = [];
  const seenTechnicians = new Set<string>();

  for (const route of solution.routes) {
    const technician = techniciansById.get(route.technician);
    if (!technician) {
      violations.push({
        code: 'UNKNOWN_TECHNICIAN',
        technician: route.technician,
        message: `route for technician "${route.technician}", which is not in the problem`,
      });
      continue;
    }
    if (seenTechnicians.has(technician.id)) {
      violations.push({
        code: 'DUPLICATE_ROUTE',
        technician: technician.id,
        message: `technician "${technician.id}" has more than one route`,
      });
    }
    seenTechnicians.add(technician.id);
    routeTotals.push(checkRoute(route, technician));
  }

  const seenUnassigned = new Set<string>();
  for (const entry of solution.unassigned) {
    if (!jobsById.has(entry.job)) {
      violations.push({
        code: 'UNKNOWN_JOB',
        job: entry.job,
        message: `unassigned job "${entry.job}" is not in the problem`,
      });
      continue;
    }
    if (seenUnassigned.has(entry.job)) {
      violations.push({
        code: 'JOB_UNASSIGNED_TWICE',
        job: entry.job,
        message: `job "${entry.job}" is listed unassigned twice`,
      });
    }
    seenUnassigned.add(entry.job);
    if (seenRouted.has(entry.job)) {
      violations.push({
        code: 'ROUTED_AND_UNASSIGNED',
        job: entry.job,
        message: `job "${entry.job}" is both routed (technician "${seenRouted.get(entry.job)}") and unassigned`,
      });
    }
    if (!REASONS.has(entry.reason)) {
      violations.push({
        code: 'UNKNOWN_REASON',
        job: entry.job,
        message: `job "${entry.job}" is unassigned with unknown reason "${String(entry.reason)}"`,
      });
    }
  }
  checkLinkedJobs(problem, served, near, atMost, violations);
  for (const job of problem.jobs) {
    if (!seenRouted.has(job.id) && !seenUnassigned.has(job.id)) {
      violations.push({
        code: 'JOB_MISSING',
        job: job.id,
        message: `job "${job.id}" is neither routed nor unassigned`,
      });
    }
  }

  const sum = (f: (r: RouteTotals) => number): number => routeTotals.reduce((s, r) => s + f(r), 0);
  const travelDistance = sum((r) => r.travelDistance);
  const travelDuration = sum((r) => r.travelDuration);
  return {
    violations,
    routes: routeTotals,
    totals: {
      travelDistance,
      travelDuration,
      serviceDuration: sum((r) => r.serviceDuration),
      waitingDuration: sum((r) => r.waitingDuration),
      overtime: sum((r) => r.overtime),
      lateness: sum((r) => r.lateness),
      travelCost: problem.objective?.travel === 'duration' ? travelDuration : travelDistance,
      assigned: seenRouted.size,
      unassigned: seenUnassigned.size,
      usedRoutes: solution.routes.filter((r) => r.visits.length > 0).length,
      affinityCost,
    },
  };

  function checkRoute(route: Route, technician: Technician): RouteTotals {
    const tid = technician.id;
    const add = (code: ViolationCode, message: string, job?: string): void => {
      violations.push(
        job === undefined ? { code, technician: tid, message } : { code, technician: tid, job, message },
      );
    };
    const speed = technician.speedFactor ?? 1;
    const skills = new Set([...(technician.skills ?? []), ...Object.keys(technician.skillLevels ?? {})]);
    const people = technician.members ?? [technician.id];
    const levelOf = (skill: string): number =>
      technician.skillLevels?.[skill] ?? (technician.skills?.includes(skill) ? 1 : 0);
    const territory = technician.allowedJobs ? new Set(technician.allowedJobs) : undefined;
    const capacity = technician.capacity ?? [];
    const load: number[] = [];

    // Resolve the jobs first; a visit to an unknown job cannot be timed.
    const jobs: Job[] = [];
    route.visits.forEach((visit, index) => {
      const job = jobsById.get(visit.job);
      if (!job) {
        add('UNKNOWN_JOB', `visit ${index} is to job "${visit.job}", which is not in the problem`, visit.job);
        return;
      }
      const where = served.get(job.id) ?? [];
      if (where.some((w) => w.technician.id === tid)) {
        add('JOB_ROUTED_TWICE', `job "${job.id}" is visited twice by this route`, job.id);
      } else {
        where.push({ technician, start: visit.start, position: jobs.length });
        served.set(job.id, where);
      }
      jobs.push(job);
    });
    const known = route.visits.filter((v) => jobsById.has(v.job));

    // Per-job compatibility: skills, team, territory, pins.
    known.forEach((visit, index) => {
      const job = jobs[index] as Job;
      const missing = (job.skills ?? []).filter((s) => !skills.has(s));
      if (missing.length > 0)
        add('SKILL_MISSING', `job "${job.id}" needs skills [${missing.join(', ')}]`, job.id);
      for (const [skill, min] of Object.entries(job.skillLevels ?? {})) {
        const level = levelOf(skill);
        if (level < min) {
          add(
            'SKILL_LEVEL',
            `job "${job.id}" needs ${skill} at level ${min}, the route has ${level}`,
            job.id,
          );
        }
      }
      const required = job.requiredTechnicians;
      if (required !== undefined && !people.some((p) => required.includes(p))) {
        add(
          'TECHNICIAN_REQUIRED',
          `job "${job.id}" must be served by one of [${required.join(', ')}]`,
          job.id,
        );
      }
      const excludedHere = people.filter((p) => job.excludedTechnicians?.includes(p));
      if (excludedHere.length > 0) {
        add('TECHNICIAN_EXCLUDED', `job "${job.id}" excludes [${excludedHere.join(', ')}]`, job.id);
      }
      const weights = (job.preferredTechnicians ?? []).map((p) => p.weight);
      if (weights.length > 0) {
        const had = (job.preferredTechnicians ?? []).filter((p) => people.includes(p.technician));
        affinityCost += Math.max(...weights) - Math.max(0, ...had.map((p) => p.weight));
      }
      if (territory && !territory.has(job.id)) {
        add('OUTSIDE_TERRITORY', `job "${job.id}" is not in this technician's allowed jobs`, job.id);
      }
      const pin = job.pin;
      // A job for several people (maybe several routes) has these pins checked as a whole.
      const several = (job.technicians ?? 1) > 1;
      if (pin?.technician !== undefined && pin.technician !== tid && !several) {
        add('PIN_TECHNICIAN', `job "${job.id}" is pinned to "${pin.technician}"`, job.id);
      }
      if (pin?.start !== undefined && !near(visit.start, pin.start)) {
        add(
          'PIN_START',
          `job "${job.id}" is pinned to start at ${pin.start}, starts at ${visit.start}`,
          job.id,
        );
      }
      if (pin?.position !== undefined && pin.position !== index && !several) {
        add('PIN_POSITION', `job "${job.id}" is pinned to position ${pin.position}, is at ${index}`, job.id);
      }
      (job.load ?? []).forEach((amount, d) => {
        load[d] = (load[d] ?? 0) + amount;
      });
    });
    for (let d = 0; d < Math.max(load.length, capacity.length); d++) {
      load[d] = load[d] ?? 0;
    }
    load.forEach((amount, d) => {
      const limit = capacity[d] ?? 0;
      if (!atMost(amount, limit))
        add('CAPACITY_EXCEEDED', `dimension ${d} carries ${amount}, capacity ${limit}`);
    });
    const reportedLoad = route.load ?? [];
    for (let d = 0; d < Math.max(load.length, reportedLoad.length); d++) {
      if (!near(reportedLoad[d] ?? 0, load[d] ?? 0)) {
        add('TOTAL_MISMATCH', `reported load [${reportedLoad.join(', ')}], recomputed [${load.join(', ')}]`);
        break;
      }
    }

    // Breaks: each of the technician's breaks once (on a route that does work), inside its window.
    const planned = route.breaks ?? [];
    const breakViolations = matchBreaks(technician, planned, known.length > 0);
    for (const [code, message] of breakViolations) add(code, message);
    const sortedBreaks = [...planned].sort((a, b) => a.start - b.start);
    for (let i = 1; i < sortedBreaks.length; i++) {
      const prev = sortedBreaks[i - 1] as PlannedBreak;
      const next = sortedBreaks[i] as PlannedBreak;
      if (!atMost(prev.end, next.start))
        add('BREAK_OVERLAP', `breaks at ${prev.start} and ${next.start} overlap`);
    }

    // The timeline, gap by gap: gap g lies between the previous point (route start or the end of
    // visit g-1) and visit g's arrival/start (or the route end after the last visit).
    if (!atMost(technician.shift.start, route.start)) {
      add(
        'SHIFT_START',
        `route leaves at ${route.start}, before the shift starts at ${technician.shift.start}`,
      );
    }
    const openEnd = technician.end === null;
    const endLocation = technician.end === undefined ? technician.start : technician.end;
    let location = technician.start;
    let previousTime = route.start;
    let travelDuration = 0;
    let travelDistance = 0;
    let serviceDuration = 0;
    let waitingDuration = 0;
    let lateness = 0;
    const n = known.length;
    for (let g = 0; g <= n; g++) {
      const visit = g < n ? known[g] : undefined;
      const job = g < n ? (jobs[g] as Job) : undefined;
      const target = job ? job.location : openEnd ? location : (endLocation as number);
      const travel = job || !openEnd ? cell(durations, location, target) / speed : 0;
      const distance = job || !openEnd ? cell(distances, location, target) : 0;
      travelDuration += travel;
      travelDistance += distance;
      const arrival = visit ? visit.arrival : route.end;
      const gapEnd = visit ? visit.start : route.end;
      const gapBreaks = planned.filter((b) => b.afterVisits === g);
      for (const b of gapBreaks) {
        if (!atMost(previousTime, b.start) || !atMost(b.end, gapEnd)) {
          add(
            'BREAK_PLACEMENT',
            `break [${b.start}, ${b.end}] after ${g} visits lies outside the gap [${previousTime}, ${gapEnd}]`,
          );
        }
      }
      // Travel happens in the part of [previousTime, arrival] not taken by breaks.
      const free = arrival - previousTime - overlapWith(gapBreaks, previousTime, arrival);
      if (!atMost(travel, free)) {
        add(
          'TRAVEL_TOO_FAST',
          `${visit ? `arrival at job "${visit.job}"` : 'route end'} at ${arrival} leaves ${free} s for ${travel} s of travel`,
          visit?.job,
        );
      }
      if (visit && job) {
        if (!atMost(visit.arrival, visit.start)) {
          add(
            'ARRIVAL_AFTER_START',
            `job "${job.id}" starts at ${visit.start} before arrival ${visit.arrival}`,
            job.id,
          );
        }
        if (!near(visit.waiting, visit.start - visit.arrival)) {
          add(
            'WAITING_MISMATCH',
            `job "${job.id}" reports waiting ${visit.waiting}, start − arrival is ${visit.start - visit.arrival}`,
            job.id,
          );
        }
        waitingDuration += Math.max(0, visit.start - visit.arrival);
        const service = job.durationByTechnician?.[tid] ?? job.duration;
        serviceDuration += service;
        if (!near(visit.end, visit.start + service)) {
          add(
            'SERVICE_DURATION',
            `job "${job.id}" ends at ${visit.end}, expected ${visit.start + service}`,
            job.id,
          );
        }
        const late = latenessAt(job.windows ?? [], visit.start);
        if (late === undefined) {
          add('WINDOW_MISSED', `job "${job.id}" starts at ${visit.start}, before any of its windows`, job.id);
        } else if (late > 0 && !near(late, 0)) {
          if (!softWindows) {
            add(
              'WINDOW_MISSED',
              `job "${job.id}" starts at ${visit.start}, ${late} s after its window`,
              job.id,
            );
          } else if (!atMost(late, softWindows.maxLateness)) {
            add(
              'LATENESS_EXCEEDED',
              `job "${job.id}" is ${late} s late, at most ${softWindows.maxLateness}`,
              job.id,
            );
          }
        }
        const recomputedLate = late ?? 0;
        lateness += recomputedLate;
        if (!near(visit.lateness ?? 0, recomputedLate)) {
          add(
            'LATENESS_MISMATCH',
            `job "${job.id}" reports lateness ${visit.lateness}, recomputed ${recomputedLate}`,
            job.id,
          );
        }
        location = job.location;
        previousTime = visit.end;
      }
    }
    // The route end must follow everything done on the route.
    const lastBreakEnd = planned.reduce((m, b) => Math.max(m, b.end), -Infinity);
    if (!atMost(lastBreakEnd, route.end) || !atMost(previousTime, route.end)) {
      add('ROUTE_END_MISMATCH', `route ends at ${route.end}, before its last visit or break ends`);
    }
    for (const b of planned) {
      if (b.afterVisits < 0 || b.afterVisits > n || !Number.isInteger(b.afterVisits)) {
        add('BREAK_PLACEMENT', `break after ${b.afterVisits} visits, the route has ${n}`);
      }
      if (!atMost(route.start, b.start))
        add('BREAK_PLACEMENT', `break at ${b.start} before the route starts`);
    }

    const latestEnd = technician.shift.end + (technician.overtime ?? 0);
    if (!atMost(route.end, latestEnd)) {
      add('SHIFT_END', `route ends at ${route.end}, after ${latestEnd} (shift end + overtime)`);
    }
    const overtime = Math.max(0, route.end - technician.shift.end);
    if (technician.maxWorkTime !== undefined && !atMost(route.end - route.start, technician.maxWorkTime)) {
      add('MAX_WORK_TIME', `route works ${route.end - route.start} s, at most ${technician.maxWorkTime}`);
    }
    const minWork = technician.minWorkTime ?? 0;
    if (minWork > 0 && n > 0 && !atMost(minWork, travelDuration + serviceDuration)) {
      add(
        'MIN_WORK_TIME',
        `route works ${travelDuration + serviceDuration} s (travel + service), at least ${minWork} or not at all`,
      );
    }
    if (technician.maxTravelTime !== undefined && !atMost(travelDuration, technician.maxTravelTime)) {
      add('MAX_TRAVEL_TIME', `route travels ${travelDuration} s, at most ${technician.maxTravelTime}`);
    }
    const reported: [string, number, number][] = [
      ['travelDuration', route.travelDuration, travelDuration],
      ['travelDistance', route.travelDistance, travelDistance],
      ['serviceDuration', route.serviceDuration, serviceDuration],
      ['waitingDuration', route.waitingDuration, waitingDuration],
      ['overtime', route.overtime, overtime],
    ];
    for (const [name, value, recomputed] of reported) {
      if (!near(value, recomputed))
        add('TOTAL_MISMATCH', `reported ${name} ${value}, recomputed ${recomputed}`);
    }
    return {
      technician: tid,
      travelDuration,
      travelDistance,
      serviceDuration,
      waitingDuration,
      overtime,
      lateness,
      load,
    };
  }

  /** Each technician break appears once, by id where it has one, otherwise by duration and window. */
  function matchBreaks(
    technician: Technician,
    planned: PlannedBreak[],
    required: boolean,
  ): [ViolationCode, string][] {
    const out: [ViolationCode, string][] = [];
    const pending = [...(technician.breaks ?? [])];
    for (const b of planned) {
      let index = b.id !== undefined ? pending.findIndex((p) => p.id === b.id) : -1;
      if (index < 0 && b.id === undefined) {
        index = pending.findIndex(
          (p) => p.id === undefined && near(b.end - b.start, p.duration) && fitsWindow(p.window, b.start),
        );
        if (index < 0) index = pending.findIndex((p) => p.id === undefined);
      }
      const match = index >= 0 ? pending[index] : undefined;
      if (!match) {
        out.push(['BREAK_UNKNOWN', `break ${b.id ?? `at ${b.start}`} is not one of the technician's breaks`]);
        continue;
      }
      pending.splice(index, 1);
      const label = match.id ?? `at ${b.start}`;
      if (!near(b.end - b.start, match.duration)) {
        out.push(['BREAK_DURATION', `break ${label} lasts ${b.end - b.start} s, expected ${match.duration}`]);
      }
      if (!fitsWindow(match.window, b.start)) {
        out.push([
          'BREAK_WINDOW',
          `break ${label} starts at ${b.start}, outside [${match.window.start}, ${match.window.end}]`,
        ]);
      }
    }
    if (required) {
      for (const p of pending) {
        out.push(['BREAK_MISSING', `break ${p.id ?? `[${p.window.start}, ${p.window.end}]`} is not planned`]);
      }
    }
    return out;
  }

  function fitsWindow(window: TimeWindow, time: number): boolean {
    return atMost(window.start, time) && atMost(time, window.end);
  }

  /** Lateness of a service start against the best window; undefined when it is before every window. */
  function latenessAt(windows: TimeWindow[], start: number): number | undefined {
    if (windows.length === 0) return 0;
    let best: number | undefined;
    for (const w of windows) {
      if (!atMost(w.start, start)) continue;
      const late = Math.max(0, start - w.end);
      if (best === undefined || late < best) best = late;
    }
    return best;
  }
}

function overlapWith(breaks: PlannedBreak[], from: number, to: number): number {
  let total = 0;
  for (const b of breaks) total += Math.max(0, Math.min(b.end, to) - Math.max(b.start, from));
  return total;
}
