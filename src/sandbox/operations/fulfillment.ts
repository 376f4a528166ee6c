import { errorResult, invalidInput, missingOrInvalid, unauthorizedAction } from '../errors.ts';
import type { OperationResult } from '../errors.ts';
import type { FulfillmentRecord } from '../state.ts';
import { parseIsoInstant } from '../time.ts';
import { isRecord, jsonBody, touch, validId } from './context.ts';
import type { OperationContext } from './context.ts';
import { checkDocument } from './documents.ts';

/** setAppointmentFulfillmentData: its errors are a bare ErrorList array, and several can come at once. */

const AGAIN = 'Please check the input again';

function timeError(raw: unknown): string | undefined {
  const parsed = parseIsoInstant(raw);
  if (!parsed)
    return `Could not parse given time input ${String(raw)}. Please provide time in ISO8601 format`;
  if (!parsed.isUtc) return `ISO8601 time ${String(raw)} is not in UTC format. Please provide time in UTC`;
  return undefined;
}

/** The technicians the appointment was served by: each must be one of the crews. */
function readResources(
  ctx: OperationContext,
  resources: unknown,
  record: FulfillmentRecord,
  messages: string[],
): void {
  const list = Array.isArray(resources) ? resources : [resources];
  const ids = list.map((r) => (isRecord(r) ? r.resourceId : undefined));
  if (!Array.isArray(resources) || ids.some((id) => !validId(id, 1, 50))) {
    messages.push(`One or more resources provided is invalid. ${AGAIN}.`);
  } else if (ids.some((id) => !ctx.world.crews.some((c) => c.resourceId === id))) {
    messages.push(`One or more resources provided does not exist or is deleted. ${AGAIN}.`);
  } else record.resourceIds = ids as string[];
}

/** When the visit took place: both ends in UTC, not in the future, the end after the start. */
function readFulfillmentTime(
  ctx: OperationContext,
  fulfillment: unknown,
  record: FulfillmentRecord,
  messages: string[],
): void {
  const f = isRecord(fulfillment) ? fulfillment : {};
  if (f.startTime === undefined) messages.push(`Appointment start time is required. ${AGAIN}.`);
  if (f.endTime === undefined) messages.push(`Appointment end time is required. ${AGAIN}.`);
  if (f.startTime !== undefined && f.endTime !== undefined) {
    const problem = timeError(f.startTime) ?? timeError(f.endTime);
    if (problem) messages.push(problem);
    else {
      const start = parseIsoInstant(f.startTime)?.ms ?? 0;
      const end = parseIsoInstant(f.endTime)?.ms ?? 0;
      if (start > ctx.nowMs) messages.push(`Appointment start time should not be in future. ${AGAIN}`);
      else if (end > ctx.nowMs) messages.push(`Appointment end time should not be in future. ${AGAIN}`);
      else if (end <= start) messages.push(`Appointment end time should be after start time. ${AGAIN}.`);
      else record.fulfillment = { startMs: start, endMs: end };
    }
  }
}

/** The arrival window given to the buyer: both ends in UTC, the end after the start. */
function readArrivalEstimate(
  ctx: OperationContext,
  eta: unknown,
  record: FulfillmentRecord,
  messages: string[],
): void {
  const e = isRecord(eta) ? eta : {};
  if (e.startTime === undefined || e.endTime === undefined) {
    messages.push(
      `Failed to process input. Reason: ETA start and end time both are mandatory field as part of estimatedArrivalTime object. ${AGAIN}`,
    );
  } else {
    const problem = timeError(e.startTime) ?? timeError(e.endTime);
    if (problem) messages.push(problem);
    else {
      const start = parseIsoInstant(e.startTime)?.ms ?? 0;
      const end = parseIsoInstant(e.endTime)?.ms ?? 0;
      if (end <= start)
        messages.push(
          `Failed to process input. Reason: ETA end time should be after ETA start time. ${AGAIN}`,
        );
      else record.estimatedArrival = { startMs: start, endMs: end };
    }
  }
}

/** The proof documents, each an upload the sandbox knows; a message only once. */
function readDocuments(
  ctx: OperationContext,
  documents: unknown,
  record: FulfillmentRecord,
  messages: string[],
): void {
  const list: unknown[] = Array.isArray(documents) ? documents : [documents];
  for (const d of list) {
    const problem = checkDocument(ctx, d);
    if (problem) {
      if (!messages.includes(problem)) messages.push(problem);
    } else record.uploadDestinationIds.push(String((d as Record<string, unknown>).uploadDestinationId));
  }
}

export function setAppointmentFulfillmentData(ctx: OperationContext): OperationResult {
  const jobId = ctx.params.serviceJobId;
  const appointmentId = ctx.params.appointmentId;
  const bad: string[] = [];
  if (!validId(jobId)) bad.push('serviceJobId');
  if (!validId(appointmentId, 5)) bad.push('appointmentId');
  if (bad.length > 0 || jobId === undefined || appointmentId === undefined)
    return missingOrInvalid(bad, 'bare');
  const body = jsonBody(ctx);
  const value = body.ok ? body.value : {};
  const artifacts = [
    'estimatedArrivalTime',
    'fulfillmentTime',
    'appointmentResources',
    'fulfillmentDocuments',
  ];
  if (!artifacts.some((k) => value[k] !== undefined && value[k] !== null)) {
    return invalidInput(400, 'No fulfillment artifacts provided in JSON payload.', 'bare');
  }
  const job = ctx.world.jobs.get(jobId);
  if (!job) return invalidInput(422, `No job exist with jobId : ${jobId}`, 'bare');
  if (job.sellerId !== ctx.world.sellerId) return unauthorizedAction('bare');
  if (job.status !== 'NOT_SERVICED' && job.status !== 'COMPLETED') {
    return invalidInput(
      422,
      `Job with id ${jobId} can not be updated. Please check if the job is in valid status.`,
      'bare',
    );
  }
  const appointment = job.appointments.find((a) => a.appointmentId === appointmentId);
  if (!appointment) {
    return invalidInput(
      422,
      `Appointment with id ${appointmentId} is not present in the job. ${AGAIN}.`,
      'bare',
    );
  }
  if (appointment.status === 'CANCELLED') {
    return invalidInput(
      422,
      `Appointment with appointment id ${appointmentId} is not valid to update. ${AGAIN}`,
      'bare',
    );
  }
  const messages: string[] = [];
  const record: FulfillmentRecord = {
    appointmentId,
    recordedMs: ctx.nowMs,
    resourceIds: [],
    uploadDestinationIds: [],
  };

  if (value.appointmentResources !== undefined)
    readResources(ctx, value.appointmentResources, record, messages);
  if (value.fulfillmentTime !== undefined) readFulfillmentTime(ctx, value.fulfillmentTime, record, messages);
  if (value.estimatedArrivalTime !== undefined)
    readArrivalEstimate(ctx, value.estimatedArrivalTime, record, messages);
  if (value.fulfillmentDocuments !== undefined)
    readDocuments(ctx, value.fulfillmentDocuments, record, messages);

  if (messages.length > 0) {
    return errorResult(
      422,
      messages.map((message) => ({ code: 'InvalidInput', message })),
      'bare',
    );
  }
  job.fulfillment.push(record);
  touch(job, ctx.nowMs);
  return { status: 204 };
}
