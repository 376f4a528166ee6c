/**
 * Normalise: raw Services jobs → jobs the planner can place, each with candidate windows,
 * duration, skills, priority and pins; everything else becomes an issue with its reason.
 * Pure: the clock (`now`) and the setup are passed in.
 */
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
  const stores = new Map(setup.stores.map((s) => [s.storeId, s]));
  const knownSkills = new Set<string>([
    ...setup.rules.skillCatalog,
    ...setup.technicians.flatMap((t) => t.skills),
  ]);
  const jobs: PlannableJob[] = [];
  const issues: PlanningIssue[] = [];
  let outOfScope = 0;

  for (const parsed of parses) {
    if (!parsed.ok) {
      issues.push(invalidPayloadIssue(parsed));
      continue;
    }
    const job = parsed.job;
    const id = job.serviceJobId;
    if (parsed.unknownFields.length > 0) {
      issues.push({
        serviceJobId: id,
        code: 'UNKNOWN_FIELDS',
        level: 'warning',
        detail: `ignored fields not in the Services model: ${parsed.unknownFields.join(', ')}`,
      });
    }
    const status = job.serviceJobStatus;
    if (status === 'COMPLETED' || status === 'CANCELLED') {
      outOfScope += 1;
      continue;
    }
    if (status !== 'PENDING_SCHEDULE' && status !== 'NOT_SERVICED') {
      issues.push({
        serviceJobId: id,
        code: 'STATUS_NOT_PLANNABLE',
        level: 'error',
        detail: `status ${status} cannot be planned (expected PENDING_SCHEDULE or NOT_SERVICED)`,
      });
      continue;
    }
    if (job.storeId === undefined) {
      issues.push({
        serviceJobId: id,
        code: 'INVALID_PAYLOAD',
        level: 'error',
        detail: 'storeId: missing (expected string)',
      });
      continue;
    }
    const store = stores.get(job.storeId);
    if (store === undefined) {
      issues.push({
        serviceJobId: id,
        code: 'UNKNOWN_STORE',
        level: 'error',
        detail: `store ${job.storeId} is not in the crews config`,
      });
      continue;
    }

    const active = activeAppointments(job.appointments ?? []);
    if (active.length > 1) {
      issues.push({
        serviceJobId: id,
        code: 'SEVERAL_ACTIVE_APPOINTMENTS',
        level: 'warning',
        detail: `${active.length} active appointments; planning keeps ${active[active.length - 1]!.appointmentId}`,
      });
    }
    const appointment = active[active.length - 1];
    if (appointment !== undefined && !overlaps(appointment.start, setup.horizon)) {
      // Booked for another day: not this run's work.
      outOfScope += 1;
      continue;
    }

    const skills = job.scopeOfWork?.requiredSkills ?? [];
    const unknown = skills.filter((s) => !knownSkills.has(s));
    if (unknown.length > 0) {
      issues.push({
        serviceJobId: id,
        code: 'UNKNOWN_SKILL',
        level: 'error',
        detail: `required skill ${unknown.join(', ')} is not in the crews config (known: ${[...knownSkills].sort().join(', ')})`,
      });
      continue;
    }

    const postalCode = job.serviceLocation?.address?.postalCode?.trim();
    if (postalCode === undefined || postalCode === '') {
      issues.push({
        serviceJobId: id,
        code: 'NO_COORDINATES',
        level: 'error',
        detail: 'serviceLocation.address.postalCode: missing (expected a postal code to locate the visit)',
      });
      continue;
    }

    const durationMinutes = serviceMinutes(job, setup, appointment);
    const duration = durationMinutes * MINUTE;
    const earliest = now + setup.rules.minLeadMinutes * MINUTE;
    const candidates = candidateWindows(job, store, setup, duration, earliest).filter(
      (w) => !refused.has(`${id}|${w.appointment?.start ?? w.start}`),
    );

    let windows: CandidateWindow[];
    let rescheduleWindows: CandidateWindow[] = [];
    let pin: PlannableJob['pin'];
    const keepTechnicianIds: string[] = [];
    if (appointment !== undefined) {
      const keepEnd =
        setup.rules.appointmentTime === 'arrival-window'
          ? appointment.start + appointment.durationMinutes * MINUTE
          : appointment.start;
      windows = [{ start: appointment.start, end: keepEnd, appointment: undefined }];
      const frozen = appointment.start < now + setup.rules.freezeMinutes * MINUTE;
      if (frozen && appointment.technicianIds.length > 0) {
        pin = { technicianIds: appointment.technicianIds, start: appointment.start };
      } else if (setup.rules.keepAssignments) {
        keepTechnicianIds.push(...appointment.technicianIds);
      }
      if (!frozen && setup.rules.allowReschedule) {
        rescheduleWindows = candidates.filter(
          (w) => !(w.start <= appointment.start && appointment.start <= w.end),
        );
      }
    } else {
      if (candidates.length === 0) {
        if ((job.preferredAppointmentTimes ?? []).length > 0 && !preferredInHorizon(job, setup.horizon)) {
          outOfScope += 1;
        } else {
          issues.push({
            serviceJobId: id,
            code: 'NO_WINDOW_IN_HORIZON',
            level: 'error',
            detail:
              'no preferred appointment time or slot is left in the horizon after the minimum lead time',
          });
        }
        continue;
      }
      windows = candidates;
    }

    jobs.push({
      serviceJobId: id,
      storeId: store.storeId,
      status: appointment !== undefined ? 'NOT_SERVICED' : 'PENDING_SCHEDULE',
      postalCode,
      countryCode: job.serviceLocation?.address?.countryCode,
      windows,
      rescheduleWindows,
      durationMinutes,
      skills,
      asin: job.scopeOfWork?.asin,
      orderIds: orderIdsOf(job),
      technicians: skills.some((s) => setup.rules.twoTechnicianSkills.includes(s)) ? 2 : 1,
      priority: priorityOf(job, setup, now),
      activeAppointment: appointment,
      pin,
      keepTechnicianIds,
    });
  }
  return { jobs, issues, outOfScope };
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
