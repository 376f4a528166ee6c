export { intervalMinutes } from './utcInterval.ts';
export { parseWireTime, formatWireTime } from './wireTime.ts';
export { SolverClock } from './solverClock.ts';
export { localInstant, localDateOf } from './localDate.ts';
export { workingDays } from './workingDays.ts';
export { storeSlots } from './slotGrid.ts';
export { appointmentWindow } from './appointmentWindow.ts';
export { solverShift } from './solverShift.ts';
