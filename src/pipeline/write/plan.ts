/**
 * Solution → Plan: what Amazon must know after this run, in UTC instants. Routes per
 * technician and day; one appointment per planned job (kept, new, or moved) with its
 * technicians; the schedule per resource; TRAVEL blocks between visits and BREAK blocks.
 */
import type { Solution, UnassignedReason } from '../../../solver/solution.ts';
import type { BuiltProblem, RouteInfo } from '../solve/build-problem.ts';
import { HOLD_BREAK_PREFIX } from '../solve/booked-holds.ts';
import type { CandidateWindow, PlannableJob } from '../read/normalise.ts';
import { partOf } from '../solve/multi-day.ts';
import { trueReasons } from '../solve/unassigned-reasons.ts';
import type { Interval, PlanningSetup, ShiftInstance } from '../setup/planning-setup.ts';

/**
 * TRAVEL between visits, BREAK, and APPOINTMENT for a helper's visit Amazon cannot assign them to
 * and for the later days' parts of a multi-day visit (its appointment is the first day's).
 */
export type BlockType = 'TRAVEL' | 'BREAK' | 'APPOINTMENT';

export interface PlannedStop {
  serviceJobId: string;
  storeId: string;
  arrival: number;
  start: number;
  end: number;
  /** Travel from the previous stop (or home), ms. */
  travel: number;
  waiting: number;
  /** The latest start the visit's window allows (epoch ms), for the on-time KPIs. */
  latestStart?: number | undefined;
  /** Part number (2, 3, …) of a multi-day visit's later day; absent for a job's own visit. */
  part?: number | undefined;
}

/** One technician's shift on one day of the plan: what utilisation is measured against. */
export interface RosterShift {
  technicianId: string;
  storeId: string;
  day: string;
  start: number;
  end: number;
}

export interface PlannedRoute {
  routeId: string;
  technicianIds: string[];
  day: string;
  shift: Interval;
  leave: number;
  back: number;
  stops: PlannedStop[];
  breaks: Interval[];
  /** Spans kept free for booked appointments the plan does not serve (holds.ts); no reservation. */
  holds?: (Interval & { serviceJobId: string })[];
  /** IANA zone of the route's store: reports show its times in it. */
  timeZone?: string;
  travel: number;
  service: number;
  waiting: number;
  overtime: number;
}

export interface AppointmentTimeOut {
  start: number;
  minutes: number;
}

export interface PlannedAppointment {
  serviceJobId: string;
  storeId: string;
  time: AppointmentTimeOut;
  technicianIds: string[];
  /** The appointment Amazon has now, if any. */
  current: { appointmentId: string; time: AppointmentTimeOut; technicianIds: string[] } | undefined;
}

export interface CapacityBlock {
  resourceId: string;
  type: BlockType;
  start: number;
  end: number;
}

export interface ScheduleRecordOut {
  start: number;
  end: number;
  capacity: number;
}

export interface ResourceSchedule {
  resourceId: string;
  records: ScheduleRecordOut[];
}

interface UnassignedJobOut {
  serviceJobId: string;
  reason: UnassignedReason;
  /** Why, in ids and counts (never a buyer's data or appointment time). */
  detail?: string | undefined;
  /** The job has a booked appointment this plan does not serve: it stays on Amazon. */
  booked?: boolean | undefined;
  /**
   * The appointment Amazon has now, if any (set with the plan's `current` appointments). One
   * that starts later is released at Amazon: kept at its time, with no technician assigned.
   */
  current?: { appointmentId: string; time: AppointmentTimeOut; technicianIds: string[] } | undefined;
}

