/**
 * The staffing answer, found on the simulation itself: how many technicians of one skill
 * profile P (beside the scenario's technicians of other profiles) serve the target share of the
 * sampled days' jobs at a chosen percentile over the days, when each day is planned by the real
 * solver on the what-if's iteration budget.
 *
 * N technicians of P on a sampled day are the scenario's P technicians working that day, in
 * crews-config order, the first N of them, then copies of the model technician (its home,
 * shift, lunch and skills; it works every weekday, off only when the store is closed) for the
 * rest. Every (N, day) is planned on its own from the same seeded jobs, so any N's share can be
 * recomputed alone and the answer does not depend on the search's path.
 *
 * The LP (src/whatif/lp.ts, with the other profiles fixed) gives the start and a lower bound:
 * "the share at percentile f is at least the target" means at least K − ⌈f·K⌉ + 1 of the K days
 * reach it, and on every such day the LP's bound is ≤ N; so N is at least the LP bounds' sorted
 * value at index K − ⌈f·K⌉. No N below that can meet the target, so the search starts there and
 * goes up (steps 1, 2, 4, … until the target is met, then bisection), within `maxSteps`
 * simulated staffing levels. It stops early when two more levels raised the mean served share by
 * nothing (the jobs left need skills the profile lacks, or windows no one can make).
 */
import type { PlanningConfig } from '../config/index.ts';
import { WEEKDAYS } from '../config/index.ts';
import type { PlanningSetup } from '../pipeline/setup/planning-setup.ts';
import type { PreparedWhatIf, StaffingPercentile } from './demand.ts';
import { profileKey, staffingBound } from './lp.ts';
import { STORE_CLOSED } from './scenario.ts';
import {
  dayInputs,
  distribution,
  lpTechnicians,
  jobsOf,
  planDay,
  served,
  type Distribution,
  type Planned,
} from './simulate.ts';

interface StaffingStep {
  technicians: number;
  servedPct: Distribution;
  /** Sampled days whose served jobs reach the target. */
  daysMeeting: number;
  met: boolean;
}

export interface StaffingAnswer {
  profile: { like: string; skills: string[] };
  percentile: StaffingPercentile;
  targetServedPct: number;
  samples: number;
  iterations: number;
  maxSteps: number;
  /** Days that must reach the target for the percentile to: K − ⌈f·K⌉ + 1. */
  daysNeeded: number;
  /** The LP's lower bound on N (ignores travel, windows and visit order); null: no N of P reaches the target. */
  lowerBound: { technicians: number | null; perDay: (number | null)[] };
  /** The fewest technicians of P found to meet the target on the simulation; null when not reached. */
  technicians: number | null;
  servedPct: Distribution | null;
  reached: boolean;
  /** The answer is the smallest N: the level just below it was simulated (or is below the LP bound) and fails. */
  smallest: boolean;
  /** Technicians of the other profiles working on the sampled days (kept as the scenario has them). */
  otherTechnicians: Distribution;
  /** Every staffing level simulated, in the order tried. */
  steps: StaffingStep[];
  /** Why no answer was reached, or what limits it; null when it is plain. */
  note: string | null;
}

const FRACTION: Record<StaffingPercentile, number> = { p10: 0.1, median: 0.5, p90: 0.9 };
const MAX_TECHNICIANS = 200;

const cloneId = (i: number): string => `STAFF-${String(i + 1).padStart(3, '0')}`;

/** Days of K that must reach the target for the share at percentile `f` to. */
export function daysNeeded(samples: number, percentile: StaffingPercentile): number {
  return samples - Math.ceil(FRACTION[percentile] * samples) + 1;
}

/** The scenario's technician of the store whose skills cover the most sampled demand (config order on ties). */
function defaultModel(p: PreparedWhatIf): string | undefined {
  let best: { id: string; covered: number } | undefined;
  for (const t of p.scenario.technicians) {
    if (t.stores !== undefined && !t.stores.includes(p.storeId)) continue;
    const covered = p.templates.filter((j) => j.skills.every((s) => t.skills.includes(s))).length;
    if (best === undefined || covered > best.covered) best = { id: t.resourceId, covered };
  }
  return best?.id;
}

