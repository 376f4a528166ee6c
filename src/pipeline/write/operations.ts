/** The write-back calls a plan needs, as data: what the diff produces and the journal records. */
import type { AppointmentTimeOut, BlockType, CapacityBlock, ScheduleRecordOut } from './plan.ts';

interface ScheduleWrite {
  op: 'updateSchedule';
  key: string;
  resourceId: string;
  records: ScheduleRecordOut[];
}

interface ReservationCreate {
  op: 'createReservation';
  key: string;
  block: CapacityBlock;
}

interface ReservationUpdate {
  op: 'updateReservation';
  key: string;
  reservationId: string;
  previous: CapacityBlock;
  block: CapacityBlock;
}

interface ReservationCancel {
  op: 'cancelReservation';
  key: string;
  reservationId: string;
  previous: CapacityBlock;
}

/**
 * One job's appointment work, in order: set the appointment (add a new one or reschedule the
 * current one), then assign technicians when they differ (a reschedule drops them).
 */
export interface AppointmentWrite {
  op: 'appointment';
  key: string;
  serviceJobId: string;
  time: AppointmentTimeOut;
  set: { kind: 'add' } | { kind: 'reschedule'; appointmentId: string; reasonCode: string } | undefined;
  /** The appointment to assign to when it is kept. */
  appointmentId: string | undefined;
  assign: string[] | undefined;
}

export type WriteOperation =
  ScheduleWrite | ReservationCreate | ReservationUpdate | ReservationCancel | AppointmentWrite;

/** Write calls an operation makes when everything goes well (for ETAs and the call budget). */
export function callsOf(op: WriteOperation): number {
  if (op.op !== 'appointment') return 1;
  return (op.set !== undefined ? 1 : 0) + (op.assign !== undefined ? 1 : 0);
}

export const blockKey = (b: { resourceId: string; type: BlockType; start: number; end: number }): string =>
  `${b.resourceId}|${b.type}|${b.start}|${b.end}`;
