/**
 * Build the solver's Problem: one route per technician and shift, jobs with their windows in
 * solver seconds from the horizon start, pins for frozen work and for work to keep as it is.
 * Travel is rounded up to the planning grid so every planned time stays on it.
 *
 * A configured crew works as one team on each day both its members are on shift: one route
 * with both as members (the hours they share, from the first member's home base, with the
 * first member's breaks, the skills both have, the shorter working day, and only jobs both may
 * serve), in place of the members' own routes that day. Jobs that need two technicians can
 * only go to such routes; the crew serves one-person jobs too.
 *
 * A job no route can serve whole from its windows (longer than a day's work, or than what is
 * left of the day after its window opens) is split into parts on consecutive working days
 * (src/pipeline/solve/multi-day.ts).
 */
import type { Job, Problem, Technician } from '../../../solver/problem.ts';
import { affinityFor } from '../../config/affinity.ts';
import { mayServeAt } from '../../geo/territory.ts';
import { durationFactorFor } from './service-durations.ts';
import { allowPartsLikeTheirJob, splitLongJobs } from './multi-day.ts';
import { linksFor, splitSkillsOf } from './linked-visits.ts';
import { jobAffinity } from '../job-preferences.ts';
import type { Located, TravelMatrix } from './geography.ts';
import type { PlannableJob } from '../read/normalise.ts';
import type { PlanningSetup, ShiftInstance, TechnicianSetup } from '../setup/planning-setup.ts';

/** Break ids the solver gets for capacity holds (src/pipeline/solve/booked-holds.ts); the plan leaves such breaks out of its reservations. */
export const HOLD_BREAK_PREFIX = 'hold:';

export interface CapacityHold {
  /** The booked job whose appointment the technician's free time leaves room for. */
  serviceJobId: string;
  routeId: string;
  technicianId: string;
  start: number;
  end: number;
}

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
  const technicians: Technician[] = [];
  const context: RouteContext = {
    setup,
    located,
    options,
    sec: (ms: number): number => Math.max(0, Math.round((ms - origin) / 1000)),
    // Asked by the jobs, once every route below is in `technicians`.
    pacedRoutes: pacedRoutesBySkills(setup, technicians),
    routes: new Map(),
    technicians,
  };
  const inCrew = addCrewRoutes(context);
  addSoloRoutes(context, inCrew);
  const { jobs, jobMap } = solverJobs(context, g);
  const links = linksFor(
    setup.rules.linkedVisits ?? [],
    located.jobs,
    new Map(jobs.map((j) => [j.id, j])),
    context.technicians.length,
  );
  const durations = roundedDurations(matrix.durations, g);
  // A job no qualified route can serve whole from its windows is planned in parts on
  // consecutive working days (when the config asks for it).
  const split = setup.rules.multiDayVisits
    ? splitLongJobs(jobs, withoutHolds(context.technicians), {
        durations,
        g,
        frozen: new Set(located.jobs.filter((j) => j.pin !== undefined).map((j) => j.serviceJobId)),
        keptPart: (id) => {
          const keep = options.keep?.get(id);
          if (keep === undefined || !context.routes.has(keep.routeId)) return undefined;
          return {
            technician: keep.routeId,
            ...(keep.start !== undefined ? { start: context.sec(keep.start) } : {}),
          };
        },
      })
    : { jobs, links: [] };
  allowPartsLikeTheirJob(context.technicians, split.jobs);
  // Minimum work holds on every route (crews too).
  const minWorkHours = setup.rules.objective.minWorkHours ?? 0;
  if (minWorkHours > 0) for (const t of context.technicians) t.minWorkTime = minWorkHours * 3600;
  return {
    problem: {
      matrices: { durations, distances: matrix.distances },
      jobs: split.jobs,
      technicians: context.technicians,
      ...(links.length + split.links.length > 0 ? { links: [...links, ...split.links] } : {}),
      objective: objectiveOf(setup),
    },
    origin,
    routes: context.routes,
    jobs: jobMap,
  };
}

/**
 * The routes as the split sees them: without the holds for booked work left out, so that each
 * pass splits a job alike and a part kept from an earlier pass is the same part.
 */
function withoutHolds(routes: readonly Technician[]): Technician[] {
  return routes.map((r) =>
    r.breaks === undefined
      ? r
      : { ...r, breaks: r.breaks.filter((b) => !(b.id ?? '').startsWith(HOLD_BREAK_PREFIX)) },
  );
}

