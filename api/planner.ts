/**
 * Planning runs started by the API: the nightly pipeline (`runPlanning`) with the pool as
 * its solver, the store as its store and the server's Services client. A run answers with
 * its plan id at once and goes on in the background; its progress is kept here while it
 * runs, its result in the store. A run that fails before its plan is stored is recorded as
 * a failed plan, so the id a client got always resolves.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DateTime } from 'luxon';
import type { ProgressSink, StepName } from '../src/pipeline/progress.ts';
import { pullJobs } from '../src/pipeline/read/pull.ts';
import { RunError, runPlanning, type RunOptions, type RunResult } from '../src/pipeline/run.ts';
import { setupFromConfig } from '../src/pipeline/setup/from-config.ts';
import { preflight } from '../src/pipeline/setup/preflight.ts';
import { StoreError } from '../src/store/index.ts';
import type { Logger } from 'pino';
import type { PlanningConfig } from '../src/config/index.ts';
import type { Geocoder, TravelMatrixProvider } from '../src/pipeline/solve/geography.ts';
import type { PipelineStorePort, ServicesPort } from '../src/pipeline/ports.ts';
import type { Store } from '../src/store/index.ts';
import { boardCache } from './board-cache.ts';
import type { ApiMetrics } from './metrics.ts';
import type { SolverPool } from './solver/pool.ts';

interface RunProgress {
  step: StepName | 'queued';
  label: string;
  value: number | undefined;
  total: number | undefined;
  detail: string | undefined;
  notes: string[];
}

export interface RunState {
  planId: string;
  kind: 'nightly' | 'optimize_today';
  status: 'running' | 'succeeded' | 'partial' | 'failed';
  storeIds: string[];
  startedAt: string;
  finishedAt: string | undefined;
  progress: RunProgress;
  result: RunResult | undefined;
  error: { code: string; message: string } | undefined;
}

export interface StartRun extends Omit<RunOptions, 'planId' | 'marketplaceId'> {
  kind?: 'nightly' | 'optimize_today';
  actor?: string;
}

const KEEP_FINISHED_MS = 60 * 60_000;

/** What a planning run needs of the server (its ApiContext, which also keys the board cache). */
export interface PlannerDeps {
  config: PlanningConfig;
  store: Store;
  pipelineStore: PipelineStorePort;
  services(): ServicesPort;
  marketplaceId: string;
  geocoder: Geocoder;
  travel: TravelMatrixProvider;
  clock: () => Date;
  logger: Logger;
  solver: SolverPool;
  metrics: ApiMetrics;
}

/** An error a run can meet that is the caller's or the world's, not a fault of the server. */
function runErrorCode(err: unknown): { code: string; message: string } {
  if (err instanceof RunError) return { code: err.code, message: err.message };
  if (err instanceof StoreError) return { code: err.code, message: err.message };
  return { code: 'RUN_FAILED', message: (err as Error).message ?? String(err) };
}

export class Planner {
  readonly #runs = new Map<string, RunState>();
  readonly #inflight = new Set<Promise<unknown>>();
  #readingAhead: Promise<void> | undefined;

  constructor(private readonly ctx: PlannerDeps) {}

  get(planId: string): RunState | undefined {
    return this.#runs.get(planId);
  }

  /** Runs that have not finished, for overlap checks. */
  running(): RunState[] {
    return [...this.#runs.values()].filter((r) => r.status === 'running');
  }

  /** Starts a run in the background; returns its plan id at once. */
  start(request: StartRun): RunState {
    const state = this.#newState(request.kind ?? 'nightly', this.#storesOf(request));
    const done = this.#execute(state, request).catch(() => undefined);
    this.#inflight.add(done);
    void done.finally(() => this.#inflight.delete(done));
    return state;
  }

  /**
   * Reads ahead what every run needs first, once, as soon as the server listens: the check that
   * the crews config's resources are the seller's (remembered for an hour) and the stores' service
   * jobs into the store. The first pull reads every page of the lookback, which grows with the
   * seller; runs after it ask Amazon only what changed since. A run started meanwhile waits for
   * it rather than reading the same pages again. A failure is logged and not kept: the run that
   * follows checks and pulls for itself, and reports what it meets.
   */
  readAhead(): Promise<void> {
    this.#readingAhead ??= this.#readAheadNow().catch((err: unknown) => {
      this.ctx.logger.warn(
        { err: (err as Error).message },
        'reading ahead failed; the next run reads for itself',
      );
    });
    return this.#readingAhead;
  }

