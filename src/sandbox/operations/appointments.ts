import { capacityOf, overlappingReservationTypes, technicianFree } from '../capacity.ts';
import { RESCHEDULE_REASON_CODES } from '../catalog.ts';
import { errorResult, invalidInput, missingOrInvalid, unauthorizedAction } from '../errors.ts';
import type { OperationResult, WireError } from '../errors.ts';
import { SLOT_GRID_MS, slotCapacity } from '../slots.ts';
import type { AppointmentRecord, JobRecord, SeededCrew } from '../state.ts';
import { activeAppointment } from '../state.ts';
import { DAY_MS, MINUTE_MS, parseIsoInstant } from '../time.ts';
import { isRecord, jsonBody, touch, validId } from './context.ts';
import type { OperationContext } from './context.ts';

/** Appointments: add, reschedule (new id, technicians dropped) and technician assignment. */

const MAX_DURATION_MINUTES = 24 * 60;
const WRITABLE_STATES = new Set(['PENDING_SCHEDULE', 'HOLD', 'NOT_SERVICED']);

function notAllowed(job: JobRecord): OperationResult {
  return invalidInput(
    422,
    `Operation not allowed on job with jobId : ${job.serviceJobId} and jobState : ${job.status}`,
  );
}

function failedToAdd(jobId: string, reason: string): OperationResult {
  return invalidInput(422, `Failed to add appointment for jobId : ${jobId}, reason : ${reason}`);
}

interface TimeInput {
  startMs: number;
  durationMinutes: number;
}

/** Shape checks that answer 400 before any lookup. */
function readTimeShape(body: Record<string, unknown>): Record<string, unknown> | OperationResult {
  const time = body.appointmentTime;
  if (!isRecord(time) || !('startTime' in time)) return missingOrInvalid(['appointmentTime']);
  const duration = time.durationInMinutes;
  if (
    duration !== undefined &&
    (typeof duration !== 'number' ||
      !Number.isInteger(duration) ||
      duration < 1 ||
      duration > MAX_DURATION_MINUTES)
  ) {
    return missingOrInvalid(['durationInMinutes']);
  }
  return time;
}

/** Amazon's appointment-time rules: parseable, UTC, in the future, within 365 days, on a free slot. */
function checkTime(
  ctx: OperationContext,
  job: JobRecord,
  time: Record<string, unknown>,
  ignoreAppointmentId?: string,
): TimeInput | OperationResult {
  const raw = time.startTime;
  const parsed = parseIsoInstant(raw);
  if (!parsed) return invalidInput(422, `Failed to parse ISO8601 input: ${String(raw)}`);
  if (!parsed.isUtc) return invalidInput(422, `ISO8601 time ${String(raw)} is not in UTC.`);
  const durationMinutes =
    typeof time.durationInMinutes === 'number' ? time.durationInMinutes : job.durationMinutes;
  const id = job.serviceJobId;
  if (parsed.ms <= ctx.nowMs) return failedToAdd(id, 'Start time of appointment should be in the future.');
  if (parsed.ms > ctx.nowMs + 365 * DAY_MS) {
    return failedToAdd(id, 'Start time for appointment is beyond the maximum allowed period of 365 days.');
  }
  const query = { storeId: job.storeId, requiredSkills: job.scope.requiredSkills, durationMinutes };
  const options = ignoreAppointmentId ? { ignoreAppointmentId } : {};
  if (parsed.ms % SLOT_GRID_MS !== 0 || slotCapacity(ctx.world, query, parsed.ms, options) < 1) {
    return failedToAdd(id, 'Appointment slot is not available.');
  }
  return { startMs: parsed.ms, durationMinutes };
}

function newAppointmentId(ctx: OperationContext, jobId: string): string {
  ctx.world.sequence++;
  return `${jobId}_${ctx.rng.uuid()}`;
}

function lookupJob(ctx: OperationContext, id: string, notFound: string): JobRecord | OperationResult {
  const job = ctx.world.jobs.get(id);
  if (!job) return invalidInput(422, `${notFound} : ${id}`);
  if (job.sellerId !== ctx.world.sellerId) return unauthorizedAction();
  return job;
}

