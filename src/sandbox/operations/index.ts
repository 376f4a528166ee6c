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

/** The 17 Services operations with their routes and usage plans (rate per second, burst) from the model. */
export interface OperationSpec {
  readonly operationId: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Fastify route under /service/v1. */
  readonly path: string;
  readonly rate: number;
  readonly burst: number;
  readonly errorEnvelope: ErrorEnvelope;
  readonly handler: OperationHandler;
}

const op = (
  operationId: string,
  method: OperationSpec['method'],
  path: string,
  rate: number,
  burst: number,
  handler: OperationHandler,
  errorEnvelope: ErrorEnvelope = 'wrapped',
): OperationSpec => ({ operationId, method, path, rate, burst, handler, errorEnvelope });

export const OPERATIONS: readonly OperationSpec[] = [
  op('getServiceJobByServiceJobId', 'GET', '/serviceJobs/:serviceJobId', 20, 40, getServiceJobByServiceJobId),
  op(
    'cancelServiceJobByServiceJobId',
    'PUT',
    '/serviceJobs/:serviceJobId/cancellations',
    5,
    20,
    cancelServiceJobByServiceJobId,
  ),
  op(
    'completeServiceJobByServiceJobId',
    'PUT',
    '/serviceJobs/:serviceJobId/completions',
    5,
    20,
    completeServiceJobByServiceJobId,
  ),
  op('getServiceJobs', 'GET', '/serviceJobs', 10, 40, getServiceJobs),
  op(
    'addAppointmentForServiceJobByServiceJobId',
    'POST',
    '/serviceJobs/:serviceJobId/appointments',
    5,
    20,
    addAppointmentForServiceJobByServiceJobId,
  ),
  op(
    'rescheduleAppointmentForServiceJobByServiceJobId',
    'POST',
    '/serviceJobs/:serviceJobId/appointments/:appointmentId',
    5,
    20,
    rescheduleAppointmentForServiceJobByServiceJobId,
  ),
  op(
    'assignAppointmentResources',
    'PUT',
    '/serviceJobs/:serviceJobId/appointments/:appointmentId/resources',
    1,
    2,
    assignAppointmentResources,
  ),
  op(
    'setAppointmentFulfillmentData',
    'PUT',
    '/serviceJobs/:serviceJobId/appointments/:appointmentId/fulfillment',
    5,
    20,
    setAppointmentFulfillmentData,
    'bare',
  ),
  op(
    'getRangeSlotCapacity',
    'POST',
    '/serviceResources/:resourceId/capacity/range',
    5,
    20,
    getRangeSlotCapacity,
  ),
  op(
    'getFixedSlotCapacity',
    'POST',
    '/serviceResources/:resourceId/capacity/fixed',
    5,
    20,
    getFixedSlotCapacity,
  ),
  op('updateSchedule', 'PUT', '/serviceResources/:resourceId/schedules', 5, 20, updateSchedule),
  op('createReservation', 'POST', '/reservation', 5, 20, createReservation),
  op('updateReservation', 'PUT', '/reservation/:reservationId', 5, 20, updateReservation),
  op('cancelReservation', 'DELETE', '/reservation/:reservationId', 5, 20, cancelReservation),
  op(
    'getAppointmmentSlotsByJobId',
    'GET',
    '/serviceJobs/:serviceJobId/appointmentSlots',
    5,
    20,
    getAppointmmentSlotsByJobId,
  ),
  op('getAppointmentSlots', 'GET', '/appointmentSlots', 20, 40, getAppointmentSlots),
  op(
    'createServiceDocumentUploadDestination',
    'POST',
    '/documents',
    5,
    20,
    createServiceDocumentUploadDestination,
  ),
];