/** The scenario's config with `count` copies of the model technician, working every weekday. */
function withClones(config: PlanningConfig, modelId: string, count: number): PlanningConfig {
  const model = config.technicians.find((t) => t.resourceId === modelId)!;
  const first = WEEKDAYS.map((d) => model.shifts[d]).find((s) => s !== undefined && s !== null);
  const shifts = Object.fromEntries(WEEKDAYS.map((d) => [d, model.shifts[d] ?? first]));
  const exceptions = (model.exceptions ?? []).filter((e) => e.reason === STORE_CLOSED);
  const clones = Array.from({ length: count }, (_, i) => ({
    ...model,
    resourceId: cloneId(i),
    name: 'Staffing technician',
    shifts: shifts as typeof model.shifts,
    exceptions,
  }));
  return { ...config, technicians: [...config.technicians, ...clones] };
}

/** The day's setup with only the first `n` working technicians of the profile (others kept). */
function keepOfProfile(setup: PlanningSetup, key: string, n: number): PlanningSetup {
  let kept = 0;
  const technicians = setup.technicians.filter((t) => {
    if (profileKey(t.skills) !== key) return true;
    if (t.shifts.length === 0 || kept >= n) return false;
    kept += 1;
    return true;
  });
  const ids = new Set(technicians.map((t) => t.technicianId));
  const crews = setup.crews.filter((c) => c.members.every((m) => ids.has(m)));
  return { ...setup, technicians, crews };
}

interface Level {
  days: { jobs: number; served: number; servedPct: number }[];
}

/**
 * The sampled days planned with `n` technicians of the model's profile (beside the others),
 * each on its own: the problem planned and the solver's plan, for checking.
 */
export function staffingLevel(p: PreparedWhatIf, modelId: string, n: number): Planned[] {
  const model = p.scenario.technicians.find((t) => t.resourceId === modelId)!;
  const key = profileKey(model.skills);
  const config = withClones(p.scenario, modelId, n);
  const home = p.technicianLocation[modelId];
  const technicianLocation = { ...p.technicianLocation };
  if (home !== undefined) for (let i = 0; i < n; i++) technicianLocation[cloneId(i)] = home;
  const staffed: PreparedWhatIf = { ...p, scenario: config, technicianLocation };
  return Array.from({ length: p.options.samples }, (_, k) =>
    planDay(staffed, config, k, p.days[k % p.days.length]!, p.changes.scaleDemand, undefined, (s) =>
      keepOfProfile(s, key, n),
    ),
  );
}

function simulateLevel(p: PreparedWhatIf, modelId: string, n: number): Level {
  return {
    days: staffingLevel(p, modelId, n).map((planned) => {
      const jobs = jobsOf(planned.built);
      const done = served(planned.solution);
      return { jobs, served: done, servedPct: jobs === 0 ? 100 : Math.round((10000 * done) / jobs) / 100 };
    }),
  };
}

/** The share a day must reach, in jobs (as the LP counts it). */
const targetJobs = (jobs: number, targetPct: number): number => Math.ceil((targetPct / 100) * jobs - 1e-9);

/**
 * The LP's bound for each sampled day (fewest of the profile beside the others; null: none
 * reaches the target) and the technicians of other profiles working that day.
 */
function lowerBounds(
  p: PreparedWhatIf,
  modelId: string,
  skills: string[],
): { perDay: (number | null)[]; others: number[] } {
  const config = withClones(p.scenario, modelId, 1);
  const key = profileKey(skills);
  const perDay: (number | null)[] = [];
  const others: number[] = [];
  for (let k = 0; k < p.options.samples; k++) {
    const day = p.days[k % p.days.length]!;
    const { setup, jobs } = dayInputs(p, config, k, day, p.changes.scaleDemand);
    const lpJobs = jobs.map((j) => ({ skills: j.skills, durationMinutes: j.durationMinutes }));
    const technicians = lpTechnicians(setup);
    perDay.push(staffingBound(lpJobs, technicians, p.options.targetServedPct, skills).technicians);
    others.push(technicians.filter((t) => profileKey(t.skills) !== key).length);
  }
  return { perDay, others };
}

/** The LP bounds' sorted value at index K − ⌈f·K⌉: no N below it meets the target (see the header). */
function boundAt(perDay: readonly (number | null)[], needed: number): number | null {
  const sorted = perDay.map((b) => b ?? Infinity).sort((a, b) => a - b);
  const v = sorted[sorted.length - needed];
  return v === undefined || !Number.isFinite(v) ? null : v;
}