/** What every route is built from, and the routes built so far (crews' first, then the technicians' own). */
interface RouteContext {
  setup: PlanningSetup;
  located: Located;
  options: BuildOptions;
  /** Epoch ms → solver seconds from the horizon start. */
  sec: (ms: number) => number;
  /** The routes whose people work a job of these skills at another pace than 1, with their factor. */
  pacedRoutes: (skills: readonly string[]) => readonly PacedRoute[];
  routes: Map<string, RouteInfo>;
  technicians: Technician[];
}

/** The route fields every route shares: travel and work costs, and overtime when it is priced or allowed. */
function routeTerms(setup: PlanningSetup): Pick<Technician, 'costs' | 'overtime'> {
  const o = setup.rules.objective;
  // Overtime is offered only when it is priced or allowed: the shift end stays hard otherwise.
  const overtime = (setup.rules.overtimeMinutes ?? 0) * 60;
  return {
    ...(overtime > 0 ? { overtime } : {}),
    costs: { perHourTravel: o.perHourTravel, perHourWork: o.perHourWork, perHourOvertime: o.perHourOvertime },
  };
}

function addRoute(context: RouteContext, info: RouteInfo, technician: Technician): void {
  context.routes.set(info.routeId, info);
  context.technicians.push(technician);
}

/** One route per crew and day both members are on shift; returns the `technician@day` of the members' days they give to it. */
function addCrewRoutes(context: RouteContext): ReadonlySet<string> {
  const { setup, located } = context;
  const byTechnician = new Map(setup.technicians.map((t) => [t.technicianId, t]));
  /** `technician@day` of members whose day belongs to their crew. */
  const inCrew = new Set<string>();
  for (const crew of setup.crews) {
    const members = crew.members.map((id) => byTechnician.get(id));
    const [lead, mate] = members;
    if (members.length !== 2 || lead === undefined || mate === undefined) continue;
    const home = located.technicianLocation.get(lead.technicianId);
    if (home === undefined || !located.technicianLocation.has(mate.technicianId)) continue;
    for (const shift of lead.shifts) {
      const other = mate.shifts.find((s) => s.day === shift.day);
      if (other === undefined) continue;
      const start = Math.max(shift.start, other.start);
      const end = Math.min(shift.end, other.end);
      if (end <= start) continue;
      for (const m of crew.members) inCrew.add(routeIdOf(m, shift.day));
      addCrewRoute(context, { crewId: crew.crewId, lead, mate, home }, { shift, start, end });
    }
  }
  return inCrew;
}

interface CrewDay {
  crewId: string;
  lead: TechnicianSetup;
  mate: TechnicianSetup;
  /** The lead's home base, where the crew's route starts and ends. */
  home: number;
}

/** A crew's route on one day: the hours both share, the lead's breaks, the skills both have, only jobs both may serve. */
function addCrewRoute(
  context: RouteContext,
  { crewId, lead, mate, home }: CrewDay,
  { shift, start, end }: { shift: ShiftInstance; start: number; end: number },
): void {
  const { located, options, sec } = context;
  const routeId = routeIdOf(crewId, shift.day);
  const allowedLead = allowedJobs(lead, located, options.exclude);
  const allowedMate = allowedJobs(mate, located, options.exclude);
  const allowed =
    allowedLead === undefined
      ? allowedMate
      : allowedMate === undefined
        ? allowedLead
        : allowedLead.filter((id) => allowedMate.includes(id));
  const maxWork = [lead.maxWorkTime, mate.maxWorkTime].filter((x): x is number => x !== undefined);
  const { costs, ...overtimeOf } = routeTerms(context.setup);
  addRoute(
    context,
    {
      routeId,
      technicianIds: [lead.technicianId, mate.technicianId],
      day: shift.day,
      shiftStart: start,
      shiftEnd: end,
    },
    {
      id: routeId,
      members: [lead.technicianId, mate.technicianId],
      start: home,
      end: home,
      shift: { start: sec(start), end: sec(end) },
      ...overtimeOf,
      breaks: [
        ...clipBreaks(breaksOf(shift, sec), sec(start), sec(end)),
        ...holdBreaks(options.holds?.get(routeId), sec),
      ],
      // Amazon checks each assigned technician for the job's skills, so the crew has the skills both have.
      skills: lead.skills.filter((k) => mate.skills.includes(k)),
      ...crewLevels(lead, mate),
      ...(maxWork.length > 0 ? { maxWorkTime: Math.min(...maxWork) / 1000 } : {}),
      ...(allowed !== undefined ? { allowedJobs: allowed } : {}),
      costs,
    },
  );
}

