import { DateTime } from 'luxon';

/**
 * Clocks for the sandbox. A sandbox seeded at a pinned instant must not then see the real date:
 * its appointments, tokens and request log would all be measured against another day.
 */

/**
 * A clock that reads `from` when created and then runs at wall speed. Monotonic time drives it, so
 * arrival intervals in the request log are real while the date stays the pinned one.
 */
export function runningClock(from: Date | number): () => Date {
  const startMs = typeof from === 'number' ? from : from.getTime();
  const origin = performance.now();
  return () => new Date(startMs + Math.round(performance.now() - origin));
}

/**
 * The earliest first planning day a sandbox seeded at `nowMs` accepts: the day before today in UTC,
 * so that "today" in any US zone (which may be yesterday in UTC) still counts.
 */
export function earliestStartDate(nowMs: number): string {
  return DateTime.fromMillis(nowMs, { zone: 'UTC' }).minus({ days: 1 }).toISODate() ?? '';
}
