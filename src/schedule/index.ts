export type { UtcInterval } from './utcInterval.ts';
export { intersect, intervalMinutes } from './utcInterval.ts';
export { parseWireTime, formatWireTime } from './wireTime.ts';
export type { WireTimeResult, WireTimeErrorCode } from './wireTime.ts';
export { SolverClock } from './solverClock.ts';
export { localInstant, localDateOf, datesBetween, weekdayOf } from './localDate.ts';
export { workingDays, shiftInterval } from './workingDays.ts';
export type { WorkingDay, LunchBreak } from './workingDays.ts';
export { storeSlots } from './slotGrid.ts';
export type { Slot } from './slotGrid.ts';
export { appointmentWindow } from './appointmentWindow.ts';
export type {
  AppointmentTimeReading,
  AppointmentTimeWire,
  AppointmentWindow,
  AppointmentWindowResult,
} from './appointmentWindow.ts';
export { solverShift } from './solverShift.ts';
export type { SolverShift } from './solverShift.ts';
