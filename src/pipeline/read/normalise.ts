/**
 * Normalise: raw Services jobs → jobs the planner can place, each with candidate windows,
 * duration, skills, priority and pins; everything else becomes an issue with its reason.
 * Pure: the clock (`now`) and the setup are passed in.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { resolveServiceDuration } from '../../config/index.ts';
import { invalidPayloadIssue, type PlanningIssue } from '../issues.ts';
import { parseServiceJob, type Appointment, type ServiceJob, type ServiceJobParse } from './service-job.ts';
import type { Interval, PlanningSetup, StoreSetup } from '../setup/planning-setup.ts';
import type { JobPreferenceSet } from '../../store/job-preferences.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

interface ActiveAppointment {
  appointmentId: string;
  start: number;
  durationMinutes: number;
  technicianIds: string[];
}

/** A window service may start in, with the appointment Amazon would get for it. */
export interface CandidateWindow extends Interval {
  /** The appointment written when service starts in this window; for `service-interval`, its start is the planned start. */
  appointment: { start: number; minutes: number } | undefined;
}

export interface PlannableJob {
  serviceJobId: string;
  storeId: string;
  status: 'PENDING_SCHEDULE' | 'NOT_SERVICED';
  postalCode: string;
  countryCode: string | undefined;
  /** Windows in which service may start (UTC ms). */
  windows: CandidateWindow[];
  /** Where the job could go if its appointment cannot be kept (empty when it has none or may not move). */
  rescheduleWindows: CandidateWindow[];
  durationMinutes: number;
  skills: string[];
  /** The job's item (scopeOfWork.asin), for the affinity rules. */
  asin?: string | undefined;
  /** Amazon's product order ids of the job (its own and its items'): links it to earlier jobs. */
  orderIds?: string[] | undefined;
  /** Technician preferences set for this job through the API (src/preferences/). */
  preferences?: JobPreferenceSet | undefined;
  /**
   * A one-way digest of the service address (line 1, postal code, country), only when a
   * linked-visit rule joins jobs by address: it compares addresses without carrying them.
   */
  addressKey?: string | undefined;
  /** Who served the earlier job of the same product order, when the config prefers them. */
  previousTechnicianIds?: string[] | undefined;
  technicians: 1 | 2;
  priority: number;
  activeAppointment: ActiveAppointment | undefined;
  /** Frozen or under way: must stay with these technicians at this start. */
  pin: { technicianIds: string[]; start: number } | undefined;
  /** Technicians to keep when they still can do it (stability, not a hard rule of Amazon's). */
  keepTechnicianIds: string[];
}

export interface NormaliseResult {
  jobs: PlannableJob[];
  issues: PlanningIssue[];
  /** Jobs outside the horizon or already closed: not demand for this run. */
  outOfScope: number;
}

/**
 * `refused`: appointment times Amazon refused for a job before (`${jobId}|${startMs}`); they
 * are no longer offered to the solver, so a rerun does not ask for them again.
 */
export function normaliseJobs(
  raws: readonly unknown[],
  setup: PlanningSetup,
  now: number,
  refused: ReadonlySet<string> = new Set(),
): NormaliseResult {
  return normaliseParsed(raws.map(parseServiceJob), setup, now, refused);
}

/** The same, for jobs already parsed at the boundary they came in by (a planning run parses each once). */
export function normaliseParsed(
  parses: readonly ServiceJobParse[],
  setup: PlanningSetup,
  now: number,
  refused: ReadonlySet<string> = new Set(),
): NormaliseResult {
  const context = contextOf(setup, now, refused);
  const result: NormaliseResult = { jobs: [], issues: [], outOfScope: 0 };
  for (const parsed of parses) {
    if (!parsed.ok) {
      result.issues.push(invalidPayloadIssue(parsed));
      continue;
    }
    warnUnknownFields(parsed.job.serviceJobId, parsed.unknownFields, result.issues);
    const outcome = normaliseOne(parsed.job, context, result.issues);
    if (!(outcome instanceof Skip)) result.jobs.push(outcome);
    else if (outcome.issue !== undefined) result.issues.push(outcome.issue);
    else result.outOfScope += 1;
  }
  return result;
}

