import { sql, type Kysely, type Migration } from 'kysely';
import { DEFAULT_SELLER_ID } from '../../tenants/seller-id.ts';
import type { SqlDialect } from '../database.ts';

/** Tables whose rows now carry their seller; rows stored before sellers existed belong to the implicit one. */
const SELLER_TABLES = [
  'service_jobs',
  'appointments',
  'plans',
  'plan_stores',
  'write_back_journal',
  'audit_log',
  'locks',
] as const;

/**
 * Sellers: a `seller_id` on every row (existing rows get the implicit seller, so a store
 * made before sellers existed upgrades in place), API tokens bound to a seller (or to none:
 * an admin across sellers), and sync watermarks keyed by seller as well as store.
 */
export function sellers(dialect: SqlDialect): Migration {
  const ts = dialect === 'postgres' ? 'timestamptz' : 'text';
  return {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async up(db: Kysely<any>): Promise<void> {
      for (const table of SELLER_TABLES) {
        await db.schema
          .alterTable(table)
          .addColumn('seller_id', 'text', (c) => c.notNull().defaultTo(DEFAULT_SELLER_ID))
          .execute();
      }
      await db.schema.alterTable('api_tokens').addColumn('seller_id', 'text').execute();
      await db.updateTable('api_tokens').set({ seller_id: DEFAULT_SELLER_ID }).execute();

      // The watermark's key gains the seller: rebuilt, since SQLite cannot change a primary key.
      await db.schema
        .createTable('sync_watermarks_by_seller')
        .addColumn('seller_id', 'text', (c) => c.notNull())
        .addColumn('store_id', 'text', (c) => c.notNull())
        .addColumn('marketplace_id', 'text', (c) => c.notNull())
        .addColumn('last_updated_after', ts, (c) => c.notNull())
        .addColumn('updated_at', ts, (c) => c.notNull())
        .addPrimaryKeyConstraint('sync_watermarks_seller_pk', ['seller_id', 'store_id', 'marketplace_id'])
        .execute();
      await sql`insert into sync_watermarks_by_seller (seller_id, store_id, marketplace_id, last_updated_after, updated_at)
        select ${DEFAULT_SELLER_ID}, store_id, marketplace_id, last_updated_after, updated_at from sync_watermarks`.execute(
        db,
      );
      await db.schema.dropTable('sync_watermarks').execute();
      await db.schema.alterTable('sync_watermarks_by_seller').renameTo('sync_watermarks').execute();

      await db.schema
        .createIndex('service_jobs_by_seller_store_status')
        .on('service_jobs')
        .columns(['seller_id', 'store_id', 'status'])
        .execute();
      await db.schema
        .createIndex('plans_by_seller_created_at')
        .on('plans')
        .columns(['seller_id', 'created_at'])
        .execute();
      await db.schema
        .createIndex('write_back_journal_by_seller_state')
        .on('write_back_journal')
        .columns(['seller_id', 'state'])
        .execute();
      await db.schema
        .createIndex('audit_log_by_seller_at')
        .on('audit_log')
        .columns(['seller_id', 'at'])
        .execute();
      await db.schema.createIndex('api_tokens_by_seller').on('api_tokens').column('seller_id').execute();
    },
  };
}
