import type { AvailabilityRule } from '../schedule-rules.ts';
import { DAYS_OF_WEEK } from '../schedule-rules.ts';
import { DAY_MS, parseIsoInstant } from '../time.ts';
import { isRecord } from './context.ts';

/** Reads an AvailabilityRecord from the wire; schedule and reservation writes share it. */

/** Longest span one record may speak for, so a typo in a year cannot make every query expand forever. */
const MAX_ENVELOPE_MS = 2 * 366 * DAY_MS;

export function readAvailability(
  value: unknown,
): { ok: true; rule: AvailabilityRule } | { ok: false; problem: string } {
  if (!isRecord(value)) return { ok: false, problem: 'availability must be an object' };
  const start = parseIsoInstant(value.startTime);
  const end = parseIsoInstant(value.endTime);
  if (!start) return { ok: false, problem: 'startTime is not a valid ISO date/time object' };
  if (!end) return { ok: false, problem: 'endTime is not a valid ISO date/time object' };
  if (end.ms <= start.ms) return { ok: false, problem: 'endTime should be after startTime' };
  let capacity = 1;
  if (value.capacity !== undefined) {
    if (
      typeof value.capacity !== 'number' ||
      !Number.isInteger(value.capacity) ||
      value.capacity < 1 ||
      value.capacity > 10_000
    ) {
      return { ok: false, problem: 'capacity must be an integer of at least 1' };
    }
    capacity = value.capacity;
  }
  let recurrence: AvailabilityRule['recurrence'];
  if (value.recurrence !== undefined) {
    const r = value.recurrence;
    if (!isRecord(r)) return { ok: false, problem: 'recurrence must be an object' };
    const rEnd = parseIsoInstant(r.endTime);
    if (!rEnd) return { ok: false, problem: 'recurrence endTime is not a valid ISO date/time object' };
    if (rEnd.ms < start.ms)
      return { ok: false, problem: 'recurrence endTime should not be before startTime' };
    const days = r.daysOfWeek ?? [];
    if (!Array.isArray(days) || !days.every((d) => (DAYS_OF_WEEK as readonly unknown[]).includes(d))) {
      return { ok: false, problem: 'daysOfWeek must hold MONDAY to SUNDAY' };
    }
    const monthDays = r.daysOfMonth ?? [];
    if (
      !Array.isArray(monthDays) ||
      !monthDays.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 1 && d <= 31)
    ) {
      return { ok: false, problem: 'daysOfMonth must hold integers from 1 to 31' };
    }
    recurrence = {
      endMs: rEnd.ms,
      daysOfWeek: (days as string[]).map((d) => DAYS_OF_WEEK.indexOf(d as (typeof DAYS_OF_WEEK)[number]) + 1),
      daysOfMonth: monthDays as number[],
    };
  }
  const envelopeEnd = recurrence ? Math.max(end.ms, recurrence.endMs) : end.ms;
  if (envelopeEnd - start.ms > MAX_ENVELOPE_MS)
    return { ok: false, problem: 'the record spans more than two years' };
  return {
    ok: true,
    rule: {
      startMs: start.ms,
      endMs: end.ms,
      capacity,
      zone: start.offsetMinutes,
      ...(recurrence ? { recurrence } : {}),
    },
  };
}
