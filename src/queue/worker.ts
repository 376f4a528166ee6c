/**
 * `fieldplan worker`: takes partitions off the queue and runs them — a store's planning
 * horizon (the nightly pipeline, journaled write-back), a nightly firing (adds its store's
 * partition once per date), a what-if's preparation, sampled day and merge, a capacity
 * publication. Its Services client takes Amazon's tokens from the seller's buckets in Redis,
 * shared with every other worker.
 *
 * A worker killed mid-partition leaves its BullMQ lock to expire; stalled-job detection in
 * another worker puts the partition back, and the next run of it resumes the stored plan from
 * the write-back journal (what Amazon already took is not sent again). The plan lock the dead
 * worker held in the store is released by the worker that takes the partition over: BullMQ
 * gives a partition to one worker at a time, so that lock can only be a previous attempt's.
 * A previous attempt on the same host whose process still runs (it was late renewing its
 * queue lock on a busy machine) is waited for instead, so that two never plan one store.
 */
import { serialize, deserialize } from 'node:v8';
import { Worker as Thread } from 'node:worker_threads';
import type { Redis } from 'ioredis';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { DateTime } from 'luxon';
import type { Logger } from 'pino';
import type { ApiContext } from '../../api/context.ts';
import { amazonCapacityPort } from '../capacity/amazon.ts';
import { publishCapacity } from '../capacity/publish.ts';
import { AmazonCapacityError, CapacityQueryError } from '../capacity/index.ts';
import { DayModelError } from '../capacity/day-model.ts';
import type { ProgressSink } from '../pipeline/progress.ts';
import { holderState, lockHolderName } from '../pipeline/lock-holder.ts';
import { RunError, runPlanning } from '../pipeline/run.ts';
import { siblingModuleUrl, tsxWorkerSource } from '../pipeline/solve/tsx-worker.ts';
import { StoreError } from '../store/index.ts';
import { prepareWhatIf, ScenarioError, type PreparedWhatIf, type WhatIfChanges } from '../whatif/index.ts';
import { whatIfResult } from '../whatif/run.ts';
import type { SampleOutcome } from '../whatif/simulate.ts';
import type { StaffingAnswer } from '../whatif/staffing.ts';
import type { QueueClient } from './client.ts';
import {
  jobId,
  PARTITION_QUEUE,
  partitionJobOptions,
  type CapacityData,
  type NightlyTriggerData,
  type PlanPartitionData,
  type WhatIfDayData,
  type WhatIfMergeData,
  type WhatIfPrepareData,
} from './jobs.ts';
import type { QueueState } from './state.ts';

export interface WorkerOptions {
  client: QueueClient;
  /** Blocking Redis connection for the BullMQ worker. */
  connection: Redis;
  /** The sellers this worker serves, by seller id. */
  sellers: ReadonlyMap<string, ApiContext>;
  concurrency?: number;
  /** BullMQ lock of an active partition; a worker silent this long is taken as dead (default 30 s). */
  lockDurationMs?: number;
  /** How often workers look for stalled partitions (default 15 s). */
  stalledIntervalMs?: number;
  /** A partition stalled more often than this fails (default 5). */
  maxStalledCount?: number;
  logger: Logger;
}

const PROGRESS_EVERY_MS = 1_000;

const dayKey = (sample: number): string => `day-${String(sample).padStart(3, '0')}`;

/** Errors that retrying cannot mend: the request or the configuration is wrong. */
/** How long a partition waits for a previous attempt on this host that still runs. */
const PREVIOUS_ATTEMPT_WAIT_MS = 30 * 60_000;

const PERMANENT_RUN_ERRORS = new Set(['NO_STORES', 'NO_TECHNICIANS', 'DATE_IN_PAST', 'UNKNOWN_RESOURCES']);

