import { operations } from '../../spapi/generated/operations.ts';
import type { OperationDefinition, OperationResponse } from '../../spapi/generated/operations.ts';
import type { ErrorEnvelope } from '../errors.ts';
import {
  addAppointmentForServiceJobByServiceJobId,
  assignAppointmentResources,
  rescheduleAppointmentForServiceJobByServiceJobId,
} from './appointments.ts';
import { getFixedSlotCapacity, getRangeSlotCapacity, updateSchedule } from './capacity.ts';
import type { OperationHandler } from './context.ts';
import { createServiceDocumentUploadDestination } from './documents.ts';
import { setAppointmentFulfillmentData } from './fulfillment.ts';
import {
  cancelServiceJobByServiceJobId,
  completeServiceJobByServiceJobId,
  getServiceJobByServiceJobId,
  getServiceJobs,
} from './jobs.ts';
import { cancelReservation, createReservation, updateReservation } from './reservations.ts';
import { getAppointmentSlots, getAppointmmentSlotsByJobId } from './slots.ts';

/**
 * The 17 Services operations: route, usage plan (rate per second, burst) and the statuses that
 * carry x-amzn-RateLimit-Limit, all read from the operation table generated from the model.
 */
export interface OperationSpec {
  readonly operationId: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Fastify route under /service/v1. */
  readonly path: string;
  readonly rate: number;
  readonly burst: number;
  /** Statuses whose responses the model declares with x-amzn-RateLimit-Limit. */
  readonly rateLimitHeaderStatuses: ReadonlySet<number>;
  readonly errorEnvelope: ErrorEnvelope;
  readonly handler: OperationHandler;
}

type OperationId = keyof typeof operations;

const op = (
  operationId: OperationId,
  handler: OperationHandler,
  errorEnvelope: ErrorEnvelope = 'wrapped',
): OperationSpec => {
  const definition: OperationDefinition = operations[operationId];
  const responses = Object.entries(definition.responses) as [string, OperationResponse][];
  return {
    operationId,
    method: definition.method,
    // Fastify's `:name` for the model's `{name}`, under /service/v1.
    path: definition.path.replace(/^\/service\/v1/, '').replace(/\{(\w+)\}/g, ':$1'),
    rate: definition.usagePlan.rate,
    burst: definition.usagePlan.burst,
    rateLimitHeaderStatuses: new Set(
      responses
        .filter(([, r]) => r.headers.includes('x-amzn-RateLimit-Limit'))
        .map(([status]) => Number(status)),
    ),
    handler,
    errorEnvelope,
  };
};

export const OPERATIONS: readonly OperationSpec[] = [
  op('getServiceJobByServiceJobId', getServiceJobByServiceJobId),
  op('cancelServiceJobByServiceJobId', cancelServiceJobByServiceJobId),
  op('completeServiceJobByServiceJobId', completeServiceJobByServiceJobId),
  op('getServiceJobs', getServiceJobs),
  op('addAppointmentForServiceJobByServiceJobId', addAppointmentForServiceJobByServiceJobId),
  op('rescheduleAppointmentForServiceJobByServiceJobId', rescheduleAppointmentForServiceJobByServiceJobId),
  op('assignAppointmentResources', assignAppointmentResources),
  op('setAppointmentFulfillmentData', setAppointmentFulfillmentData, 'bare'),
  op('getRangeSlotCapacity', getRangeSlotCapacity),
  op('getFixedSlotCapacity', getFixedSlotCapacity),
  op('updateSchedule', updateSchedule),
  op('createReservation', createReservation),
  op('updateReservation', updateReservation),
  op('cancelReservation', cancelReservation),
  op('getAppointmmentSlotsByJobId', getAppointmmentSlotsByJobId),
  op('getAppointmentSlots', getAppointmentSlots),
  op('createServiceDocumentUploadDestination', createServiceDocumentUploadDestination),
];