export interface Plan {
  days: string[];
  storeIds: string[];
  marketplaceId: string;
  horizon: Interval;
  routes: PlannedRoute[];
  appointments: PlannedAppointment[];
  blocks: CapacityBlock[];
  schedules: ResourceSchedule[];
  unassigned: UnassignedJobOut[];
  /**
   * Visits of technicians out for the day that were under way when the plan was made: they
   * stay at Amazon as they are (history, not planned again), and count as kept.
   */
  underWay?: string[] | undefined;
  /**
   * Resources of technicians out for the day: their capacity writes (travel, breaks) from now
   * on belong to routes nobody drives, and are cancelled.
   */
  absentResources?: string[] | undefined;
  /** Digest of the inputs this plan was made from (unchanged.ts): a rerun with the same keeps it. */
  inputSignature?: string | undefined;
  /**
   * A deadline cut the solve short (optimize-today's budget): the plan is valid but not final,
   * so a rerun with nothing changed solves again (from this plan) instead of keeping it.
   */
  cutShort?: true | undefined;
  /** Shifts of every technician on shift in the horizon, routed or not (src/kpis/plan.ts). */
  roster?: RosterShift[] | undefined;
  /** Jobs a blocking issue kept out of the plan, with the code (ids and codes only). */
  excluded?: { serviceJobId: string; code: string }[] | undefined;
  /** Names of the plan's stores and technicians by id, for the reports. */
  names?: Record<string, string> | undefined;
}

export interface PlanInput {
  setup: PlanningSetup;
  built: BuiltProblem;
  solution: Solution;
  marketplaceId: string;
}

const MINUTE = 60_000;

const zoneOf = (timeZone: string | undefined): { timeZone?: string } =>
  timeZone !== undefined ? { timeZone } : {};

/**
 * The travel before each visit but the first (not from or to home), clipped so that a break
 * taken between the two visits never overlaps it.
 */
function travelBlocks(
  stops: readonly PlannedStop[],
  breaks: readonly { start: number; end: number }[],
): { stop: PlannedStop; start: number; end: number }[] {
  const out: { stop: PlannedStop; start: number; end: number }[] = [];
  for (let i = 1; i < stops.length; i++) {
    const stop = stops[i]!;
    if (stop.travel <= 0) continue;
    let end = stop.arrival;
    let start = end - stop.travel;
    for (const b of breaks) {
      if (b.start < end && b.end > start) {
        if (b.start >= start) end = Math.min(end, b.start);
        else start = Math.max(start, b.end);
      }
    }
    if (end > start) out.push({ stop, start, end });
  }
  return out;
}