/** Each technician's own route per shift, except the days their crew works as one. */
function addSoloRoutes(context: RouteContext, inCrew: ReadonlySet<string>): void {
  const { setup, located, options, sec } = context;
  const { costs, ...overtimeOf } = routeTerms(setup);
  for (const t of setup.technicians) {
    const home = located.technicianLocation.get(t.technicianId);
    if (home === undefined) continue;
    const allowed = allowedJobs(t, located, options.exclude);
    for (const shift of t.shifts) {
      const routeId = routeIdOf(t.technicianId, shift.day);
      if (inCrew.has(routeId)) continue;
      addRoute(
        context,
        {
          routeId,
          technicianIds: [t.technicianId],
          day: shift.day,
          shiftStart: shift.start,
          shiftEnd: shift.end,
        },
        {
          id: routeId,
          members: [t.technicianId],
          start: home,
          end: home,
          shift: { start: sec(shift.start), end: sec(shift.end) },
          ...overtimeOf,
          breaks: [...breaksOf(shift, sec), ...holdBreaks(options.holds?.get(routeId), sec)],
          skills: [...t.skills],
          ...(t.skillLevels !== undefined ? { skillLevels: { ...t.skillLevels } } : {}),
          ...(t.maxWorkTime !== undefined ? { maxWorkTime: t.maxWorkTime / 1000 } : {}),
          ...(allowed !== undefined ? { allowedJobs: allowed } : {}),
          costs,
        },
      );
    }
  }
}

/** Every located job the options do not exclude, as a solver job with its rules, durations and pin. */
function solverJobs(context: RouteContext, g: number): { jobs: Job[]; jobMap: Map<string, PlannableJob> } {
  const { setup, located, options, sec } = context;
  // Booked visits kept where they are (frozen, or held as planned) outweigh all other work
  // together: the solver never drops or moves one to make room for another job.
  let kept = 1;
  for (const j of located.jobs) if (!options.exclude?.has(j.serviceJobId)) kept += j.priority;
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
      ...skillsOf(setup, j),
      priority: j.priority,
      // A buyer holds this appointment: drop it only when no feasible plan can keep it.
      ...(j.activeAppointment !== undefined ? { mandatory: true } : {}),
    };
    // Work already frozen stays with its technicians whatever the rules say now.
    if (j.pin === undefined)
      applyAffinity(
        job,
        jobAffinity(affinityFor(setup.rules.affinity ?? [], j), j, setup.rules.previousTechnician),
        preferenceUnit(setup),
      );
    const byRoute = durationsByRoute(context, j, g);
    if (byRoute !== undefined) job.durationByTechnician = byRoute;
    pinJob(context, job, j, kept);
    jobs.push(job);
  }
  return { jobs, jobMap };
}

/** The skills a job needs: every member alike, or split between a lead and a helper (see linked-visits.ts). */
function skillsOf(
  setup: PlanningSetup,
  j: PlannableJob,
): Pick<Job, 'skills' | 'technicians' | 'memberSkills'> {
  if (j.technicians !== 2) return { skills: [...j.skills] };
  const memberSkills = splitSkillsOf(setup.rules, j.skills);
  return memberSkills === undefined
    ? { skills: [...j.skills], technicians: 2 }
    : { skills: [], technicians: 2, memberSkills };
}

/** Per route, the job's duration where the route's people work at another pace (rounded up to the grid). */
function durationsByRoute(
  context: RouteContext,
  j: PlannableJob,
  g: number,
): Record<string, number> | undefined {
  const paced = context.pacedRoutes(j.skills);
  if (paced.length === 0) return undefined;
  const byRoute: Record<string, number> = {};
  for (const { routeId, factor } of paced)
    byRoute[routeId] = Math.ceil((j.durationMinutes * 60 * factor) / g) * g;
  return byRoute;
}

/**
 * Where the job must stay: frozen work on its technicians' route at its start; a kept placement
 * where it was; a booked job with its technicians when they still can do it. `kept` is the
 * priority that outweighs all other work together.
 */