export function addAppointmentForServiceJobByServiceJobId(ctx: OperationContext): OperationResult {
  const id = ctx.params.serviceJobId;
  if (!validId(id)) return missingOrInvalid(['serviceJobId']);
  const body = jsonBody(ctx);
  if (!body.ok) return missingOrInvalid(['appointmentTime']);
  const time = readTimeShape(body.value);
  if ('status' in time && typeof time.status === 'number') return time as OperationResult;
  const job = lookupJob(ctx, id, 'No job exist with jobId');
  if ('status' in job && typeof job.status === 'number') return job as OperationResult;
  const record = job as JobRecord;
  if (!WRITABLE_STATES.has(record.status)) return notAllowed(record);
  if (activeAppointment(record)) return failedToAdd(id, 'Job already has an active appointmentId.');
  const checked = checkTime(ctx, record, time as Record<string, unknown>);
  if ('status' in checked) return checked;
  const appointment: AppointmentRecord = {
    appointmentId: newAppointmentId(ctx, id),
    status: 'ACTIVE',
    startMs: checked.startMs,
    durationMinutes: checked.durationMinutes,
    technicianIds: [],
  };
  record.appointments.push(appointment);
  record.status = 'NOT_SERVICED';
  touch(record, ctx.nowMs);
  return { status: 200, body: { appointmentId: appointment.appointmentId } };
}

function findAppointment(
  job: JobRecord,
  appointmentId: string,
): { ok: true; appointment: AppointmentRecord } | { ok: false; result: OperationResult } {
  const appointment = job.appointments.find((a) => a.appointmentId === appointmentId);
  if (!appointment) {
    return {
      ok: false,
      result: invalidInput(
        422,
        `Failed to Update Appointment for jobId : ${job.serviceJobId}, appointmentId : ${appointmentId}, reason : No appointment exists with appointmentId: ${appointmentId}`,
      ),
    };
  }
  if (appointment.status !== 'ACTIVE') {
    return {
      ok: false,
      result: invalidInput(
        422,
        `Appointment metadata update is not allowed for appointmentId ${appointmentId}`,
      ),
    };
  }
  return { ok: true, appointment };
}

function checkIds(ctx: OperationContext): { jobId: string; appointmentId: string } | OperationResult {
  const jobId = ctx.params.serviceJobId;
  const appointmentId = ctx.params.appointmentId;
  const bad: string[] = [];
  if (!validId(appointmentId, 5)) bad.push('appointmentId');
  if (!validId(jobId)) bad.push('serviceJobId');
  if (bad.length > 0 || jobId === undefined || appointmentId === undefined) return missingOrInvalid(bad);
  return { jobId, appointmentId };
}

export function rescheduleAppointmentForServiceJobByServiceJobId(ctx: OperationContext): OperationResult {
  const ids = checkIds(ctx);
  if ('status' in ids) return ids;
  const body = jsonBody(ctx);
  if (!body.ok) return missingOrInvalid(['appointmentTime', 'rescheduleReasonCode']);
  const time = readTimeShape(body.value);
  if ('status' in time && typeof time.status === 'number') return time as OperationResult;
  const reason = body.value.rescheduleReasonCode;
  if (typeof reason !== 'string' || reason.length === 0) return missingOrInvalid(['rescheduleReasonCode']);
  const found = lookupJob(ctx, ids.jobId, 'No job exist with jobId');
  if ('status' in found && typeof found.status === 'number') return found as OperationResult;
  const job = found as JobRecord;
  if (!WRITABLE_STATES.has(job.status)) return notAllowed(job);
  const old = findAppointment(job, ids.appointmentId);
  if (!old.ok) return old.result;
  if (!RESCHEDULE_REASON_CODES.has(reason))
    return failedToAdd(ids.jobId, 'Appointment reschedule reason code is not valid.');
  const checked = checkTime(ctx, job, time as Record<string, unknown>, ids.appointmentId);
  if ('status' in checked) return checked;
  const dropped = old.appointment.technicianIds;
  old.appointment.status = 'CANCELLED';
  const appointment: AppointmentRecord = {
    appointmentId: newAppointmentId(ctx, ids.jobId),
    status: 'ACTIVE',
    startMs: checked.startMs,
    durationMinutes: checked.durationMinutes,
    technicianIds: [],
    rescheduledAppointmentId: old.appointment.appointmentId,
  };
  job.appointments.push(appointment);
  job.status = 'NOT_SERVICED';
  touch(job, ctx.nowMs);
  return {
    status: 200,
    body: {
      appointmentId: appointment.appointmentId,
      ...(dropped.length > 0
        ? {
            warnings: [
              { code: 'RESOURCES_UNASSIGNED', message: `Unassigned resources : ${dropped.join(',')}` },
            ],
          }
        : {}),
    },
  };
}