export function planFromSolution({ setup, built, solution, marketplaceId }: PlanInput): Plan {
  const ms = (s: number): number => built.origin + Math.round(s * 1000);
  const durations = built.problem.matrices.durations;
  const routes: PlannedRoute[] = [];
  const appointments: PlannedAppointment[] = [];
  const appointmentOf = new Map<string, PlannedAppointment>();
  const blocks: CapacityBlock[] = [];
  const technicianStore = new Map(setup.technicians.map((t) => [t.technicianId, t.storeIds[0] ?? '']));
  const storeZone = new Map(setup.stores.map((s) => [s.storeId, s.timeZone]));
  const technicianSkills = new Map(
    setup.technicians.map((t) => [t.technicianId, [...t.skills, ...Object.keys(t.skillLevels ?? {})]]),
  );
  const resourceOf = (technicianId: string, storeId: string): string =>
    setup.rules.resources === 'per-store' ? storeId : technicianId;
  const problemJobs = new Map(built.problem.jobs.map((j) => [j.id, j]));
  const problemRoutes = new Map(built.problem.technicians.map((t) => [t.id, t]));

  for (const r of solution.routes) {
    if (r.visits.length === 0) continue;
    const info: RouteInfo | undefined = built.routes.get(r.technician);
    if (info === undefined) continue;
    const tech = problemRoutes.get(r.technician);
    let from = tech?.start ?? 0;
    const stops: PlannedStop[] = [];
    // Holds keep the technician free for a booked appointment this plan does not serve: no
    // reservation is written for them, and no travel is reserved across them either.
    const isHold = (b: { id?: string | undefined }): boolean => b.id?.startsWith(HOLD_BREAK_PREFIX) === true;
    const breaks = r.breaks.filter((b) => !isHold(b)).map((b) => ({ start: ms(b.start), end: ms(b.end) }));
    const holds = r.breaks.filter(isHold).map((b) => ({
      serviceJobId: b.id!.slice(HOLD_BREAK_PREFIX.length),
      start: ms(b.start),
      end: ms(b.end),
    }));
    for (const v of r.visits) {
      const part = partOf(v.job);
      const job = built.jobs.get(part?.serviceJobId ?? v.job)!;
      const to = problemJobs.get(v.job)!.location;
      const travel = (durations[from]?.[to] ?? 0) * 1000;
      stops.push({
        serviceJobId: job.serviceJobId,
        ...(part !== undefined ? { part: part.part } : {}),
        storeId: job.storeId,
        arrival: ms(v.arrival),
        start: ms(v.start),
        end: ms(v.end),
        travel,
        waiting: v.waiting * 1000,
      });
      from = to;
    }
    routes.push({
      routeId: r.technician,
      technicianIds: info.technicianIds,
      day: info.day,
      shift: { start: info.shiftStart, end: info.shiftEnd },
      leave: ms(r.start),
      back: ms(r.end),
      stops,
      breaks,
      ...(holds.length > 0 ? { holds } : {}),
      ...zoneOf(storeZone.get(technicianStore.get(info.technicianIds[0] ?? '') ?? '')),
      travel: r.travelDuration * 1000,
      service: r.serviceDuration * 1000,
      waiting: r.waitingDuration * 1000,
      overtime: r.overtime * 1000,
    });

    for (const stop of stops) {
      // A later day of a multi-day visit: its time is reserved for the technicians.
      if (stop.part !== undefined) {
        blocks.push(...partBlocks(stop, info.technicianIds, resourceOf));
        continue;
      }
      const job = built.jobs.get(stop.serviceJobId)!;
      // A synchronised visit is one stop on each member's route but one appointment at Amazon,
      // assigned to every member (its start is common to all routes).
      // Amazon refuses a technician without the job's required skills: a split job's helper is
      // not assigned; their time on site is reserved as an APPOINTMENT block instead.
      const assigned = info.technicianIds.filter((id) => holdsAll(technicianSkills.get(id), job.skills));
      for (const id of info.technicianIds)
        if (!assigned.includes(id))
          blocks.push({
            resourceId: resourceOf(id, stop.storeId),
            type: 'APPOINTMENT',
            start: stop.start,
            end: stop.end,
          });
      const appointment = appointmentFor(appointmentOf.get(stop.serviceJobId), job, stop, assigned, setup);
      if (!appointmentOf.has(stop.serviceJobId)) appointments.push(appointment);
      appointmentOf.set(stop.serviceJobId, appointment);
    }

    // Capacity blocks: travel between consecutive visits (not from or to home), and breaks.
    const lead = info.technicianIds[0]!;
    for (const { stop, start, end } of travelBlocks(stops, [...breaks, ...holds])) {
      for (const id of info.technicianIds) {
        blocks.push({ resourceId: resourceOf(id, stop.storeId), type: 'TRAVEL', start, end });
      }
    }
    for (const b of breaks) {
      for (const id of info.technicianIds) {
        blocks.push({
          resourceId: resourceOf(id, technicianStore.get(lead) ?? ''),
          type: 'BREAK',
          start: b.start,
          end: b.end,
        });
      }
    }
  }

  return {
    days: setup.days,
    storeIds: setup.stores.map((s) => s.storeId),
    marketplaceId,
    horizon: setup.horizon,
    routes,
    appointments: appointments.sort((a, b) => a.serviceJobId.localeCompare(b.serviceJobId)),
    blocks: blocks.sort(compareBlocks),
    schedules: schedulesFor(setup, overtimeEnds(routes)),
    // A multi-day visit is served all or none: its first part speaks for it.
    unassigned: trueReasons(built, solution.unassigned)
      .filter((u) => partOf(u.job) === undefined)
      .map((u) => explainUnassigned(u.job, u.reason, setup, built, solution)),
  };
}

/** A later day of a multi-day visit, reserved on each technician's resource (type APPOINTMENT). */
function partBlocks(
  stop: PlannedStop,
  technicianIds: readonly string[],
  resourceOf: (technicianId: string, storeId: string) => string,
): CapacityBlock[] {
  return technicianIds.map((id) => ({
    resourceId: resourceOf(id, stop.storeId),
    type: 'APPOINTMENT' as const,
    start: stop.start,
    end: stop.end,
  }));
}