/** PostgreSQL unreachable or gone: the partition fails with this, and is retried with backoff. */
export function describeFailure(err: unknown): { code: string; message: string; permanent: boolean } {
  const e = err as { code?: string; message?: string };
  const pgDown =
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      'ENOTFOUND',
      '57P01',
      '57P02',
      '57P03',
      '08006',
      '08001',
      '08003',
    ].includes(e.code ?? '') ||
    /Connection terminated|connection timeout|the database system is (starting|shutting) down/i.test(
      e.message ?? '',
    );
  if (pgDown)
    return {
      code: 'STORE_UNAVAILABLE',
      message: `PostgreSQL is not reachable (${e.code ?? e.message ?? 'no answer'}); the partition is retried with backoff`,
      permanent: false,
    };
  if (err instanceof RunError)
    return { code: err.code, message: err.message, permanent: PERMANENT_RUN_ERRORS.has(err.code) };
  if (err instanceof ScenarioError) return { code: 'BAD_SCENARIO', message: err.message, permanent: true };
  if (err instanceof StoreError) return { code: err.code, message: err.message, permanent: false };
  return { code: 'PARTITION_FAILED', message: e.message ?? String(err), permanent: false };
}

/** One sampled day (a number) or the staffing search, in a thread of its own. */
function simulateSampleInThread(prepared: PreparedWhatIf, sample: number): Promise<SampleOutcome>;
function simulateSampleInThread(prepared: PreparedWhatIf, sample: 'staffing'): Promise<StaffingAnswer | null>;
function simulateSampleInThread(
  prepared: PreparedWhatIf,
  sample: number | 'staffing',
): Promise<SampleOutcome | StaffingAnswer | null> {
  const url = siblingModuleUrl('sample-thread', import.meta.url);
  const thread = new Thread(tsxWorkerSource(url), { eval: true, workerData: { prepared, sample } });
  return new Promise((resolve, reject) => {
    let settled = false;
    thread.on(
      'message',
      (msg: { type: string; outcome?: SampleOutcome | StaffingAnswer | null; message?: string }) => {
        settled = true;
        if (msg.type === 'done' && msg.outcome !== undefined) resolve(msg.outcome);
        else reject(new Error(msg.message ?? 'simulation failed'));
        void thread.terminate();
      },
    );
    thread.on('error', (err) => {
      if (!settled) reject(err);
      settled = true;
    });
    thread.on('exit', (code) => {
      if (!settled) reject(new Error(`simulation thread stopped with exit code ${code}`));
      settled = true;
    });
  });
}

export class PartitionWorker {
  readonly worker: Worker;
  readonly #options: WorkerOptions;
  readonly #state: QueueState;
  readonly #holder = lockHolderName('worker');
  /** Prepared what-ifs by run id (the last few), so a worker reads each once. */
  readonly #prepared = new Map<string, PreparedWhatIf>();

