import type { Kysely, Migration } from 'kysely';
import type { SqlDialect } from '../database.ts';

// Kysely hands migrations an untyped database: the schema is what they create.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/** The column types that differ between the two databases. */
interface Types {
  readonly dialect: SqlDialect;
  readonly ts: 'timestamptz' | 'text';
  readonly json: 'jsonb' | 'text';
}

/** The jobs as Amazon last sent them, personal data encrypted. */
async function serviceJobs(db: Db, { ts, json }: Types): Promise<void> {
  await db.schema
    .createTable('service_jobs')
    .addColumn('service_job_id', 'text', (c) => c.primaryKey())
    .addColumn('store_id', 'text')
    .addColumn('marketplace_id', 'text')
    .addColumn('service_order_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('service_location_type', 'text')
    .addColumn('job_created_at', ts)
    .addColumn('first_pulled_at', ts, (c) => c.notNull())
    .addColumn('last_pulled_at', ts, (c) => c.notNull())
    .addColumn('status_changed_at', ts, (c) => c.notNull())
    .addColumn('closed_at', ts)
    .addColumn('details', json, (c) => c.notNull())
    .addColumn('buyer_id_encrypted', 'text')
    .addColumn('buyer_name_encrypted', 'text')
    .addColumn('buyer_phone_encrypted', 'text')
    .addColumn('buyer_prime_encrypted', 'text')
    .addColumn('service_address_encrypted', 'text')
    .addColumn('preferred_times_encrypted', 'text')
    .addColumn('linked_assets_encrypted', 'text')
    .addColumn('personal_data_purged_at', ts)
    .execute();
  await db.schema
    .createIndex('service_jobs_by_store_status')
    .on('service_jobs')
    .columns(['store_id', 'status'])
    .execute();
  await db.schema.createIndex('service_jobs_by_closed_at').on('service_jobs').column('closed_at').execute();
}

/** Appointments of each job. */
async function appointments(db: Db, { ts, json }: Types): Promise<void> {
  await db.schema
    .createTable('appointments')
    .addColumn('appointment_id', 'text', (c) => c.primaryKey())
    .addColumn('service_job_id', 'text', (c) =>
      c.notNull().references('service_jobs.service_job_id').onDelete('cascade'),
    )
    .addColumn('status', 'text')
    .addColumn('rescheduled_appointment_id', 'text')
    .addColumn('technician_ids', json, (c) => c.notNull())
    .addColumn('poa_type', 'text')
    .addColumn('appointment_time_encrypted', 'text')
    .addColumn('first_seen_at', ts, (c) => c.notNull())
    .addColumn('last_seen_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('appointments_by_job').on('appointments').column('service_job_id').execute();
}

/** Plans and the stores each covers. */
async function plans(db: Db, { ts, json }: Types): Promise<void> {
  await db.schema
    .createTable('plans')
    .addColumn('plan_id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('period_start', 'text', (c) => c.notNull())
    .addColumn('period_end', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('finished_at', ts)
    .addColumn('solver_stats', json)
    .addColumn('kpis', json)
    .addColumn('plan', json)
    .addColumn('failure_code', 'text')
    .addColumn('failure_message', 'text')
    .execute();
  await db.schema.createIndex('plans_by_created_at').on('plans').column('created_at').execute();
  await db.schema
    .createTable('plan_stores')
    .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.plan_id').onDelete('cascade'))
    .addColumn('store_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('plan_stores_pk', ['plan_id', 'store_id'])
    .execute();
  await db.schema.createIndex('plan_stores_by_store').on('plan_stores').column('store_id').execute();
}

/** Every call made to Amazon for a plan, before and after it is sent. */
async function writeBackJournal(db: Db, { ts, json, dialect }: Types): Promise<void> {
  await db.schema
    .createTable('write_back_journal')
    .addColumn('entry_id', 'integer', (c) =>
      dialect === 'postgres' ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement(),
    )
    .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.plan_id'))
    .addColumn('operation', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('service_job_id', 'text')
    .addColumn('appointment_id', 'text')
    .addColumn('resource_id', 'text')
    .addColumn('reservation_id', 'text')
    .addColumn('request_body', json)
    .addColumn('request_body_encrypted', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('result', json)
    .addColumn('error_code', 'text')
    .addColumn('intended_at', ts, (c) => c.notNull())
    .addColumn('sent_at', ts)
    .addColumn('resolved_at', ts)
    .execute();
  await db.schema
    .createIndex('write_back_journal_by_plan_state')
    .on('write_back_journal')
    .columns(['plan_id', 'state'])
    .execute();
  await db.schema
    .createIndex('write_back_journal_by_job')
    .on('write_back_journal')
    .column('service_job_id')
    .execute();
}

/** How far the pull has read each store. */
async function syncWatermarks(db: Db, { ts }: Types): Promise<void> {
  await db.schema
    .createTable('sync_watermarks')
    .addColumn('store_id', 'text', (c) => c.notNull())
    .addColumn('marketplace_id', 'text', (c) => c.notNull())
    .addColumn('last_updated_after', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('sync_watermarks_pk', ['store_id', 'marketplace_id'])
    .execute();
}

/** Who did what, when. */
async function auditLog(db: Db, { ts, json, dialect }: Types): Promise<void> {
  await db.schema
    .createTable('audit_log')
    .addColumn('entry_id', 'integer', (c) =>
      dialect === 'postgres' ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement(),
    )
    .addColumn('at', ts, (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject_type', 'text')
    .addColumn('subject_id', 'text')
    .addColumn('plan_id', 'text')
    .addColumn('details', json)
    .execute();
  await db.schema.createIndex('audit_log_by_at').on('audit_log').column('at').execute();
}

/** Leases that keep two runs from writing at once. */
async function locks(db: Db, { ts }: Types): Promise<void> {
  await db.schema
    .createTable('locks')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('generation', 'integer', (c) => c.notNull())
    .addColumn('acquired_at', ts, (c) => c.notNull())
    .addColumn('expires_at', ts, (c) => c.notNull())
    .execute();
}

/** Key-value facts about the store itself. */
async function storeMeta(db: Db): Promise<void> {
  await db.schema
    .createTable('store_meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}

/** Tables of the first release. See database.ts for what each column holds. */
export function initialSchema(dialect: SqlDialect): Migration {
  const types: Types = {
    dialect,
    ts: dialect === 'postgres' ? 'timestamptz' : 'text',
    json: dialect === 'postgres' ? 'jsonb' : 'text',
  };
  return {
    async up(db: Db): Promise<void> {
      await serviceJobs(db, types);
      await appointments(db, types);
      await plans(db, types);
      await writeBackJournal(db, types);
      await syncWatermarks(db, types);
      await auditLog(db, types);
      await locks(db, types);
      await storeMeta(db);
    },
  };
}