function step(level: Level, n: number, targetPct: number, needed: number): StaffingStep {
  const daysMeeting = level.days.filter((d) => d.served >= targetJobs(d.jobs, targetPct)).length;
  return {
    technicians: n,
    servedPct: distribution(level.days.map((d) => d.servedPct)),
    daysMeeting,
    met: daysMeeting >= needed,
  };
}

/** Two more levels of the profile raised the mean served share by nothing: more will not help. */
function plateau(steps: readonly StaffingStep[]): boolean {
  if (steps.length < 3) return false;
  return steps.at(-1)!.servedPct.mean <= steps.at(-3)!.servedPct.mean;
}

/** Whether the what-if asks for a staffing answer, and the profile's model technician. */
function staffingModel(p: PreparedWhatIf): string | undefined {
  const s = p.options.staffing;
  return s === undefined ? undefined : (s.like ?? defaultModel(p));
}

/**
 * The staffing search. `onStep` is told after each simulated level (for progress). Plain
 * computation: the same prepared what-if gives the same answer in-process and in the queue.
 */
export function staffingSearch(
  p: PreparedWhatIf,
  onStep?: (done: number, of: number) => void,
): StaffingAnswer | null {
  const options = p.options.staffing;
  const modelId = staffingModel(p);
  if (options === undefined || modelId === undefined) return null;
  const model = p.scenario.technicians.find((t) => t.resourceId === modelId);
  if (model === undefined) return null;
  const skills = [...new Set(model.skills)].sort();
  const percentile = options.percentile ?? 'median';
  const maxSteps = options.maxSteps ?? 8;
  const target = p.options.targetServedPct;
  const needed = daysNeeded(p.options.samples, percentile);
  const { perDay, others } = lowerBounds(p, modelId, skills);
  const bound = boundAt(perDay, needed);
  const steps: StaffingStep[] = [];
  const tryLevel = (n: number): StaffingStep => {
    const level = simulateLevel(p, modelId, n);
    const s = step(level, n, target, needed);
    steps.push(s);
    onStep?.(steps.length, maxSteps);
    return s;
  };
  let note: string | null = null;
  let lo = bound === null ? MAX_TECHNICIANS : bound - 1;
  let hi: StaffingStep | undefined;
  if (bound === null)
    note = `no number of technicians of this profile reaches ${target} % on ${needed} of ${p.options.samples} sampled days, even ignoring travel and windows (jobs need skills the crews lack)`;
  else {
    // Up from the LP's bound (steps 1, 2, 4, …) until the target is met, then bisection.
    let n = bound;
    let stride = 1;
    while (hi === undefined && steps.length < maxSteps && n <= MAX_TECHNICIANS) {
      const s = tryLevel(n);
      if (s.met) hi = s;
      else if (plateau(steps)) {
        note = `adding technicians of this profile stopped raising the served share (mean ${steps.at(-3)!.servedPct.mean} % with ${steps.at(-3)!.technicians}, ${s.servedPct.mean} % with ${n}): the jobs left need other skills, or windows no one can make`;
        break;
      } else {
        lo = n;
        n = Math.min(MAX_TECHNICIANS + 1, n + stride);
        stride *= 2;
      }
    }
    while (hi !== undefined && hi.technicians - lo > 1 && steps.length < maxSteps) {
      const s = tryLevel(Math.floor((lo + hi.technicians) / 2));
      if (s.met) hi = s;
      else lo = s.technicians;
    }
    if (hi === undefined)
      note ??= `the target was not met within ${maxSteps} simulated staffing levels (up to ${lo} technicians of this profile)`;
    else if (hi.technicians - lo > 1)
      note = `${maxSteps} simulated staffing levels were not enough to tell whether fewer than ${hi.technicians} (more than ${lo}) meet the target`;
  }
  return {
    profile: { like: modelId, skills },
    percentile,
    targetServedPct: target,
    samples: p.options.samples,
    iterations: p.options.iterations,
    maxSteps,
    daysNeeded: needed,
    lowerBound: { technicians: bound, perDay },
    technicians: hi?.technicians ?? null,
    servedPct: hi?.servedPct ?? null,
    reached: hi !== undefined,
    smallest: hi !== undefined && hi.technicians - lo <= 1,
    otherTechnicians: distribution(others),
    steps,
    note,
  };
}