/** The visit's appointment, or the one another member's route already made for it, with these technicians added. */
function appointmentFor(
  shared: PlannedAppointment | undefined,
  job: PlannableJob,
  stop: PlannedStop,
  assigned: readonly string[],
  setup: PlanningSetup,
): PlannedAppointment {
  if (shared !== undefined) {
    shared.technicianIds = [...new Set([...shared.technicianIds, ...assigned])].sort();
    return shared;
  }
  return {
    serviceJobId: stop.serviceJobId,
    storeId: stop.storeId,
    time: appointmentTimeFor(job, stop, setup),
    technicianIds: [...assigned].sort(),
    current: job.activeAppointment
      ? {
          appointmentId: job.activeAppointment.appointmentId,
          time: { start: job.activeAppointment.start, minutes: job.activeAppointment.durationMinutes },
          technicianIds: [...job.activeAppointment.technicianIds].sort(),
        }
      : undefined,
  };
}

/** Whether a technician has every one of the skills (an unknown technician has none). */
const holdsAll = (held: readonly string[] | undefined, skills: readonly string[]): boolean =>
  skills.every((s) => held?.includes(s) === true);

export function compareBlocks(a: CapacityBlock, b: CapacityBlock): number {
  return (
    a.resourceId.localeCompare(b.resourceId) ||
    a.start - b.start ||
    a.type.localeCompare(b.type) ||
    a.end - b.end
  );
}

/** The appointment Amazon gets for a visit: the kept one, the chosen arrival window, or the visit itself. */
function appointmentTimeFor(job: PlannableJob, stop: PlannedStop, setup: PlanningSetup): AppointmentTimeOut {
  const current = job.activeAppointment;
  const arrival = setup.rules.appointmentTime === 'arrival-window';
  // A priced late arrival (objective.lateness) is late for its window, not a new appointment.
  const late = (setup.rules.objective.lateness?.maxMinutes ?? 0) * MINUTE;
  if (current !== undefined) {
    const currentEnd = arrival ? current.start + current.durationMinutes * MINUTE : current.start;
    if (stop.start >= current.start && stop.start <= currentEnd + late) {
      return { start: current.start, minutes: current.durationMinutes };
    }
  }
  if (arrival) {
    const windows = [...job.windows, ...job.rescheduleWindows];
    const w =
      windows.find((c) => c.appointment !== undefined && stop.start >= c.start && stop.start <= c.end) ??
      (late > 0 ? latestWindowBefore(job.windows, stop.start, late) : undefined);
    if (w?.appointment !== undefined) return { ...w.appointment };
  }
  return { start: stop.start, minutes: Math.round((stop.end - stop.start) / MINUTE) };
}

/** The window a late start belongs to: the one ending last, when the start is within `late` of its end. */
function latestWindowBefore(
  windows: readonly CandidateWindow[],
  start: number,
  late: number,
): CandidateWindow | undefined {
  let best: CandidateWindow | undefined;
  for (const w of windows) if (best === undefined || w.end > best.end) best = w;
  return best !== undefined && start > best.end && start <= best.end + late ? best : undefined;
}

/** Per `technician@day`, where a route with overtime ends. */
function overtimeEnds(routes: readonly PlannedRoute[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of routes) {
    if (r.overtime <= 0) continue;
    for (const id of r.technicianIds) out.set(`${id}@${r.day}`, r.shift.end + r.overtime);
  }
  return out;
}

/**
 * Availability per resource for the horizon: each technician's shifts (capacity 1), or per store
 * the number of its technicians on shift, as piecewise-constant records.
 */
export function schedulesFor(
  setup: PlanningSetup,
  worked: ReadonlyMap<string, number> = new Map(),
): ResourceSchedule[] {
  // A shift a route runs past (planned overtime) is scheduled to the route's end, or Amazon refuses the visit.
  const endOf = (technicianId: string, s: ShiftInstance): number =>
    Math.max(s.end, worked.get(`${technicianId}@${s.day}`) ?? s.end);
  if (setup.rules.resources === 'per-technician') {
    return setup.technicians
      .filter((t) => t.shifts.length > 0)
      .map((t) => ({
        resourceId: t.technicianId,
        records: t.shifts.map((s) => ({ start: s.start, end: endOf(t.technicianId, s), capacity: 1 })),
      }))
      .sort((a, b) => a.resourceId.localeCompare(b.resourceId));
  }
  const out: ResourceSchedule[] = [];
  for (const store of setup.stores) {
    const shifts = setup.technicians
      .filter((t) => t.storeIds[0] === store.storeId)
      .flatMap((t) => t.shifts.map((s) => ({ start: s.start, end: endOf(t.technicianId, s) })));
    const cuts = [...new Set(shifts.flatMap((s) => [s.start, s.end]))].sort((a, b) => a - b);
    const records: ScheduleRecordOut[] = [];
    for (let i = 0; i + 1 < cuts.length; i++) {
      const start = cuts[i]!;
      const end = cuts[i + 1]!;
      const capacity = shifts.filter((s) => s.start <= start && s.end >= end).length;
      if (capacity === 0) continue;
      const last = records[records.length - 1];
      if (last !== undefined && last.end === start && last.capacity === capacity) last.end = end;
      else records.push({ start, end, capacity });
    }
    if (records.length > 0) out.push({ resourceId: store.storeId, records });
  }
  return out;
}

