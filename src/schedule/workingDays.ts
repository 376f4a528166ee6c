/**
 * A technician's working time for a range of local dates: the weekly pattern, overridden by
 * exceptions, with the lunch break, resolved to real (UTC) instants in the technician's zone.
 */
import { weekdayName } from '../config/fields.ts';
import type { IsoDate } from '../config/fields.ts';
import type { Shift, ShiftException, Technician } from '../config/technician.ts';
import { datesBetween, localInstant, weekdayOf } from './localDate.ts';
import { intersect } from './utcInterval.ts';
import type { UtcInterval } from './utcInterval.ts';

interface LunchBreak {
  /** When the break may start (the break itself ends at most `minutes` later). */
  startWindow: UtcInterval;
  minutes: number;
}

export interface WorkingDay {
  resourceId: string;
  /** The local date the shift starts on. */
  date: IsoDate;
  shift: UtcInterval;
  lunch?: LunchBreak;
  /** From maxHoursPerDay, in seconds; absent = the shift's length is the limit. */
  maxWorkSeconds?: number;
  /** Set when an exception changed the hours (not when it only removed the day). */
  changedBy?: ShiftException;
}

/** The technician's working days from `from` to `to` (local dates, inclusive), in date order. */
export function workingDays(technician: Technician, from: IsoDate, to: IsoDate): WorkingDay[] {
  const days: WorkingDay[] = [];
  for (const date of datesBetween(from, to)) {
    const exception = exceptionOn(technician.exceptions, date);
    if (exception?.off === true) continue;
    const shift = exception?.shift ?? technician.shifts[weekdayName(weekdayOf(date))];
    if (!shift) continue;
    const interval = shiftInterval(shift, date, technician.timeZone);
    // A spring-forward gap can swallow a whole short night shift.
    if (interval.end <= interval.start) continue;
    const day: WorkingDay = { resourceId: technician.resourceId, date, shift: interval };
    if (technician.lunch) {
      const lunch = lunchBreak(technician, date, interval);
      if (lunch) day.lunch = lunch;
    }
    if (technician.maxHoursPerDay !== undefined) day.maxWorkSeconds = technician.maxHoursPerDay * 3600;
    if (exception?.shift) day.changedBy = exception;
    days.push(day);
  }
  return days;
}

/** The last listed exception covering `date` wins, so a later line can refine an earlier range. */
function exceptionOn(exceptions: readonly ShiftException[], date: IsoDate): ShiftException | undefined {
  let found: ShiftException | undefined;
  for (const e of exceptions) {
    if (date >= e.date && date <= (e.to ?? e.date)) found = e;
  }
  return found;
}

function shiftInterval(shift: Shift, date: IsoDate, zone: string): UtcInterval {
  return {
    start: localInstant(date, shift.start, zone),
    end: localInstant(date, shift.end, zone, shift.crossesMidnight === true ? 1 : 0),
  };
}

/**
 * The lunch window clipped to the shift; no lunch when the clipped window cannot hold it (a
 * half day that ends before lunchtime).
 */
function lunchBreak(technician: Technician, date: IsoDate, shift: UtcInterval): LunchBreak | undefined {
  const lunch = technician.lunch;
  if (!lunch) return undefined;
  const window = {
    start: localInstant(date, lunch.earliest, technician.timeZone),
    end: localInstant(date, lunch.latest, technician.timeZone),
  };
  const inShift = intersect(window, shift);
  const length = lunch.minutes * 60_000;
  if (!inShift || inShift.end - inShift.start < length) return undefined;
  return { startWindow: { start: inShift.start, end: inShift.end - length }, minutes: lunch.minutes };
}
