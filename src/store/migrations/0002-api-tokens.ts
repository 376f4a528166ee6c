import type { Kysely, Migration } from 'kysely';
import type { SqlDialect } from '../database.ts';

/** Bearer tokens of the HTTP API: only a SHA-256 hash of each secret is kept. */
export function apiTokens(dialect: SqlDialect): Migration {
  const ts = dialect === 'postgres' ? 'timestamptz' : 'text';
  return {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('api_tokens')
        .addColumn('token_id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text')
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('secret_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', ts, (c) => c.notNull())
        .addColumn('revoked_at', ts)
        .execute();
    },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('api_tokens').execute();
    },
  };
}
