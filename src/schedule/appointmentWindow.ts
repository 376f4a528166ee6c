/**
 * Reading an Amazon appointment time ({startTime, durationInMinutes}, UTC) under the
 * configured `planning.appointmentTime`.
 */
import type { APPOINTMENT_TIME_READINGS } from '../config/planningSettings.ts';
import { parseWireTime } from './wireTime.ts';
import type { WireTimeErrorCode } from './wireTime.ts';
import type { UtcInterval } from './utcInterval.ts';

export type AppointmentTimeReading = (typeof APPOINTMENT_TIME_READINGS)[number];

export interface AppointmentTimeWire {
  startTime: string;
  durationInMinutes: number;
}

interface AppointmentWindow {
  /** When service may start. */
  arrival: UtcInterval;
  /** The on-site duration the appointment itself implies, when the reading says it does. */
  serviceMinutes?: number;
}

export type AppointmentWindowResult =
  | { ok: true; value: AppointmentWindow }
  | { ok: false; code: WireTimeErrorCode | 'APPOINTMENT_DURATION_INVALID'; message: string };

/**
 * `arrival-window`: the technician arrives between start and start + duration; the work's
 * length comes from the duration rules. `service-interval`: the work fills the interval, so
 * service starts at startTime and lasts durationInMinutes.
 */
export function appointmentWindow(
  time: AppointmentTimeWire,
  reading: AppointmentTimeReading,
): AppointmentWindowResult {
  const start = parseWireTime(time.startTime);
  if (!start.ok) return start;
  if (!Number.isInteger(time.durationInMinutes) || time.durationInMinutes < 1) {
    return {
      ok: false,
      code: 'APPOINTMENT_DURATION_INVALID',
      message: 'expected durationInMinutes to be a whole number of at least 1',
    };
  }
  const end = start.value + time.durationInMinutes * 60_000;
  return reading === 'arrival-window'
    ? { ok: true, value: { arrival: { start: start.value, end } } }
    : {
        ok: true,
        value: { arrival: { start: start.value, end: start.value }, serviceMinutes: time.durationInMinutes },
      };
}