interface NormaliseContext {
  setup: PlanningSetup;
  now: number;
  refused: ReadonlySet<string>;
  stores: ReadonlyMap<string, StoreSetup>;
  /** Skills in the crews config's catalog or held by a technician. */
  knownSkills: ReadonlySet<string>;
  /** Skills whose jobs need two people on site (both members alike, or split into lead and helper). */
  twoPersonSkills: ReadonlySet<string>;
  /** Whether a linked-visit rule joins jobs by address (so each job gets its address key). */
  byAddress: boolean;
}

/** Why a job is not placed: an issue with its reason, or none when it is out of scope (closed, or booked for another day). */
class Skip {
  constructor(readonly issue: PlanningIssue | undefined) {}
}
const OUT_OF_SCOPE = new Skip(undefined);

function rejected(serviceJobId: string, code: PlanningIssue['code'], detail: string): Skip {
  return new Skip({ serviceJobId, code, level: 'error', detail });
}

function contextOf(setup: PlanningSetup, now: number, refused: ReadonlySet<string>): NormaliseContext {
  return {
    setup,
    now,
    refused,
    stores: new Map(setup.stores.map((s) => [s.storeId, s])),
    knownSkills: new Set<string>([
      ...setup.rules.skillCatalog,
      ...setup.technicians.flatMap((t) => t.skills),
    ]),
    twoPersonSkills: new Set([
      ...setup.rules.twoTechnicianSkills,
      ...(setup.rules.twoPersonSplit ?? []).map((r) => r.skill),
    ]),
    byAddress: (setup.rules.linkedVisits ?? []).some((r) => r.by === 'address'),
  };
}

function warnUnknownFields(id: string, unknownFields: readonly string[], issues: PlanningIssue[]): void {
  if (unknownFields.length === 0) return;
  issues.push({
    serviceJobId: id,
    code: 'UNKNOWN_FIELDS',
    level: 'warning',
    detail: `ignored fields not in the Services model: ${unknownFields.join(', ')}`,
  });
}

/** One parsed job checked step by step: its store, its booking, its skills, its place, its windows. */
function normaliseOne(
  job: ServiceJob,
  context: NormaliseContext,
  warnings: PlanningIssue[],
): PlannableJob | Skip {
  const { setup, now } = context;
  const store = plannableStore(job, context);
  if (store instanceof Skip) return store;
  const appointment = bookedAppointment(job, setup, warnings);
  if (appointment instanceof Skip) return appointment;
  const skills = job.scopeOfWork?.requiredSkills ?? [];
  const unknownSkill = unknownSkills(job.serviceJobId, skills, context.knownSkills);
  if (unknownSkill !== undefined) return unknownSkill;
  const postalCode = postalCodeOf(job);
  if (postalCode instanceof Skip) return postalCode;
  const durationMinutes = serviceMinutes(job, setup, appointment);
  const timing = timingOf(job, store, appointment, durationMinutes, context);
  if (timing instanceof Skip) return timing;
  return {
    serviceJobId: job.serviceJobId,
    storeId: store.storeId,
    status: appointment !== undefined ? 'NOT_SERVICED' : 'PENDING_SCHEDULE',
    postalCode: postalCode.value,
    countryCode: job.serviceLocation?.address?.countryCode,
    windows: timing.windows,
    rescheduleWindows: timing.rescheduleWindows,
    durationMinutes,
    skills,
    asin: job.scopeOfWork?.asin,
    orderIds: orderIdsOf(job),
    ...(context.byAddress ? { addressKey: addressKeyOf(job) } : {}),
    technicians: skills.some((s) => context.twoPersonSkills.has(s)) ? 2 : 1,
    priority: priorityOf(job, setup, now),
    activeAppointment: appointment,
    pin: timing.pin,
    keepTechnicianIds: timing.keepTechnicianIds,
  };
}

