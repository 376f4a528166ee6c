/**
 * The solver works in plain seconds from a reference instant (see solver/problem.ts). This is
 * the one place where real instants and solver seconds are converted, both ways.
 */
import type { TimeWindow } from '../../solver/problem.ts';
import type { UtcInterval } from './utcInterval.ts';

export class SolverClock {
  /** @param reference epoch milliseconds that solver time 0 stands for. */
  constructor(readonly reference: number) {}

  toSeconds(epochMs: number): number {
    return (epochMs - this.reference) / 1000;
  }

  toEpochMs(seconds: number): number {
    return this.reference + seconds * 1000;
  }

  /**
   * A solver time window for a real interval. The solver only knows times from 0 on, so the part
   * before the reference is cut off; an interval entirely before it has no window (undefined).
   */
  window(interval: UtcInterval): TimeWindow | undefined {
    const start = this.toSeconds(interval.start);
    const end = this.toSeconds(interval.end);
    if (end < 0) return undefined;
    return { start: Math.max(0, start), end };
  }

  interval(window: TimeWindow): UtcInterval {
    return { start: this.toEpochMs(window.start), end: this.toEpochMs(window.end) };
  }
}
