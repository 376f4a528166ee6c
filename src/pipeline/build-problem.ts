/**
 * Build the solver's Problem: one route per technician and shift, jobs with their windows in
 * solver seconds from the horizon start, pins for frozen work and for work to keep as it is.
 * Travel is rounded up to the planning grid so every planned time stays on it.
 */
import { booleanPointInPolygon, point } from '@turf/turf';
import type { Job, Problem, Technician } from '../../solver/problem.ts';
import { durationFactorFor } from './durations.ts';
import type { Located, TravelMatrix } from './geography.ts';
import type { PlannableJob } from './normalise.ts';
import type { PlanningSetup, TechnicianSetup } from './setup.ts';
import { HOLD_BREAK_PREFIX, type CapacityHold } from './holds.ts';

export interface RouteInfo {
  routeId: string;
  technicianIds: string[];
  day: string;
  shiftStart: number;
  shiftEnd: number;
}

export interface BuiltProblem {
  problem: Problem;
  /** Epoch ms of solver time 0. */
  origin: number;
  routes: Map<string, RouteInfo>;
  /** Every located job, also those the options excluded from the problem. */
  jobs: Map<string, PlannableJob>;
}

/** Where a job should stay: a route, and optionally its exact start (epoch ms). */
export interface Placement {
  routeId: string;
  start?: number | undefined;
}

export interface BuildOptions {
  /** Jobs placed exactly as before (previous plan still matching Amazon), or pinned by a repair pass. */
  keep?: ReadonlyMap<string, Placement> | undefined;
  /** Jobs whose reschedule windows are opened (repair pass). */
  widen?: ReadonlySet<string> | undefined;
  /** Jobs whose soft technician preference is dropped (repair pass). */
  release?: ReadonlySet<string> | undefined;
  /** Jobs left out of the problem (booked work no pass could serve: it holds capacity instead). */
  exclude?: ReadonlySet<string> | undefined;
  /** Per route: spans the technician must stay free (see holds.ts), given to the solver as fixed breaks. */
  holds?: ReadonlyMap<string, readonly CapacityHold[]> | undefined;
}

export const routeIdOf = (technicianId: string, day: string): string => `${technicianId}@${day}`;