  async #readAheadNow(): Promise<void> {
    const { ctx } = this;
    if (ctx.config.stores.length === 0) return;
    const t0 = performance.now();
    const now = ctx.clock().getTime();
    // The latest of the stores' local dates: today, and in the past for none of them.
    const date = ctx.config.stores
      .map((s) => DateTime.fromMillis(now, { zone: s.timeZone }).toISODate()!)
      .reduce((a, b) => (b > a ? b : a));
    const setup = setupFromConfig(ctx.config, { date, days: 1 });
    const services = ctx.services();
    await preflight(setup, { date, marketplaceId: ctx.marketplaceId }, services, now);
    const pulled = await pullJobs(services, ctx.pipelineStore, {
      storeIds: ctx.config.stores.map((s) => s.storeId),
      marketplaceId: ctx.marketplaceId,
      now,
      lookbackDays: setup.rules.pullLookbackDays,
    });
    ctx.logger.info(
      {
        jobs: pulled.jobs,
        pages: pulled.pages,
        notPlannable: pulled.issues.length,
        ms: Math.round(performance.now() - t0),
      },
      'read ahead: service jobs pulled',
    );
  }

  /** Runs and waits for the result (optimize-today answers with it). */
  async run(request: StartRun): Promise<RunState> {
    const state = this.#newState(request.kind ?? 'nightly', this.#storesOf(request));
    await this.#execute(state, request);
    return state;
  }

  /** Waits for background runs (server shutdown). */
  async drain(): Promise<void> {
    await Promise.all([...this.#inflight]);
  }

  #storesOf(request: StartRun): string[] {
    return request.storeIds !== undefined && request.storeIds.length > 0
      ? [...request.storeIds]
      : this.ctx.config.stores.map((s) => s.storeId);
  }

  #newState(kind: RunState['kind'], storeIds: string[]): RunState {
    const now = this.ctx.clock();
    for (const [id, r] of this.#runs) {
      if (r.finishedAt !== undefined && now.getTime() - Date.parse(r.finishedAt) > KEEP_FINISHED_MS)
        this.#runs.delete(id);
    }
    const state: RunState = {
      planId: randomUUID(),
      kind,
      status: 'running',
      storeIds,
      startedAt: now.toISOString(),
      finishedAt: undefined,
      progress: {
        step: 'queued',
        label: 'Queued',
        value: undefined,
        total: undefined,
        detail: undefined,
        notes: [],
      },
      result: undefined,
      error: undefined,
    };
    this.#runs.set(state.planId, state);
    return state;
  }

  async #execute(state: RunState, request: StartRun): Promise<void> {
    const { ctx } = this;
    const t0 = performance.now();
    const { kind: _kind, actor, ...options } = request;
    try {
      if (this.#readingAhead !== undefined) await this.#readingAhead;
      const result = await runPlanning(
        { ...options, kind: state.kind, planId: state.planId, marketplaceId: ctx.marketplaceId },
        {
          config: ctx.config,
          services: ctx.services(),
          store: ctx.pipelineStore,
          geocoder: ctx.geocoder,
          travel: ctx.travel,
          clock: ctx.clock,
          progress: this.#progressSink(state),
          actor: actor ?? 'api',
          solve: (req) => ctx.solver.solve(req),
        },
      );
      // A resumed run carries the id of the plan it resumed.
      if (result.planId !== state.planId) {
        this.#runs.delete(state.planId);
        state.planId = result.planId;
        this.#runs.set(state.planId, state);
      }
      state.result = result;
      state.status = result.outcome === 'partial' ? 'partial' : 'succeeded';
    } catch (err) {
      state.status = 'failed';
      state.error = runErrorCode(err);
      ctx.logger.warn({ planId: state.planId, code: state.error.code }, 'planning run failed');
      await this.#recordFailure(state, request).catch((e: unknown) =>
        ctx.logger.error({ planId: state.planId, err: e }, 'could not record the failed run'),
      );
    } finally {
      // Jobs were pulled, personal data purged, a plan changed: boards are built again.
      boardCache(ctx).clear();
      state.finishedAt = ctx.clock().toISOString();
      ctx.metrics.planDuration.observe(
        { kind: state.kind, outcome: state.status },
        (performance.now() - t0) / 1000,
      );
    }
  }

  async #recordFailure(state: RunState, request: StartRun): Promise<void> {
    const plans = this.ctx.store.plans;
    const failure = { code: state.error?.code ?? 'RUN_FAILED', message: state.error?.message ?? '' };
    const existing = await plans.get(state.planId);
    if (existing === undefined) {
      const days = request.days;
      const end = new Date(Date.parse(`${request.date}T00:00:00Z`) + (days - 1) * 86_400_000)
        .toISOString()
        .slice(0, 10);
      await plans.create({
        planId: state.planId,
        kind: state.kind,
        periodStart: request.date,
        periodEnd: end,
        storeIds: state.storeIds,
      });
      await plans.finish(state.planId, { status: 'failed', failure });
    } else if (existing.status === 'running') {
      await plans.finish(state.planId, { status: 'failed', failure });
    }
  }

  #progressSink(state: RunState): ProgressSink {
    return {
      start(step, label) {
        state.progress = {
          ...state.progress,
          step,
          label,
          value: undefined,
          total: undefined,
          detail: undefined,
        };
        return {
          update(value, total, detail) {
            state.progress.value = value;
            state.progress.total = total;
            state.progress.detail = detail;
          },
          done(summary) {
            state.progress.detail = summary;
          },
        };
      },
      note(message) {
        state.progress.notes = [...state.progress.notes.slice(-19), message];
      },
    };
  }
}
