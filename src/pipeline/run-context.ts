/**
 * What every stage of a planning run is given: the caller's options and ports, the setup
 * built once from the crews config, the clock's reading at the start, and the run's step
 * timings. Opening a run checks that there is something to plan.
 */
import { performance } from 'node:perf_hooks';
import type { PlanningConfig } from '../config/index.ts';
import type { Solution } from '../../solver/solution.ts';
import type { Geocoder, TravelMatrixProvider } from './solve/geography.ts';
import type { PipelineStorePort, ServicesPort } from './ports.ts';
import { silentProgress, type ProgressSink } from './progress.ts';
import type { PreflightProblem } from './setup/preflight.ts';
import { setupFromConfig } from './setup/from-config.ts';
import type { PlanningSetup } from './setup/planning-setup.ts';
import type { SolveRequest } from './solve/solve-in-worker.ts';
import { withoutTechnicians } from './read/absent-technicians.ts';
import type { PlanningIssue } from './issues.ts';
import type { PlanReport } from './report/run-report.ts';
import type { Plan } from './write/plan.ts';
import type { WriteOperation } from './write/operations.ts';
import type { WriteBackResult } from './write/write-back.ts';

export interface RunOptions {
  date: string;
  days: number;
  storeIds?: string[] | undefined;
  marketplaceId: string;
  apply: boolean;
  /** Solver wall-clock budget; default from the config. */
  solverSeconds?: number | undefined;
  /** Iteration budget instead of (or with) time: reproducible plans. */
  solverIterations?: number | undefined;
  seed?: number | undefined;
  /** Skip the pull and plan from the jobs already in the store. */
  skipPull?: boolean | undefined;
  concurrency?: number | undefined;
  /** Id for the plan record (a caller that answers with the id before the run ends); default: a new UUID. */
  planId?: string | undefined;
  /** What the stored plan is recorded as (default `nightly`). */
  kind?: 'nightly' | 'optimize_today' | undefined;
  /** Overrides the config's freeze horizon: appointments starting before now + this stay where they are. */
  freezeMinutes?: number | undefined;
  /** Technicians out for the day: taken out, their visits not yet started redistributed or reported. */
  unavailableTechnicians?: readonly string[] | undefined;
  /** Solving ends by this `performance.now()` instant (a caller with a response deadline). */
  solveDeadline?: number | undefined;
  /**
   * With `solveDeadline`: more time to leave before it for a day of this many jobs (building the
   * solver's first plan, and the plan, diff and answer after it, grow with the day's size).
   */
  solveReserveForSize?: ((jobs: number) => number) | undefined;
  /** Keep placements of the previous plan that Amazon still holds exactly (default true). */
  keepPrevious?: boolean | undefined;
}

export interface RunDeps {
  config: PlanningConfig;
  services: ServicesPort;
  store: PipelineStorePort;
  geocoder: Geocoder;
  travel: TravelMatrixProvider;
  clock: () => Date;
  progress?: ProgressSink;
  /** Who is running (for locks and the audit log). */
  actor?: string;
  /** Solves a problem off the event loop; default: a fresh worker thread per solve. */
  solve?: (req: SolveRequest) => Promise<Solution>;
}

export class RunError extends Error {
  override readonly name = 'RunError';
  constructor(
    readonly code: 'LOCKED' | 'NO_STORES' | 'NO_TECHNICIANS' | 'SOLVER_FAILED' | PreflightProblem['code'],
    message: string,
  ) {
    super(message);
  }
}

export interface RunContext {
  readonly options: RunOptions;
  readonly deps: RunDeps;
  /** Every technician of the stores: jobs are read against them all (a skill only an absent one has is still known). */
  readonly fullSetup: PlanningSetup;
  /** The technicians present: the ones planned with. */
  readonly setup: PlanningSetup;
  readonly storeIds: string[];
  readonly unavailable: ReadonlySet<string>;
  /** The clock at the start of the run. */
  readonly now: number;
  readonly progress: ProgressSink;
  /** Milliseconds per step, for the report. */
  readonly timings: Record<string, number>;
  /** Runs one step and records its time under `name`. */
  timed<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

export function openRun(options: RunOptions, deps: RunDeps): RunContext {
  const now = deps.clock().getTime();
  const timings: Record<string, number> = {};
  const unavailable = new Set(options.unavailableTechnicians ?? []);
  const fullSetup = setupFromConfig(deps.config, {
    date: options.date,
    days: options.days,
    storeIds: options.storeIds,
    ...(options.freezeMinutes !== undefined ? { overrides: { freezeMinutes: options.freezeMinutes } } : {}),
  });
  const setup = withoutTechnicians(fullSetup, unavailable);
  for (const s of setup.stores) s.marketplaceId = options.marketplaceId;
  const storeIds = setup.stores.map((s) => s.storeId);
  if (storeIds.length === 0) {
    throw new RunError(
      'NO_STORES',
      `none of the stores ${options.storeIds?.join(', ') ?? ''} is in the crews config`,
    );
  }
  if (setup.technicians.length === 0)
    throw new RunError('NO_TECHNICIANS', 'the crews config has no technician for these stores');
  return {
    options,
    deps,
    fullSetup,
    setup,
    storeIds,
    unavailable,
    now,
    progress: deps.progress ?? silentProgress,
    timings,
    timed: async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      try {
        return await fn();
      } finally {
        timings[name] = Math.round(performance.now() - t0);
      }
    },
  };
}

export type RunOutcome = 'succeeded' | 'partial' | 'nothing-to-do';

export interface RunResult {
  planId: string;
  outcome: RunOutcome;
  resumed: boolean;
  plan: Plan;
  operations: WriteOperation[];
  writeBack: WriteBackResult | undefined;
  issues: PlanningIssue[];
  report: PlanReport;
  /** Plannable jobs (with personal fields decrypted) for an opt-in dispatcher copy; never logged. */
  jobs: unknown[];
  timingsMs: Record<string, number>;
}