/** The job's store, when its status can be planned and the store is in the crews config. */
function plannableStore(job: ServiceJob, context: NormaliseContext): StoreSetup | Skip {
  const id = job.serviceJobId;
  const status = job.serviceJobStatus;
  if (status === 'COMPLETED' || status === 'CANCELLED') return OUT_OF_SCOPE;
  if (status !== 'PENDING_SCHEDULE' && status !== 'NOT_SERVICED')
    return rejected(
      id,
      'STATUS_NOT_PLANNABLE',
      `status ${status} cannot be planned (expected PENDING_SCHEDULE or NOT_SERVICED)`,
    );
  if (job.storeId === undefined) return rejected(id, 'INVALID_PAYLOAD', 'storeId: missing (expected string)');
  const store = context.stores.get(job.storeId);
  if (store === undefined)
    return rejected(id, 'UNKNOWN_STORE', `store ${job.storeId} is not in the crews config`);
  return store;
}

/** The job's active appointment (the last when there are several), or out of scope when it is on another day. */
function bookedAppointment(
  job: ServiceJob,
  setup: PlanningSetup,
  warnings: PlanningIssue[],
): ActiveAppointment | undefined | Skip {
  const active = activeAppointments(job.appointments ?? []);
  if (active.length > 1) {
    warnings.push({
      serviceJobId: job.serviceJobId,
      code: 'SEVERAL_ACTIVE_APPOINTMENTS',
      level: 'warning',
      detail: `${active.length} active appointments; planning keeps ${active[active.length - 1]!.appointmentId}`,
    });
  }
  const appointment = active[active.length - 1];
  // Booked for another day: not this run's work.
  if (appointment !== undefined && !overlaps(appointment.start, setup.horizon)) return OUT_OF_SCOPE;
  return appointment;
}

function unknownSkills(
  id: string,
  skills: readonly string[],
  knownSkills: ReadonlySet<string>,
): Skip | undefined {
  const unknown = skills.filter((s) => !knownSkills.has(s));
  if (unknown.length === 0) return undefined;
  return rejected(
    id,
    'UNKNOWN_SKILL',
    `required skill ${unknown.join(', ')} is not in the crews config (known: ${[...knownSkills].sort().join(', ')})`,
  );
}

/** The visit's postal code, which locates it. */
function postalCodeOf(job: ServiceJob): { value: string } | Skip {
  const postalCode = job.serviceLocation?.address?.postalCode?.trim();
  if (postalCode !== undefined && postalCode !== '') return { value: postalCode };
  return rejected(
    job.serviceJobId,
    'NO_COORDINATES',
    'serviceLocation.address.postalCode: missing (expected a postal code to locate the visit)',
  );
}

type Timing = Pick<PlannableJob, 'windows' | 'rescheduleWindows' | 'pin' | 'keepTechnicianIds'>;

/** When the job may start: its appointment's time when it has one, else the windows left in the horizon. */
function timingOf(
  job: ServiceJob,
  store: StoreSetup,
  appointment: ActiveAppointment | undefined,
  durationMinutes: number,
  context: NormaliseContext,
): Timing | Skip {
  const { setup, now, refused } = context;
  const earliest = now + setup.rules.minLeadMinutes * MINUTE;
  const candidates = candidateWindows(job, store, setup, durationMinutes * MINUTE, earliest).filter(
    (w) => !refused.has(`${job.serviceJobId}|${w.appointment?.start ?? w.start}`),
  );
  if (appointment !== undefined) return bookedTiming(appointment, candidates, setup, now);
  if (candidates.length > 0)
    return { windows: candidates, rescheduleWindows: [], pin: undefined, keepTechnicianIds: [] };
  if ((job.preferredAppointmentTimes ?? []).length > 0 && !preferredInHorizon(job, setup.horizon))
    return OUT_OF_SCOPE;
  return rejected(
    job.serviceJobId,
    'NO_WINDOW_IN_HORIZON',
    'no preferred appointment time or slot is left in the horizon after the minimum lead time',
  );
}