export function buildProblem(
  setup: PlanningSetup,
  located: Located,
  matrix: TravelMatrix,
  options: BuildOptions = {},
): BuiltProblem {
  const origin = setup.horizon.start;
  const g = setup.rules.timeGranularityMinutes * 60;
  const sec = (ms: number): number => Math.max(0, Math.round((ms - origin) / 1000));

  const routes = new Map<string, RouteInfo>();
  const technicians: Technician[] = [];
  const byTechnician = new Map<string, TechnicianSetup>();
  for (const t of setup.technicians) {
    byTechnician.set(t.technicianId, t);
    const home = located.technicianLocation.get(t.technicianId);
    if (home === undefined) continue;
    for (const shift of t.shifts) {
      const routeId = routeIdOf(t.technicianId, shift.day);
      routes.set(routeId, {
        routeId,
        technicianIds: [t.technicianId],
        day: shift.day,
        shiftStart: shift.start,
        shiftEnd: shift.end,
      });
      const allowed = allowedJobs(t, located, options.exclude);
      technicians.push({
        id: routeId,
        members: [t.technicianId],
        start: home,
        end: home,
        shift: { start: sec(shift.start), end: sec(shift.end) },
        breaks: [
          ...shift.breaks.map((b, i) => ({
            id: `break-${i}`,
            duration: b.duration / 1000,
            window: { start: sec(b.window.start), end: sec(b.window.end) },
          })),
          ...(options.holds?.get(routeId) ?? []).map((h) => ({
            id: `${HOLD_BREAK_PREFIX}${h.serviceJobId}`,
            duration: (h.end - h.start) / 1000,
            window: { start: sec(h.start), end: sec(h.start) },
          })),
        ],
        skills: [...t.skills],
        ...(t.maxWorkTime !== undefined ? { maxWorkTime: t.maxWorkTime / 1000 } : {}),
        ...(allowed !== undefined ? { allowedJobs: allowed } : {}),
        costs: {
          perHourTravel: setup.rules.objective.perHourTravel,
          perHourWork: setup.rules.objective.perHourWork,
          perHourOvertime: setup.rules.objective.perHourOvertime,
        },
      });
    }
  }

  const routeOn = (technicianId: string, instant: number): string | undefined => {
    for (const r of routes.values()) {
      if (r.technicianIds[0] === technicianId && instant >= r.shiftStart && instant < r.shiftEnd)
        return r.routeId;
    }
    return undefined;
  };

  const jobs: Job[] = [];
  const jobMap = new Map<string, PlannableJob>();
  for (const j of located.jobs) {
    const location = located.jobLocation.get(j.serviceJobId);
    if (location === undefined) continue;
    // Excluded jobs stay known (the plan explains why they are out) but are not placed.
    jobMap.set(j.serviceJobId, j);
    if (options.exclude?.has(j.serviceJobId)) continue;
    const windows = options.widen?.has(j.serviceJobId) ? [...j.windows, ...j.rescheduleWindows] : j.windows;
    const job: Job = {
      id: j.serviceJobId,
      location,
      duration: j.durationMinutes * 60,
      windows: windows.map((w) => ({ start: sec(w.start), end: sec(w.end) })),
      skills: [...j.skills],
      priority: j.priority,
      // A buyer holds this appointment: drop it only when no feasible plan can keep it.
      ...(j.activeAppointment !== undefined ? { mandatory: true } : {}),
    };
    const byRoute: Record<string, number> = {};
    for (const r of technicians) {
      const factor = durationFactorFor(setup, r.members ?? [r.id], j.skills);
      if (factor !== 1) byRoute[r.id] = Math.ceil((j.durationMinutes * 60 * factor) / g) * g;
    }
    if (Object.keys(byRoute).length > 0) job.durationByTechnician = byRoute;

    const keep = options.keep?.get(j.serviceJobId);
    if (j.pin !== undefined) {
      const routeId = routeOn(j.pin.technicianIds[0]!, j.pin.start);
      job.mandatory = true;
      job.pin = { start: sec(j.pin.start), ...(routeId !== undefined ? { technician: routeId } : {}) };
    } else if (keep !== undefined && routes.has(keep.routeId)) {
      job.pin = { technician: keep.routeId, ...(keep.start !== undefined ? { start: sec(keep.start) } : {}) };
    } else if (
      j.keepTechnicianIds.length > 0 &&
      !options.release?.has(j.serviceJobId) &&
      j.activeAppointment
    ) {
      const routeId = routeOn(j.keepTechnicianIds[0]!, j.activeAppointment.start);
      const route = routeId !== undefined ? technicians.find((r) => r.id === routeId) : undefined;
      const skilled = route !== undefined && j.skills.every((s) => route.skills?.includes(s));
      if (routeId !== undefined && skilled) job.pin = { technician: routeId };
    }
    jobs.push(job);
  }

  const durations = matrix.durations.map((row) => row.map((d) => Math.ceil(d / g) * g));
  return {
    problem: {
      matrices: { durations, distances: matrix.distances },
      jobs,
      technicians: technicians.length > 0 ? technicians : [],
      objective: {
        travel: 'duration',
        ...(setup.rules.objective.unassignedPenalty !== undefined
          ? { unassignedPenalty: setup.rules.objective.unassignedPenalty }
          : {}),
      },
    },
    origin,
    routes,
    jobs: jobMap,
  };
}

/** Jobs a technician may serve: their stores' jobs, inside their territory; undefined = no restriction. */
function allowedJobs(
  t: TechnicianSetup,
  located: Located,
  exclude: ReadonlySet<string> | undefined,
): string[] | undefined {
  let restricted = false;
  const out: string[] = [];
  for (const j of located.jobs) {
    if (exclude?.has(j.serviceJobId)) continue;
    let ok = t.storeIds.includes(j.storeId);
    if (ok && t.territory !== undefined) {
      const p = located.points[located.jobLocation.get(j.serviceJobId)!]!;
      ok = booleanPointInPolygon(
        point([p.lon, p.lat]),
        t.territory as Parameters<typeof booleanPointInPolygon>[1],
      );
    }
    if (ok) out.push(j.serviceJobId);
    else restricted = true;
  }
  return restricted ? out : undefined;
}