function pinJob(context: RouteContext, job: Job, j: PlannableJob, kept: number): void {
  const { options, sec, routes } = context;
  const keep = options.keep?.get(j.serviceJobId);
  if (j.pin !== undefined) {
    const routeId = routeOn(routes, j.pin.technicianIds[0]!, j.pin.start);
    job.mandatory = true;
    job.pin = { start: sec(j.pin.start), ...(routeId !== undefined ? { technician: routeId } : {}) };
    job.priority = j.priority + kept;
  } else if (keep !== undefined && routes.has(keep.routeId) && permittedOn(routes, job, keep.routeId)) {
    job.pin = { technician: keep.routeId, ...(keep.start !== undefined ? { start: sec(keep.start) } : {}) };
    if (j.activeAppointment !== undefined) job.priority = j.priority + kept;
  } else if (j.keepTechnicianIds.length > 0 && !options.release?.has(j.serviceJobId) && j.activeAppointment) {
    const routeId = routeOn(routes, j.keepTechnicianIds[0]!, j.activeAppointment.start);
    const route = routeId !== undefined ? context.technicians.find((r) => r.id === routeId) : undefined;
    const skilled = route !== undefined && j.skills.every((s) => route.skills?.includes(s));
    if (routeId !== undefined && skilled && permittedOn(routes, job, routeId)) {
      job.pin = { technician: routeId };
      job.priority = j.priority + kept;
    }
  }
}

/** Whether the job's required and excluded technicians allow the route (a kept placement may not). */
function permittedOn(routes: ReadonlyMap<string, RouteInfo>, job: Job, routeId: string): boolean {
  const people = routes.get(routeId)?.technicianIds ?? [];
  const required = job.requiredTechnicians;
  if (required !== undefined && !people.some((p) => required.includes(p))) return false;
  return !people.some((p) => job.excludedTechnicians?.includes(p));
}

/** The route the technician works at that instant, if any. */
function routeOn(
  routes: ReadonlyMap<string, RouteInfo>,
  technicianId: string,
  instant: number,
): string | undefined {
  for (const r of routes.values()) {
    if (r.technicianIds.includes(technicianId) && instant >= r.shiftStart && instant < r.shiftEnd)
      return r.routeId;
  }
  return undefined;
}

/** The configured objective in the solver's terms: travel measure, soft windows, unassigned penalty. */
function objectiveOf(setup: PlanningSetup): NonNullable<Problem['objective']> {
  const o = setup.rules.objective;
  const late = o.lateness;
  return {
    travel: o.travel ?? 'duration',
    ...(late !== undefined && late.maxMinutes > 0
      ? { softWindows: { maxLateness: late.maxMinutes * 60, costPerSecond: late.costPerMinute / 60 } }
      : {}),
    ...(o.unassignedPenalty !== undefined ? { unassignedPenalty: o.unassignedPenalty } : {}),
    ...(o.balance !== undefined && o.balance.weight > 0 ? { balance: { ...o.balance } } : {}),
  };
}

/** Objective units of one minute of driving, the unit of the config's preference weights. */
function preferenceUnit(setup: PlanningSetup): number {
  const o = setup.rules.objective;
  // By distance the objective counts metres: a minute of driving is taken as 1 km.
  return (o.travel ?? 'duration') === 'duration' ? 60 * (1 + (o.perHourTravel ?? 0) / 3600) : 1000;
}

/** The matching affinity rules on the solver job: required, excluded, preferred people and levels. */
function applyAffinity(job: Job, a: ReturnType<typeof affinityFor>, unit: number): void {
  if (a.required !== undefined) job.requiredTechnicians = [...a.required];
  if (a.excluded.length > 0) job.excludedTechnicians = [...a.excluded];
  if (a.preferred.length > 0)
    job.preferredTechnicians = a.preferred.map((p) => ({
      technician: p.technician,
      weight: p.weightMinutes * unit,
    }));
  if (Object.keys(a.minSkillLevels).length > 0) job.skillLevels = { ...a.minSkillLevels };
}