export function assignAppointmentResources(ctx: OperationContext): OperationResult {
  const ids = checkIds(ctx);
  if ('status' in ids) return ids;
  const body = jsonBody(ctx);
  if (!body.ok || !('resources' in body.value))
    return invalidInput(400, 'Resources not provided in input JSON payload.');
  const resources = body.value.resources;
  if (!Array.isArray(resources)) return invalidInput(400, 'Resources not provided in input JSON payload.');
  if (resources.length === 0)
    return invalidInput(400, 'Resources must have size greater than or equal to 1.');
  const resourceIds: string[] = [];
  for (const r of resources) {
    if (!isRecord(r) || !validId(r.resourceId, 1, 50)) return missingOrInvalid(['resourceId']);
    if (!resourceIds.includes(r.resourceId)) resourceIds.push(r.resourceId);
  }
  const found = lookupJob(ctx, ids.jobId, 'No job exists with jobId');
  if ('status' in found && typeof found.status === 'number') return found as OperationResult;
  const job = found as JobRecord;
  if (job.status === 'COMPLETED' || job.status === 'CANCELLED') return notAllowed(job);
  const target = findAppointment(job, ids.appointmentId);
  if (!target.ok) return target.result;
  const appointment = target.appointment;
  for (const rid of resourceIds) {
    if (!ctx.world.crews.some((c) => c.resourceId === rid)) {
      return invalidInput(422, `Invalid resourceId : ${rid} provided in the input.`);
    }
  }
  const crews = resourceIds
    .map((rid) => ctx.world.crews.find((c) => c.resourceId === rid))
    .filter((c) => c !== undefined);
  const start = appointment.startMs;
  const end = start + appointment.durationMinutes * MINUTE_MS;
  const wrongStore = crews.filter((c) => c.storeId !== job.storeId).map((c) => c.resourceId);
  const missingSkills = crews
    .filter((c) => !job.scope.requiredSkills.every((s) => c.skills.includes(s)))
    .map((c) => c.resourceId);
  const unavailable: string[] = [];
  const overbooked: string[] = [];
  for (const crew of crews) {
    const types = overlappingReservationTypes(ctx.world, crew.resourceId, start, end);
    if (types.has('VACATION') || types.has('TRAINING') || !scheduledThroughout(ctx, crew, start, end)) {
      unavailable.push(crew.resourceId);
    } else if (
      !technicianFree(ctx.world, crew, start, end, { ignoreAppointmentId: appointment.appointmentId }).free
    ) {
      overbooked.push(crew.resourceId);
    }
  }
  const errors: WireError[] = [];
  if (wrongStore.length > 0) {
    errors.push({
      code: 'RESOURCES_NOT_AVAILABLE_IN_LOCATION',
      message: `Resources are not available in the store. Applicable resources: ${wrongStore.join(',')}`,
    });
  }
  if (missingSkills.length > 0) {
    errors.push({
      code: 'RESOURCES_MISSING_REQUIRED_SKILLS',
      message: `Resources Missing required ${job.scope.requiredSkills.join(',')} skills. Applicable resources: ${missingSkills.join(',')}`,
    });
  }
  if (unavailable.length > 0) {
    errors.push({
      code: 'RESOURCES_NOT_AVAILABLE_IN_TIME_WINDOW',
      message: `Resources do not have sufficient available capacity. Applicable resources: ${unavailable.join(',')}`,
    });
  }
  if (errors.length > 0) return errorResult(422, errors);
  appointment.technicianIds = resourceIds;
  touch(job, ctx.nowMs);
  return {
    status: 200,
    body: {
      payload:
        overbooked.length > 0
          ? {
              warnings: [
                { code: 'RESOURCES_OVERBOOKED', message: 'Resources overbooked for this time window.' },
              ],
            }
          : {},
    },
  };
}

/** On shift for the whole window; breaks and other bookings only overbook. */
function scheduledThroughout(ctx: OperationContext, crew: SeededCrew, start: number, end: number): boolean {
  const c = capacityOf(ctx.world, { kind: 'technician', crew }, start, end);
  return c.scheduled.every((s) => s.value >= 1);
}
