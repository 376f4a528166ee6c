import { DateTime, FixedOffsetZone } from 'luxon';
import type { Zone } from 'luxon';

/**
 * Availability rules as Amazon's AvailabilityRecord describes them: a first occurrence
 * (startTime..endTime) that optionally repeats every matching day until the recurrence's endTime.
 * The calendar days are those of the record's own time zone: its literal offset for records written
 * over the wire, the crew's IANA zone for the seeded ones (so seeded shifts follow DST).
 */
export const DAYS_OF_WEEK = [
  'MONDAY',
  'TUESDAY',
  'WEDNESDAY',
  'THURSDAY',
  'FRIDAY',
  'SATURDAY',
  'SUNDAY',
] as const;
type DayOfWeek = (typeof DAYS_OF_WEEK)[number];

interface RecurrenceRule {
  readonly endMs: number;
  /** ISO weekday numbers, 1 = Monday. Empty = no filter. */
  readonly daysOfWeek: readonly number[];
  readonly daysOfMonth: readonly number[];
}

export interface AvailabilityRule {
  readonly startMs: number;
  readonly endMs: number;
  readonly recurrence?: RecurrenceRule;
  readonly capacity: number;
  /** IANA zone name or a fixed offset in minutes east of UTC. */
  readonly zone: string | number;
}

export interface Interval {
  readonly start: number;
  readonly end: number;
  readonly value: number;
}

function zoneOf(zone: string | number): Zone | string {
  return typeof zone === 'number' ? FixedOffsetZone.instance(zone) : zone;
}

/**
 * The span a schedule record speaks for: whole days (in the record's zone) from its start to its
 * last possible occurrence. A record says "on these days the resource is available at these hours",
 * so within its days it replaces what was scheduled before, hours outside its window included.
 */
export function envelopeOf(rule: AvailabilityRule): { start: number; end: number } {
  const zone = zoneOf(rule.zone);
  const last = rule.recurrence ? Math.max(rule.endMs, rule.recurrence.endMs) : rule.endMs;
  return {
    start: DateTime.fromMillis(rule.startMs, { zone }).startOf('day').toMillis(),
    end:
      DateTime.fromMillis(last - 1, { zone })
        .endOf('day')
        .toMillis() + 1,
  };
}

/** Occurrences of the rule that overlap [from, to). */
export function expandRule(rule: AvailabilityRule, from: number, to: number): Interval[] {
  const length = rule.endMs - rule.startMs;
  if (length <= 0) return [];
  if (!rule.recurrence) {
    return rule.endMs > from && rule.startMs < to
      ? [{ start: rule.startMs, end: rule.endMs, value: rule.capacity }]
      : [];
  }
  const out: Interval[] = [];
  const zone = zoneOf(rule.zone);
  const first = DateTime.fromMillis(rule.startMs, { zone });
  const recurrence = rule.recurrence;
  // Skip whole days before the query window.
  const skipDays = Math.max(0, Math.floor((from - rule.endMs) / 86_400_000) - 1);
  for (let k = skipDays; ; k++) {
    const occurrence = first.plus({ days: k });
    const start = occurrence.toMillis();
    if (start > recurrence.endMs || start >= to) break;
    const end = start + length;
    if (end <= from) continue;
    if (recurrence.daysOfWeek.length > 0 && !recurrence.daysOfWeek.includes(occurrence.weekday)) continue;
    if (recurrence.daysOfMonth.length > 0 && !recurrence.daysOfMonth.includes(occurrence.day)) continue;
    out.push({ start, end, value: rule.capacity });
  }
  return out;
}

export interface WeeklyShift {
  readonly day: DayOfWeek;
  /** Local wall-clock time, HH:mm. */
  readonly start: string;
  readonly end: string;
}

/** Concrete shift intervals of a weekly pattern in a time zone, overlapping [from, to). */
export function expandWeeklyShifts(
  shifts: readonly WeeklyShift[],
  zone: string,
  from: number,
  to: number,
): Interval[] {
  const out: Interval[] = [];
  let byDay = shiftDays.get(shifts)?.get(zone);
  if (byDay === undefined) {
    byDay = new Map();
    const zones = shiftDays.get(shifts) ?? new Map<string, Map<number, readonly Interval[]>>();
    zones.set(zone, byDay);
    shiftDays.set(shifts, zones);
  }
  for (const key of localDaysOver(zone, from, to)) {
    let intervals = byDay.get(key);
    if (intervals === undefined) {
      intervals = shiftsOn(shifts, DateTime.fromMillis(key, { zone }));
      byDay.set(key, intervals);
    }
    for (const i of intervals) if (i.end > from && i.start < to) out.push(i);
  }
  return out;
}

/** Local midnights (epoch ms) from the day before `from` to the day of `to`, by zone and span. */
const daysOver = new Map<string, readonly number[]>();
const DAYS_OVER_KEPT = 10_000;

function localDaysOver(zone: string, from: number, to: number): readonly number[] {
  const key = `${zone}|${from}|${to}`;
  let days = daysOver.get(key);
  if (days === undefined) {
    const out: number[] = [];
    let day = DateTime.fromMillis(from, { zone }).startOf('day').minus({ days: 1 });
    const last = DateTime.fromMillis(to, { zone }).endOf('day');
    while (day <= last) {
      out.push(day.toMillis());
      day = day.plus({ days: 1 });
    }
    if (daysOver.size >= DAYS_OVER_KEPT) daysOver.clear();
    daysOver.set(key, out);
    days = out;
  }
  return days;
}

/**
 * A weekly pattern's intervals on each local day, by pattern and zone: capacity questions ask
 * for the same crews' same days many times over, and each local time costs a zone lookup.
 */
const shiftDays = new WeakMap<readonly WeeklyShift[], Map<string, Map<number, readonly Interval[]>>>();

function shiftsOn(shifts: readonly WeeklyShift[], day: DateTime): readonly Interval[] {
  const name = DAYS_OF_WEEK[day.weekday - 1];
  const out: Interval[] = [];
  for (const shift of shifts) {
    if (shift.day !== name) continue;
    out.push({ start: atClock(day, shift.start), end: atClock(day, shift.end), value: 1 });
  }
  return out;
}

export function atClock(day: DateTime, clock: string): number {
  const [h, m] = clock.split(':').map(Number);
  return day.set({ hour: h ?? 0, minute: m ?? 0, second: 0, millisecond: 0 }).toMillis();
}