/** The solver's reason for leaving a job out, said with the technicians and windows behind it. */
function explainUnassigned(
  jobId: string,
  reason: UnassignedReason,
  setup: PlanningSetup,
  built: BuiltProblem,
  solution: Solution,
): UnassignedJobOut {
  const job = built.jobs.get(jobId);
  if (job === undefined) return { serviceJobId: jobId, reason };
  const storeName = setup.stores.find((s) => s.storeId === job.storeId)?.name ?? job.storeId;
  const skills = job.skills.length > 0 ? job.skills.join(' + ') : 'no particular skill';
  const qualified = setup.technicians.filter(
    (t) => t.storeIds.includes(job.storeId) && job.skills.every((s) => t.skills.includes(s)),
  );
  const working = qualified.filter((t) => t.shifts.length > 0).length;
  const windows = job.windows.length + job.rescheduleWindows.length;
  const who = `${working} technician${working === 1 ? '' : 's'} of store ${storeName} with ${skills} on shift`;
  let detail: string;
  switch (reason) {
    case 'NO_SKILLED_TECHNICIAN':
      detail =
        qualified.length === 0
          ? `no technician of store ${storeName} has ${skills}`
          : `the technicians of store ${storeName} with ${skills} do not work these days`;
      break;
    case 'NO_WINDOW_FITS':
      detail = `${who}, but none can start it inside its ${windows} window${windows === 1 ? '' : 's'} within a shift (with the travel from home and back, and lunch)`;
      break;
    case 'DISPLACED':
      detail = `${who}; it fits an empty day of theirs, but their time in its ${windows} window${windows === 1 ? '' : 's'} went to other work (booked appointments first, then priority and travel)`;
      break;
    case 'OUTSIDE_TERRITORY':
      detail = `outside the territory of every technician of store ${storeName} with ${skills}`;
      break;
    case 'PIN_UNSATISFIABLE':
      detail =
        'its frozen appointment cannot be kept with its technicians (off shift, or clashing with other frozen work)';
      break;
    case 'NO_TEAM_LARGE_ENOUGH':
      detail = `it needs two people on site, and fewer than two technicians of store ${storeName} could ever serve it`;
      break;
    case 'NO_PARTNER_FREE':
      detail = `${who}; it needs two people starting together, and no second technician fitting it is free at a common start`;
      break;
    case 'LINKED_JOB_UNASSIGNED':
      detail =
        'a visit it is linked to (planning.linkedVisits) cannot be served, and linked visits are planned together or not at all';
      break;
    case 'LINK_UNSATISFIABLE':
      detail =
        'it fits alone, but not together with its linked visit inside the gap of planning.linkedVisits (or with the same technician)';
      break;
    default:
      detail = `no technician of store ${storeName} can take it (${reason})`;
  }
  if (job.activeAppointment === undefined) return { serviceJobId: jobId, reason, detail };
  const held = solution.routes.find((r) => r.breaks.some((b) => b.id === `${HOLD_BREAK_PREFIX}${jobId}`));
  const holderId = held !== undefined ? built.routes.get(held.technician)?.technicianIds[0] : undefined;
  const holder =
    holderId !== undefined
      ? (setup.technicians.find((t) => t.technicianId === holderId)?.name ?? holderId)
      : undefined;
  detail +=
    '. Its booked appointment stays on Amazon unserved: agree a new time with the buyer' +
    (holder !== undefined
      ? `; ${holder} is kept free then, so Amazon's capacity counts it`
      : '; no technician could be kept free for it, so Amazon may refuse other appointments then');
  return { serviceJobId: jobId, reason, detail, booked: true };
}
