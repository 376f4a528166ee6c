/**
 * A whole what-if: the sampled days of base and scenario, then (when asked) the staffing search
 * on the scenario. The queue runs the same two parts apart (days as partitions, the search in
 * the merge); both put them together with `whatIfResult`, so the answers are the same.
 */
import type { PreparedWhatIf } from './demand.ts';
import {
  assembleResult,
  simulateSample,
  type SampledResult,
  type SampleOutcome,
  type SimulationProgress,
} from './simulate.ts';
import { staffingSearch, type StaffingAnswer } from './staffing.ts';

export interface WhatIfResult extends SampledResult {
  /** The staffing answer found on the simulation; null when not asked for. */
  staffing: StaffingAnswer | null;
}

/** Progress units of a run: two plans per sampled day, then one per simulated staffing level. */
export function progressTotal(p: PreparedWhatIf): number {
  return p.options.samples * 2 + (p.options.staffing !== undefined ? (p.options.staffing.maxSteps ?? 8) : 0);
}

export function whatIfResult(
  p: PreparedWhatIf,
  outcomes: readonly SampleOutcome[],
  staffing: StaffingAnswer | null,
): WhatIfResult {
  return { ...assembleResult(p, outcomes), staffing };
}

export function simulate(p: PreparedWhatIf, onProgress?: (x: SimulationProgress) => void): WhatIfResult {
  const total = progressTotal(p);
  const days = p.options.samples * 2;
  const outcomes: SampleOutcome[] = [];
  for (let k = 0; k < p.options.samples; k++) {
    outcomes.push(simulateSample(p, k, () => onProgress?.({ done: 2 * k + 1, total })));
    onProgress?.({ done: 2 * k + 2, total });
  }
  const staffing = staffingSearch(p, (done) => onProgress?.({ done: days + done, total }));
  onProgress?.({ done: total, total });
  return whatIfResult(p, outcomes, staffing);
}