/**
 * A booked job keeps its appointment's time; frozen work is pinned to its technicians, other
 * work keeps them when the rules say so, and may move to another window when rescheduling is allowed.
 */
function bookedTiming(
  appointment: ActiveAppointment,
  candidates: CandidateWindow[],
  setup: PlanningSetup,
  now: number,
): Timing {
  const keepEnd =
    setup.rules.appointmentTime === 'arrival-window'
      ? appointment.start + appointment.durationMinutes * MINUTE
      : appointment.start;
  const windows = [{ start: appointment.start, end: keepEnd, appointment: undefined }];
  const frozen = appointment.start < now + setup.rules.freezeMinutes * MINUTE;
  let pin: PlannableJob['pin'];
  const keepTechnicianIds: string[] = [];
  if (frozen && appointment.technicianIds.length > 0) {
    pin = { technicianIds: appointment.technicianIds, start: appointment.start };
  } else if (setup.rules.keepAssignments) {
    keepTechnicianIds.push(...appointment.technicianIds);
  }
  const rescheduleWindows =
    !frozen && setup.rules.allowReschedule
      ? candidates.filter((w) => !(w.start <= appointment.start && appointment.start <= w.end))
      : [];
  return { windows, rescheduleWindows, pin, keepTechnicianIds };
}

/** The address digest linked visits are joined by: case and spacing do not count; undefined without line 1. */
/**
 * Keyed with a secret drawn once per process, so an address key compares addresses within a run
 * but cannot be matched against a list of known addresses (a plain hash of a street address can).
 */
const ADDRESS_KEY_SECRET = randomBytes(32);

function addressKeyOf(job: ServiceJob): string | undefined {
  const a = job.serviceLocation?.address;
  const norm = (x: string | undefined): string => (x ?? '').trim().toUpperCase().replace(/\s+/g, ' ');
  if (a?.addressLine1 === undefined || norm(a.addressLine1) === '') return undefined;
  return createHmac('sha256', ADDRESS_KEY_SECRET)
    .update([norm(a.addressLine1), norm(a.postalCode), norm(a.countryCode)].join('\n'))
    .digest('base64url')
    .slice(0, 22);
}

/** The job's product order ids: its own list and its items' order ids, once each. */
function orderIdsOf(job: Pick<ServiceJob, 'productOrderIds' | 'associatedItems'>): string[] {
  const ids = new Set<string>(job.productOrderIds ?? []);
  for (const item of job.associatedItems ?? []) if (item.orderId !== undefined) ids.add(item.orderId);
  return [...ids];
}

function activeAppointments(appointments: Appointment[]): ActiveAppointment[] {
  const out: ActiveAppointment[] = [];
  for (const a of appointments) {
    if (a.appointmentStatus !== 'ACTIVE' || a.appointmentId === undefined || a.appointmentTime === undefined)
      continue;
    out.push({
      appointmentId: a.appointmentId,
      start: Date.parse(a.appointmentTime.startTime),
      durationMinutes: a.appointmentTime.durationInMinutes,
      technicianIds: (a.assignedTechnicians ?? []).flatMap((t) => (t.technicianId ? [t.technicianId] : [])),
    });
  }
  return out.sort((x, y) => x.start - y.start);
}

function overlaps(instant: number, horizon: Interval): boolean {
  return instant >= horizon.start && instant < horizon.end;
}

function preferredInHorizon(job: ServiceJob, horizon: Interval): boolean {
  return (job.preferredAppointmentTimes ?? []).some((p) => {
    const start = Date.parse(p.startTime);
    return start < horizon.end && start + p.durationInMinutes * MINUTE > horizon.start;
  });
}

