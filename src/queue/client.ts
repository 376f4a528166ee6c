/**
 * The producer side of queue mode, used by `serve --queue`, by workers (a nightly firing
 * adds its store's partition) and by `fieldplan queue`: it adds runs and their partitions
 * to the BullMQ queue and their rows to PostgreSQL, keeps the nightly job schedulers, and
 * reads queue depths.
 */
import { randomUUID } from 'node:crypto';
import { FlowProducer, Queue, QueueEvents, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import {
  DEFAULT_QUEUE_PREFIX,
  DEFAULT_RETRY,
  DEFAULT_SELLER_ID,
  derivedUuid,
  jobId,
  nightlyJobId,
  nightlySchedulerId,
  PARTITION_QUEUE,
  partitionJobOptions,
  type CapacityData,
  type NightlyTriggerData,
  type PlanPartitionData,
  type RetryPolicy,
  type WhatIfRequest,
} from './jobs.ts';
import { checkQueueMode, QueueModeError } from './mode.ts';
import { QueueState, type PartitionRow } from './state.ts';

export interface QueueConnectionOptions {
  /** redis:// URL of the queue. */
  redisUrl: string;
  /** PostgreSQL URL of the shared store (queue mode refuses SQLite). */
  dbUrl: string;
  /** PostgreSQL schema of the store (tests); default the connection's search_path. */
  schema?: string | undefined;
  /** Redis key prefix (default `fieldplan`). */
  prefix?: string | undefined;
  /**
   * The seller whose runs this client adds (default `default`). A function when one client
   * serves several sellers: a server of several sellers answers with the seller bound to the
   * request at the time of each call.
   */
  sellerId?: string | (() => string) | undefined;
  retry?: RetryPolicy | undefined;
}

export { checkQueueMode, QueueModeError } from './mode.ts';

/** A BullMQ connection: workers block on Redis, so no per-request retry limit. */
export function redisConnection(url: string, blocking = false): Redis {
  return new Redis(url, blocking ? { maxRetriesPerRequest: null } : { maxRetriesPerRequest: 3 });
}

export interface StartPlanRun {
  date: string;
  days: number;
  storeIds: string[];
  apply: boolean;
  kind?: 'nightly' | 'optimize_today';
  solverSeconds?: number | undefined;
  solverIterations?: number | undefined;
  seed?: number | undefined;
  actor: string;
}

export interface QueueDepths {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
  prioritized: number;
  'waiting-children': number;
}

export class QueueClient {
  readonly prefix: string;
  readonly retry: RetryPolicy;
  readonly queue: Queue;
  readonly flow: FlowProducer;
  readonly state: QueueState;
  readonly #redis: Redis;
  readonly #sellerId: string | (() => string);
  #events: QueueEvents | undefined;

  private constructor(redis: Redis, state: QueueState, options: QueueConnectionOptions) {
    this.#redis = redis;
    this.state = state;
    this.#sellerId = options.sellerId ?? DEFAULT_SELLER_ID;
    this.prefix = options.prefix ?? DEFAULT_QUEUE_PREFIX;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.queue = new Queue(PARTITION_QUEUE, { connection: redis, prefix: this.prefix });
    this.flow = new FlowProducer({ connection: redis, prefix: this.prefix });
  }

  static async open(options: QueueConnectionOptions): Promise<QueueClient> {
    const { redisUrl, dbUrl } = checkQueueMode({ redisUrl: options.redisUrl, dbUrl: options.dbUrl });
    const state = await QueueState.open(
      dbUrl,
      options.schema !== undefined ? { schema: options.schema } : {},
    );
    const redis = redisConnection(redisUrl);
    redis.on('error', () => undefined);
    try {
      await redis.ping();
    } catch (err) {
      redis.disconnect();
      await state.close();
      throw new QueueModeError(
        `Redis at ${redisUrl.split('@').pop()} does not answer: ${(err as Error).message}`,
      );
    }
    return new QueueClient(redis, state, options);
  }

  get redis(): Redis {
    return this.#redis;
  }

  /** The seller whose runs this client adds now (see {@link QueueConnectionOptions.sellerId}). */
  get sellerId(): string {
    return typeof this.#sellerId === 'string' ? this.#sellerId : this.#sellerId();
  }

  /** A `POST /v1/plans` run: one partition per store, each the whole horizon. Returns the run id. */
  async startPlanRun(r: StartPlanRun, runId = randomUUID()): Promise<{ runId: string; partitions: number }> {
    const storeIds = [...r.storeIds];
    const sellerId = this.sellerId;
    const partitions = storeIds.map((storeId) => ({
      partitionKey: storeId,
      storeId,
      // A run of one store is that store's plan: the run id is the plan id.
      planId: storeIds.length === 1 ? runId : derivedUuid(runId, storeId),
      jobId: jobId('plan', sellerId, runId, storeId),
    }));
    await this.state.createRun(
      { runId, sellerId, kind: 'plan', storeIds, request: { ...r, storeIds } },
      partitions,
    );
    await this.queue.addBulk(
      partitions.map((p) => ({
        name: 'plan',
        data: {
          sellerId,
          runId,
          partitionKey: p.partitionKey,
          storeId: p.storeId,
          planId: p.planId,
          date: r.date,
          days: r.days,
          apply: r.apply,
          kind: r.kind ?? 'nightly',
          solverSeconds: r.solverSeconds,
          solverIterations: r.solverIterations,
          seed: r.seed,
          actor: r.actor,
        } satisfies PlanPartitionData,
        opts: partitionJobOptions(this.retry, p.jobId),
      })),
    );
    return { runId, partitions: partitions.length };
  }

  /**
   * A store's night: run, plan and job ids are functions of seller, store and date, so any
   * number of firings (servers, schedulers, retries) add it once.
   */
  async enqueueNightly(
    sellerId: string,
    storeId: string,
    date: string,
    days: number,
    solverSeconds?: number,
  ): Promise<{ runId: string; added: boolean }> {
    const runId = derivedUuid('nightly', sellerId, storeId, date);
    const id = nightlyJobId(sellerId, storeId, date);
    const existing = await this.state.getRun(runId);
    if (existing === undefined) {
      try {
        await this.state.createRun(
          { runId, sellerId, kind: 'plan', storeIds: [storeId], request: { date, days, nightly: true } },
          [{ partitionKey: storeId, storeId, planId: runId, jobId: id }],
        );
      } catch (err) {
        // Another server created it a moment ago.
        if ((err as { code?: string }).code !== '23505') throw err;
      }
    }
    const before = await this.queue.getJob(id);
    await this.queue.add(
      'plan',
      {
        sellerId,
        runId,
        partitionKey: storeId,
        storeId,
        planId: runId,
        date,
        days,
        apply: true,
        kind: 'nightly',
        solverSeconds,
        actor: 'nightly',
      } satisfies PlanPartitionData,
      partitionJobOptions(this.retry, id),
    );
    return { runId, added: before === undefined && existing === undefined };
  }

  /**
   * BullMQ job schedulers, one per store, firing in the store's time zone (idempotent across
   * servers); for `sellerId`, default this client's seller.
   */
  async upsertNightlySchedules(
    schedules: { storeId: string; cron: string; timeZone: string }[],
    options: { days: number; solverSeconds?: number | undefined },
    sellerId = this.sellerId,
  ): Promise<{ storeId: string; next: string | null }[]> {
    const out: { storeId: string; next: string | null }[] = [];
    for (const s of schedules) {
      const job = await this.queue.upsertJobScheduler(
        nightlySchedulerId(sellerId, s.storeId),
        { pattern: s.cron, tz: s.timeZone },
        {
          name: 'nightly',
          data: {
            sellerId,
            storeId: s.storeId,
            days: options.days,
            solverSeconds: options.solverSeconds,
          } satisfies NightlyTriggerData,
          opts: { removeOnComplete: { count: 1000 }, removeOnFail: { count: 1000 } },
        },
      );
      const next =
        job?.timestamp !== undefined && job.opts.delay !== undefined
          ? job.timestamp + job.opts.delay
          : undefined;
      out.push({ storeId: s.storeId, next: next !== undefined ? new Date(next).toISOString() : null });
    }
    return out;
  }

  /** Partitions of plan runs not finished for any of these stores. */
  async busy(storeIds: string[]): Promise<PartitionRow | undefined> {
    return (await this.state.unfinished(this.sellerId, storeIds))[0];
  }

  /** A what-if run: a preparing partition, which fans out one partition per sampled day and a merge. */
  async startWhatIf(request: WhatIfRequest): Promise<string> {
    const runId = randomUUID();
    const sellerId = this.sellerId;
    await this.state.createRun({ runId, sellerId, kind: 'what_if', storeIds: [request.storeId], request }, [
      {
        partitionKey: 'prepare',
        storeId: request.storeId,
        planId: null,
        jobId: jobId('whatif-prepare', runId),
      },
    ]);
    await this.queue.add(
      'whatif-prepare',
      { sellerId, runId, storeId: request.storeId, request },
      partitionJobOptions(this.retry, jobId('whatif-prepare', runId)),
    );
    return runId;
  }

  /** A capacity publication as a partition; waits for a worker's answer (the route answers with it). */
  async publishCapacity(
    query: CapacityData['query'],
    dryRun: boolean,
    actor: string,
    timeoutMs = 10 * 60_000,
  ): Promise<unknown> {
    const runId = randomUUID();
    const sellerId = this.sellerId;
    const id = jobId('capacity', sellerId, runId);
    await this.state.createRun(
      {
        runId,
        sellerId,
        kind: 'capacity',
        storeIds: [query.storeId],
        request: { query, dryRun },
      },
      [{ partitionKey: query.storeId, storeId: query.storeId, planId: null, jobId: id }],
    );
    // A publication is answered at once or not at all: one attempt (the journal makes a retry safe).
    const job = await this.queue.add(
      'capacity',
      { sellerId, runId, query, dryRun, actor } satisfies CapacityData,
      { ...partitionJobOptions(this.retry, id), attempts: 1 },
    );
    this.#events ??= new QueueEvents(PARTITION_QUEUE, {
      connection: this.#redis.duplicate(),
      prefix: this.prefix,
    });
    await this.#events.waitUntilReady();
    return (job as Job).waitUntilFinished(this.#events, timeoutMs);
  }

  async depths(): Promise<QueueDepths> {
    const c = await this.queue.getJobCounts(
      'waiting',
      'active',
      'delayed',
      'failed',
      'completed',
      'prioritized',
      'waiting-children',
    );
    return {
      waiting: c['waiting'] ?? 0,
      active: c['active'] ?? 0,
      delayed: c['delayed'] ?? 0,
      failed: c['failed'] ?? 0,
      completed: c['completed'] ?? 0,
      prioritized: c['prioritized'] ?? 0,
      'waiting-children': c['waiting-children'] ?? 0,
    };
  }

  /**
   * The jobs failed now queued again, each once and with its attempts counted afresh (a
   * retried partition gets its bounded retries with backoff again); returns how many. A job
   * that fails again while this runs is not picked up twice.
   */
  async retryFailed(): Promise<number> {
    const failed: Job[] = [];
    for (let start = 0; ; start += 100) {
      const page = await this.queue.getFailed(start, start + 99);
      failed.push(...page);
      if (page.length < 100) break;
    }
    let n = 0;
    for (const job of failed) {
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      const d = job.data as { runId?: string; partitionKey?: string; sample?: number };
      const key = job.name === 'whatif-day' ? `day-${String(d.sample).padStart(3, '0')}` : d.partitionKey;
      if (d.runId !== undefined && key !== undefined)
        await this.state.requeued(d.runId, key).catch(() => undefined);
      n += 1;
    }
    return n;
  }

  /** Removes the jobs that wait (not the active ones, not the schedulers); returns how many waited. */
  async drain(): Promise<number> {
    const before = await this.depths();
    await this.queue.drain(true);
    return before.waiting + before.delayed + before.prioritized;
  }

  async close(): Promise<void> {
    await this.#events?.close();
    await this.flow.close();
    await this.queue.close();
    await this.state.close();
    this.#redis.disconnect();
  }
}
