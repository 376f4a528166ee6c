/** Progress of the long steps, reported to whatever displays it (bars on a terminal, plain lines otherwise). */

export type StepName =
  | 'purge'
  | 'pull'
  | 'normalise'
  | 'geocode'
  | 'matrix'
  | 'solve'
  | 'diff'
  | 'write-back'
  | 'report'
  | 'what-if'
  | 'capacity'
  | 'publish';

interface StepProgress {
  /** `value` of `total` done; `detail` is a short id-only note (e.g. "best cost 1234"). */
  update(value: number, total: number | undefined, detail?: string): void;
  done(summary: string): void;
}

export interface ProgressSink {
  start(step: StepName, label: string): StepProgress;
  /** A line for the operator; ids only. */
  note(message: string): void;
}

export const silentProgress: ProgressSink = {
  start: () => ({ update: () => {}, done: () => {} }),
  note: () => {},
};

/**
 * One update of the solve bar. The bar spans the whole solve budget: `value` is the seconds
 * since solving began (the pass's start plus its own elapsed time), so the time left runs down
 * across passes. The detail shows jobs placed and, when known, the travel of the best plan so
 * far; never the solver's internal cost, and no time left (the display adds it from the bar).
 */
export function solveUpdate(p: {
  label: string;
  /** Milliseconds since solving began when this pass started. */
  passBeganMs: number;
  /** Milliseconds this pass has run. */
  elapsedMs: number;
  /** The whole solve budget, milliseconds. */
  budgetMs: number;
  jobs: number;
  unassigned: number;
  /** Travel of the best plan so far, seconds. */
  travelSeconds?: number | undefined;
}): { value: number; total: number; detail: string } {
  const total = Math.max(1, Math.round(p.budgetMs / 1000));
  const value = Math.min(total, Math.max(0, Math.round((p.passBeganMs + p.elapsedMs) / 1000)));
  const travel = p.travelSeconds !== undefined ? `, travel ${(p.travelSeconds / 3600).toFixed(1)} h` : '';
  return { value, total, detail: `${p.label}: ${p.jobs - p.unassigned} of ${p.jobs} jobs placed${travel}` };
}

/** The detail of a write-back update: counts only (the display adds the time left). */
export function writeBackDetail(p: { calls: number; failed: number }): string {
  return `${p.calls} calls, ${p.failed} failed`;
}

/** The detail of a capacity publication's update: calls made and refused so far. */
export function publishDetail(p: { calls: number; failed: number }): string {
  return `${p.calls} calls, ${p.failed} refused`;
}

/**
 * One update of the what-if bar from the simulation's own count (each sampled day is planned
 * twice, base then scenario): `value` sampled days done of `total`, and the half-day under way.
 */
export function whatIfUpdate(
  p: { done: number; total: number },
  samples: number = Math.ceil(p.total / 2),
): {
  value: number;
  total: number;
  detail: string;
} {
  // Two plans per sampled day (base, scenario), then one per staffing level simulated.
  const days = Math.max(1, samples);
  const levels = Math.max(0, p.total - 2 * samples);
  const inDays = Math.min(p.done, 2 * samples);
  const dayValue = Math.min(days, Math.floor(inDays / 2));
  const levelValue = Math.min(levels, Math.max(0, p.done - 2 * samples));
  const value = dayValue + levelValue;
  const total = days + levels;
  const detail =
    value === total
      ? levels > 0
        ? `every sampled day planned, ${levels} staffing levels searched`
        : 'every sampled day planned'
      : p.done < 2 * samples
        ? inDays % 2 === 1
          ? `day ${dayValue + 1}: base planned`
          : ''
        : `staffing level ${levelValue + 1} of at most ${levels}`;
  return { value, total, detail };
}
