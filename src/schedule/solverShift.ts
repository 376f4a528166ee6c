/** A working day in the solver's terms: shift window, lunch break and work limit in seconds. */
import type { Break, TimeWindow } from '../../solver/problem.ts';
import type { SolverClock } from './solverClock.ts';
import type { WorkingDay } from './workingDays.ts';

export interface SolverShift {
  shift: TimeWindow;
  breaks: Break[];
  maxWorkTime?: number;
}

/** Undefined when the day ends before the clock's reference (nothing left to plan). */
export function solverShift(day: WorkingDay, clock: SolverClock): SolverShift | undefined {
  const shift = clock.window(day.shift);
  if (!shift) return undefined;
  const out: SolverShift = { shift, breaks: [] };
  if (day.lunch) {
    const window = clock.window(day.lunch.startWindow);
    if (window)
      out.breaks.push({
        id: `${day.resourceId}:${day.date}:lunch`,
        duration: day.lunch.minutes * 60,
        window,
      });
  }
  if (day.maxWorkSeconds !== undefined) out.maxWorkTime = day.maxWorkSeconds;
  return out;
}
