import type { Kysely, Migration } from 'kysely';
import type { SqlDialect } from '../database.ts';

/**
 * Per-job technician preferences set through the API (required, excluded and preferred
 * technicians, minimum skill levels), one row per seller and job, with who set them and when.
 */
export function jobPreferences(dialect: SqlDialect): Migration {
  const ts = dialect === 'postgres' ? 'timestamptz' : 'text';
  const json = dialect === 'postgres' ? 'jsonb' : 'text';
  return {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('job_preferences')
        .addColumn('seller_id', 'text', (c) => c.notNull())
        .addColumn('service_job_id', 'text', (c) => c.notNull())
        .addColumn('preferences', json, (c) => c.notNull())
        .addColumn('updated_at', ts, (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('job_preferences_pk', ['seller_id', 'service_job_id'])
        .execute();
    },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('job_preferences').execute();
    },
  };
}