/** Minutes on site by the config's duration rules, rounded up to the planning grid. */
function serviceMinutes(
  job: ServiceJob,
  setup: PlanningSetup,
  appointment: ActiveAppointment | undefined,
): number {
  const rules = setup.rules;
  const preferred = job.preferredAppointmentTimes?.[0]?.durationInMinutes;
  const resolved = resolveServiceDuration(
    rules.serviceDurations,
    {
      asin: job.scopeOfWork?.asin,
      quantity: job.scopeOfWork?.quantity,
      requiredSkills: job.scopeOfWork?.requiredSkills,
      // Only a service-interval appointment says how long the work takes.
      appointmentMinutes:
        rules.appointmentTime === 'service-interval'
          ? (appointment?.durationMinutes ?? preferred)
          : undefined,
    },
    rules.defaultServiceMinutes,
  );
  const g = rules.timeGranularityMinutes;
  return Math.ceil(resolved.minutes / g) * g;
}

/**
 * Start windows from the buyer's preferred times, or from the store's slot grid on every planned
 * day; service starts inside the window. `arrival-window`: the window is the appointment;
 * `service-interval`: the appointment is the visit itself, starting on the appointment grid.
 * Clipped to the earliest allowed start and snapped to the planning grid.
 */
function candidateWindows(
  job: ServiceJob,
  store: StoreSetup,
  setup: PlanningSetup,
  duration: number,
  earliest: number,
): CandidateWindow[] {
  const g = setup.rules.timeGranularityMinutes * MINUTE;
  const arrival = setup.rules.appointmentTime === 'arrival-window';
  const preferred = job.preferredAppointmentTimes ?? [];
  const offered: Interval[] =
    preferred.length > 0
      ? preferred.map((p) => {
          const start = Date.parse(p.startTime);
          return { start, end: start + p.durationInMinutes * MINUTE };
        })
      : store.slots;
  const out: CandidateWindow[] = [];
  const grid = setup.rules.appointmentGridMinutes * MINUTE;
  for (const w of offered) {
    // A preferred time is when the buyer expects the technician: service starts inside it.
    const latest = w.end;
    const from = Math.max(w.start, earliest, setup.horizon.start);
    const to = Math.min(latest, setup.horizon.end);
    if (arrival) {
      const start = Math.ceil(from / g) * g;
      const end = Math.floor(to / g) * g;
      if (end >= start)
        out.push({
          start,
          end,
          appointment: { start: w.start, minutes: Math.round((w.end - w.start) / MINUTE) },
        });
    } else {
      // The visit is the appointment, so service starts on the appointment grid.
      for (let t = Math.ceil(from / grid) * grid; t <= to; t += grid)
        out.push({ start: t, end: t, appointment: undefined });
    }
  }
  return arrival ? out.sort((x, y) => x.start - y.start) : dedupe(out);
}

function dedupe(windows: CandidateWindow[]): CandidateWindow[] {
  const seen = new Set<number>();
  return windows
    .sort((a, b) => a.start - b.start)
    .filter((w) => !seen.has(w.start) && seen.add(w.start) !== undefined);
}

function priorityOf(job: ServiceJob, setup: PlanningSetup, now: number): number {
  const p = setup.rules.priority;
  let priority = p.base;
  if (job.buyer?.isPrimeMember === true) priority += p.prime;
  if (job.createTime !== undefined) {
    // Whole days, so the priority (and the plan) does not drift between runs minutes apart.
    const ageDays = Math.max(0, Math.floor((now - Date.parse(job.createTime)) / DAY));
    priority += Math.min(ageDays, p.maxAgeDays) * p.perDayWaiting;
  }
  const promised = (job.associatedItems ?? []).some((item) => {
    const promise =
      item.itemDelivery?.itemDeliveryPromise?.endTime ?? item.itemDelivery?.estimatedDeliveryDate;
    if (promise === undefined) return false;
    const t = Date.parse(promise);
    return Number.isFinite(t) && t <= setup.horizon.end;
  });
  if (promised) priority += p.promisedInHorizon;
  return Math.round(priority * 1000) / 1000;
}
