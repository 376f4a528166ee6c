/**
 * What queue mode keeps in PostgreSQL, so any server answers the same about any run: a row
 * per run (a `POST /v1/plans`, a nightly firing, a what-if, a capacity publication) and a row
 * per partition of it (a store × planning horizon, a sampled what-if day, a publication) with
 * its status, attempts, progress, result and failure. The store's own tables (plans, write-back
 * journal) stay where they are; a plan partition's plan id points into them.
 */
import pg from 'pg';

export type RunKind = 'plan' | 'what_if' | 'capacity';
export type PartitionStatus = 'queued' | 'running' | 'succeeded' | 'partial' | 'failed';

export interface RunRow {
  runId: string;
  sellerId: string;
  kind: RunKind;
  storeIds: string[];
  request: unknown;
  createdAt: string;
  finishedAt: string | null;
  result: unknown;
  error: { code: string; message: string } | null;
}

export interface PartitionRow {
  runId: string;
  partitionKey: string;
  sellerId: string;
  storeId: string;
  planId: string | null;
  jobId: string;
  status: PartitionStatus;
  attempts: number;
  holder: string | null;
  progress: unknown;
  result: unknown;
  error: { code: string; message: string } | null;
  updatedAt: string;
}

export class QueueStateError extends Error {
  override readonly name = 'QueueStateError';
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

const DDL = `
create table if not exists queue_runs (
  run_id text primary key,
  seller_id text not null,
  kind text not null,
  store_ids jsonb not null,
  request jsonb not null,
  created_at timestamptz not null default now(),
  finished_at timestamptz,
  result jsonb,
  error jsonb
);
create index if not exists queue_runs_seller on queue_runs (seller_id, created_at desc);
create table if not exists queue_partitions (
  run_id text not null references queue_runs (run_id) on delete cascade,
  partition_key text not null,
  seller_id text not null,
  store_id text not null,
  plan_id text,
  job_id text not null,
  status text not null,
  attempts integer not null default 0,
  holder text,
  progress jsonb,
  result jsonb,
  error jsonb,
  updated_at timestamptz not null default now(),
  primary key (run_id, partition_key)
);
create index if not exists queue_partitions_store on queue_partitions (seller_id, store_id, status);
create index if not exists queue_partitions_plan on queue_partitions (plan_id);
create table if not exists queue_blobs (
  run_id text primary key references queue_runs (run_id) on delete cascade,
  data bytea not null
);
`;

interface RawRun {
  run_id: string;
  seller_id: string;
  kind: RunKind;
  store_ids: string[];
  request: unknown;
  created_at: Date;
  finished_at: Date | null;
  result: unknown;
  error: RunRow['error'];
}

interface RawPartition {
  run_id: string;
  partition_key: string;
  seller_id: string;
  store_id: string;
  plan_id: string | null;
  job_id: string;
  status: PartitionStatus;
  attempts: number;
  holder: string | null;
  progress: unknown;
  result: unknown;
  error: PartitionRow['error'];
  updated_at: Date;
}

const run = (r: RawRun): RunRow => ({
  runId: r.run_id,
  sellerId: r.seller_id,
  kind: r.kind,
  storeIds: r.store_ids,
  request: r.request,
  createdAt: r.created_at.toISOString(),
  finishedAt: r.finished_at?.toISOString() ?? null,
  result: r.result,
  error: r.error,
});

const partition = (r: RawPartition): PartitionRow => ({
  runId: r.run_id,
  partitionKey: r.partition_key,
  sellerId: r.seller_id,
  storeId: r.store_id,
  planId: r.plan_id,
  jobId: r.job_id,
  status: r.status,
  attempts: r.attempts,
  holder: r.holder,
  progress: r.progress,
  result: r.result,
  error: r.error,
  updatedAt: r.updated_at.toISOString(),
});

export interface NewPartition {
  partitionKey: string;
  storeId: string;
  planId: string | null;
  jobId: string;
}

export class QueueState {
  readonly #pool: pg.Pool;
  #ready: Promise<void> | undefined;

