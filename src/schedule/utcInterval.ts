/**
 * A span of real time as epoch milliseconds (UTC). Plain numbers so that intervals compare,
 * serialise and convert to solver seconds without a date library in between.
 */
export interface UtcInterval {
  /** Inclusive start, epoch milliseconds. */
  start: number;
  /** Exclusive end, epoch milliseconds. */
  end: number;
}

export function intervalMinutes(interval: UtcInterval): number {
  return (interval.end - interval.start) / 60_000;
}

/** The overlap of two intervals, or undefined when they do not overlap. */
export function intersect(a: UtcInterval, b: UtcInterval): UtcInterval | undefined {
  const start = Math.max(a.start, b.start);
  const end = Math.min(a.end, b.end);
  return end > start ? { start, end } : undefined;
}