  constructor(options: WorkerOptions) {
    this.#options = options;
    this.#state = options.client.state;
    this.worker = new Worker(PARTITION_QUEUE, (job) => this.#process(job), {
      connection: options.connection,
      prefix: options.client.prefix,
      concurrency: options.concurrency ?? 1,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 15_000,
      maxStalledCount: options.maxStalledCount ?? 5,
      autorun: false,
    });
    this.worker.on('error', (err) => options.logger.error({ err: err.message }, 'queue worker error'));
  }

  run(): void {
    void this.worker.run();
  }

  #seller(sellerId: string): ApiContext {
    const ctx = this.#options.sellers.get(sellerId);
    if (ctx === undefined)
      throw new UnrecoverableError(
        `no seller "${sellerId}" is configured on this worker (configured: ${[...this.#options.sellers.keys()].join(', ')})`,
      );
    return ctx;
  }

  async #process(job: Job): Promise<unknown> {
    switch (job.name) {
      case 'plan':
        return this.#plan(job as Job<PlanPartitionData>);
      case 'nightly':
        return this.#nightly(job as Job<NightlyTriggerData>);
      case 'whatif-prepare':
        return this.#whatIfPrepare(job as Job<WhatIfPrepareData>);
      case 'whatif-day':
        return this.#whatIfDay(job as Job<WhatIfDayData>);
      case 'whatif-merge':
        return this.#whatIfMerge(job as Job<WhatIfMergeData>);
      case 'capacity':
        return this.#capacity(job as Job<CapacityData>);
      default:
        throw new UnrecoverableError(`unknown partition kind "${job.name}"`);
    }
  }

  /** Records the failure; permanent ones fail at once, others go back with backoff until the attempts are spent. */
  async #failed(job: Job, runId: string, key: string, err: unknown): Promise<never> {
    const f = describeFailure(err);
    const final = f.permanent || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    this.#options.logger.warn(
      { jobId: job.id, runId, partition: key, code: f.code, attempt: job.attemptsMade + 1, final },
      'partition failed',
    );
    await this.#state
      .finished(runId, key, {
        status: final ? 'failed' : 'queued',
        error: { code: f.code, message: f.message },
      })
      .catch(() => undefined);
    if (final && job.name.startsWith('whatif'))
      await this.#state
        .finishRun(runId, { error: { code: f.code, message: f.message } })
        .catch(() => undefined);
    if (f.permanent) throw new UnrecoverableError(`${f.code}: ${f.message}`);
    throw new Error(`${f.code}: ${f.message}`);
  }

  #progressSink(job: Job, runId: string, key: string): ProgressSink {
    const state = this.#state;
    const progress = {
      step: 'queued',
      label: 'Queued',
      value: null as number | null,
      total: null as number | null,
      detail: null as string | null,
      notes: [] as string[],
    };
    let last = 0;
    const flush = (force = false): void => {
      const now = Date.now();
      if (!force && now - last < PROGRESS_EVERY_MS) return;
      last = now;
      const copy = { ...progress, notes: [...progress.notes] };
      void state.progress(runId, key, copy).catch(() => undefined);
      void job.updateProgress(copy).catch(() => undefined);
    };
    return {
      start(step, label) {
        Object.assign(progress, { step, label, value: null, total: null, detail: null });
        flush(true);
        return {
          update(value, total, detail) {
            progress.value = value ?? null;
            progress.total = total ?? null;
            progress.detail = detail ?? null;
            flush();
          },
          done(summary) {
            progress.detail = summary ?? null;
            flush(true);
          },
        };
      },
      note(message) {
        progress.notes = [...progress.notes.slice(-19), message];
        flush();
      },
    };
  }

  /**
   * The plan lock of a previous attempt at this partition. A worker killed mid-run on another
   * host is known only by its expired queue lock: BullMQ gave the partition to this worker, so
   * the lock is released. A previous attempt on this host whose process still runs was only
   * slow to renew its queue lock (a busy machine): it is waited for rather than run beside,
   * and this attempt then resumes or keeps what it wrote.
   */
  async #takeOverPlanLock(job: Job, ctx: ApiContext, lock: string, previous: string): Promise<void> {
    const log = this.#options.logger;
    const deadline = Date.now() + PREVIOUS_ATTEMPT_WAIT_MS;
    while (holderState(previous) === 'alive' && Date.now() < deadline) {
      const held = await ctx.store.locks.get(lock);
      if (
        held === undefined ||
        held.holder !== previous ||
        Date.parse(held.expiresAt) <= ctx.clock().getTime()
      )
        return;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    if (await ctx.store.locks.release(lock, previous))
      log.info({ jobId: job.id, lock }, 'took over the plan lock of a previous attempt');
  }

  async #plan(job: Job<PlanPartitionData>): Promise<unknown> {
    const d = job.data;
    const ctx = this.#seller(d.sellerId);
    try {
      const before = await this.#state.started(d.runId, d.partitionKey, this.#holder);
      if (before?.holder !== null && before?.holder !== undefined && before.holder !== this.#holder)
        await this.#takeOverPlanLock(job, ctx, `plan:${d.storeId}`, before.holder);
      const result = await runPlanning(
        {
          date: d.date,
          days: d.days,
          storeIds: [d.storeId],
          marketplaceId: ctx.marketplaceId,
          apply: d.apply,
          planId: d.planId,
          kind: d.kind,
          solverSeconds: d.solverSeconds,
          solverIterations: d.solverIterations,
          seed: d.seed,
        },
        {
          config: ctx.config,
          services: ctx.services(),
          store: ctx.pipelineStore,
          geocoder: ctx.geocoder,
          travel: ctx.travel,
          clock: ctx.clock,
          progress: this.#progressSink(job, d.runId, d.partitionKey),
          actor: 'worker',
          solve: (req) => ctx.solver.solve(req),
        },
      );
      const wb = result.report.writeBack;
      const summary = {
        planId: result.planId,
        outcome: result.outcome,
        resumed: result.resumed,
        kpis: result.report.kpis,
        writeBack: { calls: wb.callsMade, failures: wb.failures.length, inDoubt: wb.inDoubt },
      };
      await this.#state.finished(d.runId, d.partitionKey, {
        status: result.outcome === 'partial' ? 'partial' : 'succeeded',
        result: summary,
        planId: result.planId,
      });
      return summary;
    } catch (err) {
      return this.#failed(job, d.runId, d.partitionKey, err);
    }
  }

  async #nightly(job: Job<NightlyTriggerData>): Promise<unknown> {
    const d = job.data;
    const ctx = this.#seller(d.sellerId);
    const store = ctx.config.stores.find((s) => s.storeId === d.storeId);
    if (store === undefined)
      throw new UnrecoverableError(`nightly schedule for ${d.storeId}: not a store of the crews config`);
    // The night the firing belongs to: the store's next local day at the time it was due.
    const due = job.timestamp + (job.opts.delay ?? 0);
    const date = DateTime.fromMillis(Math.max(due, 0), { zone: store.timeZone })
      .plus({ days: 1 })
      .toISODate()!;
    const r = await this.#options.client.enqueueNightly(d.sellerId, d.storeId, date, d.days, d.solverSeconds);
    this.#options.logger.info(
      { storeId: d.storeId, date, runId: r.runId, added: r.added },
      'nightly partition',
    );
    return r;
  }

  async #whatIfPrepare(job: Job<WhatIfPrepareData>): Promise<unknown> {
    const d = job.data;
    const ctx = this.#seller(d.sellerId);
    try {
      await this.#state.started(d.runId, 'prepare', this.#holder);
      const q = d.request;
      const prepared = await prepareWhatIf(
        {
          config: ctx.config,
          store: ctx.pipelineStore,
          client: ctx.servicesClient(),
          geocoder: ctx.geocoder,
          travel: ctx.travel,
          clock: ctx.clock,
          marketplaceId: ctx.marketplaceId,
        },
        q.storeId,
        q.base,
        q.changes as WhatIfChanges,
        {
          samples: q.samples,
          seed: q.seed,
          iterations: q.iterations,
          targetServedPct: q.targetServedPct,
          capacitySkill: q.capacitySkill,
          samplePlans: q.samplePlans,
          staffing: q.staffing === false ? undefined : q.staffing,
        },
      );
      await this.#state.putBlob(d.runId, serialize(prepared));
      const samples = Array.from({ length: q.samples }, (_, k) => k);
      await this.#state.addPartitions(
        d.runId,
        d.sellerId,
        samples.map((k) => ({
          partitionKey: dayKey(k),
          storeId: q.storeId,
          planId: null,
          jobId: jobId('whatif-day', d.runId, String(k)),
        })),
      );
      const opts = this.#options.client.retry;
      // Fan-out and fan-in: the merge runs when every sampled day is done.
      await this.#options.client.flow.add({
        name: 'whatif-merge',
        queueName: PARTITION_QUEUE,
        data: { sellerId: d.sellerId, runId: d.runId } satisfies WhatIfMergeData,
        opts: partitionJobOptions(opts, jobId('whatif-merge', d.runId)),
        children: samples.map((k) => ({
          name: 'whatif-day',
          queueName: PARTITION_QUEUE,
          data: { sellerId: d.sellerId, runId: d.runId, sample: k } satisfies WhatIfDayData,
          opts: {
            ...partitionJobOptions(opts, jobId('whatif-day', d.runId, String(k))),
            failParentOnFailure: true,
          },
        })),
      });
      await this.#state.finished(d.runId, 'prepare', { status: 'succeeded', result: { samples: q.samples } });
      return { samples: q.samples };
    } catch (err) {
      return this.#failed(job, d.runId, 'prepare', err);
    }
  }

  async #preparedOf(runId: string): Promise<PreparedWhatIf> {
    const cached = this.#prepared.get(runId);
    if (cached !== undefined) return cached;
    const blob = await this.#state.getBlob(runId);
    if (blob === undefined) throw new UnrecoverableError(`what-if ${runId}: its prepared inputs are gone`);
    const prepared = deserialize(blob) as PreparedWhatIf;
    this.#prepared.set(runId, prepared);
    while (this.#prepared.size > 4) this.#prepared.delete(this.#prepared.keys().next().value!);
    return prepared;
  }

  async #whatIfDay(job: Job<WhatIfDayData>): Promise<unknown> {
    const d = job.data;
    const key = dayKey(d.sample);
    try {
      await this.#state.started(d.runId, key, this.#holder);
      const outcome = await simulateSampleInThread(await this.#preparedOf(d.runId), d.sample);
      await this.#state.finished(d.runId, key, { status: 'succeeded', result: outcome });
      return { sample: d.sample };
    } catch (err) {
      return this.#failed(job, d.runId, key, err);
    }
  }

  async #whatIfMerge(job: Job<WhatIfMergeData>): Promise<unknown> {
    const d = job.data;
    try {
      const prepared = await this.#preparedOf(d.runId);
      const days = (await this.#state.partitions(d.runId)).filter((p) => p.partitionKey.startsWith('day-'));
      const outcomes = days.map((p) => p.result as SampleOutcome);
      if (outcomes.length !== prepared.options.samples || outcomes.some((o) => o === null))
        throw new Error(
          `what-if ${d.runId}: ${outcomes.length} of ${prepared.options.samples} sampled days stored`,
        );
      // The staffing search runs after every sampled day, as in-process (same answer).
      const staffing = await simulateSampleInThread(prepared, 'staffing');
      await this.#state.finishRun(d.runId, { result: whatIfResult(prepared, outcomes, staffing) });
      await this.#state.deleteBlob(d.runId);
      this.#prepared.delete(d.runId);
      return { samples: outcomes.length };
    } catch (err) {
      return this.#failed(job, d.runId, 'merge', err);
    }
  }

  async #capacity(job: Job<CapacityData>): Promise<unknown> {
    const d = job.data;
    const ctx = this.#seller(d.sellerId);
    try {
      await this.#state.started(d.runId, d.query.storeId, this.#holder);
      const result = await publishCapacity(
        {
          config: ctx.config,
          plans: ctx.store.plans,
          geocoder: ctx.geocoder,
          travel: ctx.travel,
          clock: ctx.clock,
          amazon: amazonCapacityPort(ctx.servicesClient()),
          marketplaceId: ctx.marketplaceId,
          db: ctx.store,
          services: ctx.services(),
          actor: d.actor,
          // The partition's progress as a plan's: the pull, the capacity read, the calls written.
          progress: this.#progressSink(job, d.runId, d.query.storeId),
        },
        d.query,
        { dryRun: d.dryRun },
      );
      await this.#state.finished(d.runId, d.query.storeId, { status: 'succeeded' });
      return result;
    } catch (err) {
      const f = describeFailure(err);
      // Refusals about the request go back to the route, which answers them as it does without a queue.
      if (
        err instanceof CapacityQueryError ||
        err instanceof DayModelError ||
        err instanceof AmazonCapacityError
      ) {
        await this.#state
          .finished(d.runId, d.query.storeId, {
            status: 'failed',
            error: { code: err.name, message: err.message },
          })
          .catch(() => undefined);
        return {
          refused: {
            name: err.name,
            message: err.message,
            ...(err instanceof CapacityQueryError ? { field: err.field } : { code: err.code }),
          },
        };
      }
      await this.#state
        .finished(d.runId, d.query.storeId, { status: 'failed', error: { code: f.code, message: f.message } })
        .catch(() => undefined);
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.worker.close();
  }
}