/** A crew's level per skill both have: the lower of the two (each member does the work). */
function crewLevels(lead: TechnicianSetup, mate: TechnicianSetup): { skillLevels?: Record<string, number> } {
  if (lead.skillLevels === undefined && mate.skillLevels === undefined) return {};
  const levels: Record<string, number> = {};
  const levelOf = (t: TechnicianSetup, s: string): number =>
    t.skillLevels?.[s] ?? (t.skills.includes(s) ? 1 : 0);
  const skills = new Set([...lead.skills, ...Object.keys(lead.skillLevels ?? {})]);
  for (const s of skills) {
    const level = Math.min(levelOf(lead, s), levelOf(mate, s));
    if (level > 0) levels[s] = level;
  }
  return { skillLevels: levels };
}

type Breaks = NonNullable<Technician['breaks']>;

function breaksOf(shift: ShiftInstance, sec: (ms: number) => number): Breaks {
  return shift.breaks.map((b, i) => ({
    id: `break-${i}`,
    duration: b.duration / 1000,
    window: { start: sec(b.window.start), end: sec(b.window.end) },
  }));
}

/** Breaks whose start window is cut to a shorter shift; a break that no longer fits is dropped. */
function clipBreaks(breaks: Breaks, start: number, end: number): Breaks {
  return breaks.flatMap((b) => {
    const window = { start: Math.max(b.window.start, start), end: Math.min(b.window.end, end - b.duration) };
    return window.start <= window.end ? [{ ...b, window }] : [];
  });
}

function holdBreaks(holds: readonly CapacityHold[] | undefined, sec: (ms: number) => number): Breaks {
  return (holds ?? []).map((h) => ({
    id: `${HOLD_BREAK_PREFIX}${h.serviceJobId}`,
    duration: (h.end - h.start) / 1000,
    window: { start: sec(h.start), end: sec(h.start) },
  }));
}

/**
 * Travel times rounded up to the time grid, once per matrix and grid: every pass of a run
 * builds its problem from the same matrix.
 */
const rounded = new WeakMap<readonly (readonly number[])[], Map<number, number[][]>>();

function roundedDurations(durations: readonly (readonly number[])[], g: number): number[][] {
  let byGrid = rounded.get(durations);
  if (byGrid === undefined) {
    byGrid = new Map();
    rounded.set(durations, byGrid);
  }
  let out = byGrid.get(g);
  if (out === undefined) {
    out = durations.map((row) => row.map((d) => Math.ceil(d / g) * g));
    byGrid.set(g, out);
  }
  return out;
}

interface PacedRoute {
  routeId: string;
  factor: number;
}

/**
 * `durationFactorFor` of every route, asked once per skill set: a day has few skill sets and
 * many jobs, and only the routes whose factor is not 1 are listed.
 */
function pacedRoutesBySkills(
  setup: PlanningSetup,
  routes: readonly Technician[],
): (skills: readonly string[]) => readonly PacedRoute[] {
  const known = new Map<string, PacedRoute[]>();
  return (skills) => {
    const key = skills.join('\u0000');
    let paced = known.get(key);
    if (paced === undefined) {
      paced = [];
      for (const r of routes) {
        const factor = durationFactorFor(setup, r.members ?? [r.id], skills);
        if (factor !== 1) paced.push({ routeId: r.id, factor });
      }
      known.set(key, paced);
    }
    return paced;
  };
}

/** The stores of the located jobs, gathered once per located set (every route asks). */
const jobStores = new WeakMap<Located, string[]>();

function storesOf(located: Located): string[] {
  let stores = jobStores.get(located);
  if (stores === undefined) {
    stores = [...new Set(located.jobs.map((j) => j.storeId))];
    jobStores.set(located, stores);
  }
  return stores;
}

/** Jobs a technician may serve: their stores' jobs, inside their territory; undefined = no restriction. */
function allowedJobs(
  t: TechnicianSetup,
  located: Located,
  exclude: ReadonlySet<string> | undefined,
): string[] | undefined {
  const bound = t.territory !== undefined;
  // No territory and every store of the day's jobs: nothing to check job by job.
  if (!bound && storesOf(located).every((s) => t.storeIds.includes(s))) return undefined;
  let restricted = false;
  const out: string[] = [];
  const territory = [t.territory];
  for (const j of located.jobs) {
    if (exclude?.has(j.serviceJobId)) continue;
    const ok =
      t.storeIds.includes(j.storeId) &&
      (!bound || mayServeAt(territory, located.points[located.jobLocation.get(j.serviceJobId)!]));
    if (ok) out.push(j.serviceJobId);
    else restricted = true;
  }
  return restricted ? out : undefined;
}
