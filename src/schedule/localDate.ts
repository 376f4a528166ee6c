/** Local calendar dates and wall-clock times in a named zone, resolved to real instants with luxon. */
import { DateTime } from 'luxon';
import { localTimeToMinutes } from '../config/fields.ts';
import type { IsoDate, LocalTime } from '../config/fields.ts';

/**
 * The instant a wall clock in `zone` shows `time` on `date` (plus `dayOffset` days). A time that
 * does not exist (skipped by a spring-forward change) moves forward by the gap, as the clock
 * does; a time that occurs twice (fall back) is luxon's choice, the standard-time instant.
 */
export function localInstant(date: IsoDate, time: LocalTime, zone: string, dayOffset = 0): number {
  // Pure in its arguments, and asked again and again (every technician's shift and lunch on
  // every planned day, in a handful of zones): each answer is worked out once per process.
  const key = `${date}|${time}|${zone}|${dayOffset}`;
  const known = instants.get(key);
  if (known !== undefined) return known;
  if (instants.size >= MAX_REMEMBERED_INSTANTS) instants.clear();
  const at = resolveLocalInstant(date, time, zone, dayOffset);
  instants.set(key, at);
  return at;
}

const MAX_REMEMBERED_INSTANTS = 50_000;
const instants = new Map<string, number>();

function resolveLocalInstant(date: IsoDate, time: LocalTime, zone: string, dayOffset: number): number {
  const minutes = localTimeToMinutes(time);
  const day = DateTime.fromISO(date, { zone }).plus({ days: dayOffset });
  if (!day.isValid) throw new RangeError(`not a date in zone ${zone}: ${date}`);
  // Set the wall-clock fields (not "+N minutes" from midnight), so DST days keep their local times.
  return day
    .set({ hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0, millisecond: 0 })
    .toMillis();
}

/** Every date from `from` to `to`, inclusive. */
export function datesBetween(from: IsoDate, to: IsoDate): IsoDate[] {
  const out: IsoDate[] = [];
  let day = DateTime.fromISO(from, { zone: 'utc' });
  const last = DateTime.fromISO(to, { zone: 'utc' });
  if (!day.isValid || !last.isValid) throw new RangeError(`not dates "YYYY-MM-DD": ${from}, ${to}`);
  while (day <= last) {
    out.push(day.toISODate() as IsoDate);
    day = day.plus({ days: 1 });
  }
  return out;
}

/** luxon weekday of a calendar date: 1 = Monday … 7 = Sunday. */
export function weekdayOf(date: IsoDate): number {
  return DateTime.fromISO(date, { zone: 'utc' }).weekday;
}

/** The local calendar date an instant falls on in `zone`. */
export function localDateOf(epochMs: number, zone: string): IsoDate {
  return DateTime.fromMillis(epochMs, { zone }).toISODate() as IsoDate;
}