  private constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /** Opens the state tables in the database of `url` (created if missing), in `schema` when given. */
  static async open(url: string, options: { schema?: string; poolSize?: number } = {}): Promise<QueueState> {
    if (!/^postgres(ql)?:\/\//.test(url))
      throw new QueueStateError(
        'queue mode keeps runs in PostgreSQL: expected a postgres:// URL (--db or DATABASE_URL)',
      );
    const schema = options.schema;
    if (schema !== undefined && !SCHEMA_NAME.test(schema))
      throw new QueueStateError(
        `schema "${schema}": PostgreSQL schema names must match ${String(SCHEMA_NAME)}`,
      );
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 5,
      ...(schema !== undefined ? { options: `-c search_path=${schema}` } : {}),
    });
    // An idle client that loses its server must not crash the process; the next query fails instead.
    pool.on('error', () => undefined);
    const state = new QueueState(pool);
    if (schema !== undefined) await pool.query(`create schema if not exists "${schema}"`);
    await state.#migrate();
    return state;
  }

  async #migrate(): Promise<void> {
    this.#ready ??= (async () => {
      const client = await this.#pool.connect();
      try {
        // Two processes starting at once must not both create the tables.
        await client.query('select pg_advisory_lock(715001)');
        await client.query(DDL);
        await client.query('select pg_advisory_unlock(715001)');
      } finally {
        client.release();
      }
    })();
    await this.#ready;
  }

  async createRun(
    r: { runId: string; sellerId: string; kind: RunKind; storeIds: string[]; request: unknown },
    partitions: NewPartition[],
  ): Promise<void> {
    const client = await this.#pool.connect();
    try {
      await client.query('begin');
      await client.query(
        'insert into queue_runs (run_id, seller_id, kind, store_ids, request) values ($1, $2, $3, $4, $5)',
        [r.runId, r.sellerId, r.kind, JSON.stringify(r.storeIds), JSON.stringify(r.request)],
      );
      for (const p of partitions)
        await client.query(
          `insert into queue_partitions (run_id, partition_key, seller_id, store_id, plan_id, job_id, status)
           values ($1, $2, $3, $4, $5, $6, 'queued')`,
          [r.runId, p.partitionKey, r.sellerId, p.storeId, p.planId, p.jobId],
        );
      await client.query('commit');
    } catch (err) {
      await client.query('rollback').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async addPartitions(runId: string, sellerId: string, partitions: NewPartition[]): Promise<void> {
    for (const p of partitions)
      await this.#pool.query(
        `insert into queue_partitions (run_id, partition_key, seller_id, store_id, plan_id, job_id, status)
         values ($1, $2, $3, $4, $5, $6, 'queued') on conflict do nothing`,
        [runId, p.partitionKey, sellerId, p.storeId, p.planId, p.jobId],
      );
  }

  async getRun(runId: string, sellerId?: string): Promise<RunRow | undefined> {
    const r = await this.#pool.query<RawRun>(
      `select * from queue_runs where run_id = $1 ${sellerId !== undefined ? 'and seller_id = $2' : ''}`,
      sellerId !== undefined ? [runId, sellerId] : [runId],
    );
    return r.rows[0] === undefined ? undefined : run(r.rows[0]);
  }

  async partitions(runId: string): Promise<PartitionRow[]> {
    const r = await this.#pool.query<RawPartition>(
      'select * from queue_partitions where run_id = $1 order by partition_key',
      [runId],
    );
    return r.rows.map(partition);
  }

  async partition(runId: string, key: string): Promise<PartitionRow | undefined> {
    const r = await this.#pool.query<RawPartition>(
      'select * from queue_partitions where run_id = $1 and partition_key = $2',
      [runId, key],
    );
    return r.rows[0] === undefined ? undefined : partition(r.rows[0]);
  }

  /** The run a plan partition belongs to, by the partition's plan id. */
  async runOfPlan(planId: string): Promise<string | undefined> {
    const r = await this.#pool.query<{ run_id: string }>(
      'select run_id from queue_partitions where plan_id = $1 limit 1',
      [planId],
    );
    return r.rows[0]?.run_id;
  }

  /** Partitions not finished for any of these stores (overlap checks). */
  async unfinished(sellerId: string, storeIds: string[]): Promise<PartitionRow[]> {
    const r = await this.#pool.query<RawPartition>(
      `select p.* from queue_partitions p join queue_runs r using (run_id)
       where p.seller_id = $1 and r.kind = 'plan' and p.store_id = any($2) and p.status in ('queued', 'running')`,
      [sellerId, storeIds],
    );
    return r.rows.map(partition);
  }

  /** A worker took the partition: attempts counted, the lock holder it plans under recorded. */
  async started(runId: string, key: string, holder: string): Promise<PartitionRow | undefined> {
    const before = await this.partition(runId, key);
    await this.#pool.query(
      `update queue_partitions set status = 'running', attempts = attempts + 1, holder = $3, updated_at = now()
       where run_id = $1 and partition_key = $2`,
      [runId, key, holder],
    );
    return before;
  }

  async progress(runId: string, key: string, progress: unknown): Promise<void> {
    await this.#pool.query(
      `update queue_partitions set progress = $3, updated_at = now()
       where run_id = $1 and partition_key = $2 and status = 'running'`,
      [runId, key, JSON.stringify(progress)],
    );
  }

  async finished(
    runId: string,
    key: string,
    outcome: {
      status: PartitionStatus;
      result?: unknown;
      error?: { code: string; message: string };
      planId?: string;
    },
  ): Promise<void> {
    await this.#pool.query(
      `update queue_partitions set status = $3, result = $4, error = $5, plan_id = coalesce($6, plan_id),
       updated_at = now() where run_id = $1 and partition_key = $2`,
      [
        runId,
        key,
        outcome.status,
        outcome.result === undefined ? null : JSON.stringify(outcome.result),
        outcome.error === undefined ? null : JSON.stringify(outcome.error),
        outcome.planId ?? null,
      ],
    );
    await this.#pool.query(
      `update queue_runs set finished_at = now() where run_id = $1 and finished_at is null
       and not exists (select 1 from queue_partitions where run_id = $1 and status in ('queued', 'running'))`,
      [runId],
    );
  }

  /** A partition queued again (retry from the command line or the dashboard). */
  async requeued(runId: string, key: string): Promise<void> {
    await this.#pool.query(
      `update queue_partitions set status = 'queued', error = null, updated_at = now()
       where run_id = $1 and partition_key = $2`,
      [runId, key],
    );
    await this.#pool.query('update queue_runs set finished_at = null where run_id = $1', [runId]);
  }

  async finishRun(
    runId: string,
    outcome: { result?: unknown; error?: { code: string; message: string } },
  ): Promise<void> {
    await this.#pool.query(
      'update queue_runs set finished_at = now(), result = $2, error = $3 where run_id = $1',
      [
        runId,
        outcome.result === undefined ? null : JSON.stringify(outcome.result),
        outcome.error === undefined ? null : JSON.stringify(outcome.error),
      ],
    );
  }

  async putBlob(runId: string, data: Buffer): Promise<void> {
    await this.#pool.query(
      'insert into queue_blobs (run_id, data) values ($1, $2) on conflict (run_id) do update set data = excluded.data',
      [runId, data],
    );
  }

  async getBlob(runId: string): Promise<Buffer | undefined> {
    const r = await this.#pool.query<{ data: Buffer }>('select data from queue_blobs where run_id = $1', [
      runId,
    ]);
    return r.rows[0]?.data;
  }

  async deleteBlob(runId: string): Promise<void> {
    await this.#pool.query('delete from queue_blobs where run_id = $1', [runId]);
  }

  /** Partition counts by seller and status (metrics), and retried ones (attempts > 1). */
  async counts(): Promise<{ sellerId: string; status: PartitionStatus; n: number; retried: number }[]> {
    const r = await this.#pool.query<{
      seller_id: string;
      status: PartitionStatus;
      n: number;
      retried: number;
    }>(
      `select seller_id, status, count(*)::int as n, count(*) filter (where attempts > 1)::int as retried
       from queue_partitions group by seller_id, status`,
    );
    return r.rows.map((x) => ({ sellerId: x.seller_id, status: x.status, n: x.n, retried: x.retried }));
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
