/**
 * Table shapes as Kysely sees them. Both dialects hold the same columns; only the storage
 * types differ (timestamptz/jsonb on PostgreSQL, ISO-8601 text/JSON text on SQLite), which
 * is why reads are typed loosely (`Date | string`, `T | string`) and normalised by
 * column-values.ts. Columns ending in `_encrypted` hold FieldCipher envelopes of personal
 * data and are nulled by the retention purge.
 */
import type { ColumnType, Generated } from 'kysely';

/** Written as an ISO-8601 UTC string; read back as a Date (PostgreSQL) or the string (SQLite). */
type Timestamp = ColumnType<Date | string, string, string>;
type NullableTimestamp = ColumnType<Date | string | null, string | null, string | null>;
/** Written as JSON text; read back parsed (PostgreSQL jsonb) or as text (SQLite). */
type Json<T> = ColumnType<T | string, string, string>;
type NullableJson<T> = ColumnType<T | string | null, string | null, string | null>;

export interface ServiceJobsTable {
  /** The seller the row belongs to (migration 0003; `default` for rows stored before). */
  seller_id: ColumnType<string, string | undefined, string>;
  service_job_id: string;
  store_id: string | null;
  marketplace_id: string | null;
  service_order_id: string | null;
  status: string;
  service_location_type: string | null;
  /** Amazon's createTime. */
  job_created_at: NullableTimestamp;
  first_pulled_at: Timestamp;
  last_pulled_at: Timestamp;
  status_changed_at: Timestamp;
  /** When the job was first seen COMPLETED or CANCELLED: the retention clock starts here. */
  closed_at: NullableTimestamp;
  /** Non-personal part of the job (scope of work, items, order and tracking ids). */
  details: Json<unknown>;
  buyer_id_encrypted: string | null;
  buyer_name_encrypted: string | null;
  buyer_phone_encrypted: string | null;
  buyer_prime_encrypted: string | null;
  service_address_encrypted: string | null;
  preferred_times_encrypted: string | null;
  linked_assets_encrypted: string | null;
  personal_data_purged_at: NullableTimestamp;
}

export interface AppointmentsTable {
  /** The seller the row belongs to (migration 0003; `default` for rows stored before). */
  seller_id: ColumnType<string, string | undefined, string>;
  appointment_id: string;
  service_job_id: string;
  status: string | null;
  rescheduled_appointment_id: string | null;
  technician_ids: Json<string[]>;
  poa_type: string | null;
  appointment_time_encrypted: string | null;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
}

export interface PlansTable {
  /** The seller the row belongs to (migration 0003; `default` for rows stored before). */
  seller_id: ColumnType<string, string | undefined, string>;
  plan_id: string;
  kind: string;
  /** Inclusive calendar dates, YYYY-MM-DD, in the stores' local time. */
  period_start: string;
  period_end: string;
  status: string;
  created_at: Timestamp;
  finished_at: NullableTimestamp;
  solver_stats: NullableJson<unknown>;
  kpis: NullableJson<unknown>;
  plan: NullableJson<unknown>;
  failure_code: string | null;
  failure_message: string | null;
}

/** Which stores a plan covers (a plan may span several stores of one seller). */
interface PlanStoresTable {
  /** The seller the row belongs to (migration 0003; `default` for rows stored before). */
  seller_id: ColumnType<string, string | undefined, string>;
  plan_id: string;
  store_id: string;
}

export interface WriteBackJournalTable {
  /** The seller the row belongs to (migration 0003; `default` for rows stored before). */
  seller_id: ColumnType<string, string | undefined, string>;
  entry_id: Generated<number>;
  plan_id: string;
  operation: string;
  idempotency_key: string;
  service_job_id: string | null;
  appointment_id: string | null;
  resource_id: string | null;
  reservation_id: string | null;
  request_body: NullableJson<unknown>;
  request_body_encrypted: string | null;
  state: string;
  attempts: number;
  result: NullableJson<unknown>;
  error_code: string | null;
  intended_at: Timestamp;
  sent_at: NullableTimestamp;
  resolved_at: NullableTimestamp;
}

interface SyncWatermarksTable {
  seller_id: string;
  store_id: string;
  marketplace_id: string;
  last_updated_after: Timestamp;
  updated_at: Timestamp;
}

interface AuditLogTable {
  /** The seller the row belongs to (migration 0003; `default` for rows stored before). */
  seller_id: ColumnType<string, string | undefined, string>;
  entry_id: Generated<number>;
  at: Timestamp;
  actor: string;
  action: string;
  subject_type: string | null;
  subject_id: string | null;
  plan_id: string | null;
  details: NullableJson<unknown>;
}

interface LocksTable {
  /** The seller the row belongs to (migration 0003; `default` for rows stored before). */
  seller_id: ColumnType<string, string | undefined, string>;
  name: string;
  holder: string;
  /** Increases on every change of holder: a fencing token for work done under the lock. */
  generation: number;
  acquired_at: Timestamp;
  expires_at: Timestamp;
}

/** A bearer token of the HTTP API; the secret itself is never stored. */
interface ApiTokensTable {
  token_id: string;
  name: string | null;
  scope: string;
  /** The seller the token belongs to; null: an admin token across every seller. */
  seller_id: string | null;
  /** Hex SHA-256 of the token's secret part. */
  secret_hash: string;
  created_at: Timestamp;
  revoked_at: NullableTimestamp;
}

/** Technician preferences of one job, set through the API (migration 0004); ids and levels only. */
interface JobPreferencesTable {
  seller_id: string;
  service_job_id: string;
  preferences: Json<unknown>;
  updated_at: Timestamp;
  /** `api:<token id>`, `cli`, ... */
  updated_by: string;
}

interface StoreMetaTable {
  key: string;
  value: string;
}

export interface Database {
  service_jobs: ServiceJobsTable;
  appointments: AppointmentsTable;
  plans: PlansTable;
  plan_stores: PlanStoresTable;
  write_back_journal: WriteBackJournalTable;
  sync_watermarks: SyncWatermarksTable;
  audit_log: AuditLogTable;
  locks: LocksTable;
  store_meta: StoreMetaTable;
  api_tokens: ApiTokensTable;
  job_preferences: JobPreferencesTable;
}

export type SqlDialect = 'sqlite' | 'postgres';
