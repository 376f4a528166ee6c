/**
 * Small field schemas shared by the planning configuration: local wall-clock times,
 * calendar dates, IANA time zones and weekdays.
 */
import { IANAZone } from 'luxon';
import { z } from 'zod';

const LOCAL_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** A wall-clock time in the technician's or store's own zone, "HH:mm", 24-hour. */
export const LocalTimeSchema = z
  .string({ error: 'expected a local time "HH:mm" (24-hour, e.g. "08:00")' })
  .regex(LOCAL_TIME, { error: 'expected a local time "HH:mm" (24-hour, 00:00 to 23:59, e.g. "08:00")' });
export type LocalTime = z.infer<typeof LocalTimeSchema>;

/** Minutes after local midnight for a validated "HH:mm". */
export function localTimeToMinutes(time: LocalTime): number {
  const minutes = tryLocalTimeToMinutes(time);
  if (minutes === undefined) throw new RangeError(`not a local time "HH:mm": ${time}`);
  return minutes;
}

/**
 * Minutes after midnight, or undefined for a malformed time. Refinements use this: zod runs
 * an object's refinement even when a field failed its own format check.
 */
export function tryLocalTimeToMinutes(time: string): number | undefined {
  const match = LOCAL_TIME.exec(time);
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date "YYYY-MM-DD" (a local date, no zone). */
export const IsoDateSchema = z
  .string({ error: 'expected a date "YYYY-MM-DD"' })
  .regex(ISO_DATE, { error: 'expected a date "YYYY-MM-DD"' })
  .refine((s) => isRealDate(s), { error: 'expected a real calendar date "YYYY-MM-DD"' });
export type IsoDate = z.infer<typeof IsoDateSchema>;

function isRealDate(s: string): boolean {
  const [y, m, d] = s.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** An IANA time zone name such as "America/Los_Angeles" (not an offset, not "PST"). */
export const TimeZoneSchema = z
  .string({ error: 'expected an IANA time zone name such as "America/Los_Angeles"' })
  // Intl also accepts legacy abbreviations like "PST" or "EST", which hide DST rules: require Area/Location.
  .refine(
    (zone) => (zone === 'UTC' || /^[A-Za-z]+\/[A-Za-z0-9_+\-/]+$/.test(zone)) && IANAZone.isValidZone(zone),
    {
      error: (issue) =>
        `unknown time zone ${JSON.stringify(issue.input)}: expected an IANA name such as "America/New_York"`,
    },
  );

export const WEEKDAYS = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const WeekdaySchema = z.enum(WEEKDAYS, { error: `expected a weekday: ${WEEKDAYS.join(', ')}` });

/** luxon's weekday numbering: 1 = Monday … 7 = Sunday. */
export function weekdayName(luxonWeekday: number): Weekday {
  const name = WEEKDAYS[luxonWeekday - 1];
  if (!name) throw new RangeError(`weekday number out of range 1..7: ${luxonWeekday}`);
  return name;
}

export const PositiveMinutesSchema = z
  .number({ error: 'expected a number of minutes' })
  .int({ error: 'expected a whole number of minutes' })
  .positive({ error: 'expected a positive number of minutes' });
