/**
 * The store: one Kysely query layer over embedded SQLite (default) or PostgreSQL, migrated
 * on open, with personal data encrypted by a key that never enters the database.
 */
import { chmodSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { generateDataKey, loadDataKeyRing, type DataKeyRing } from '../privacy/data-key.ts';
import { FieldCipher } from '../privacy/field-cipher.ts';
import { PersonalDataError } from '../privacy/personal-data-error.ts';
import { ApiTokens } from './api-tokens.ts';
import { AuditLog } from './audit-log.ts';
import { DEPLOYMENT_KEY_CHECK, KEY_CHECK, checkDataKey, sellerKeyCheck } from './data-key-check.ts';
import { DEFAULT_SELLER_ID, assertSellerId } from '../tenants/seller-id.ts';
import type { Database, SqlDialect } from './database.ts';
import { JobHistory } from './job-history.ts';
import { JobPreferences } from './job-preferences.ts';
import { Locks } from './locks.ts';
import { StoreMigrations } from './migrations/index.ts';
import { reencryptPersonalData, type RekeyCounts } from './personal-data-rekeying.ts';
import {
  DEFAULT_RETENTION_DAYS,
  PersonalDataRetention,
  type PurgeCounts,
} from './personal-data-retention.ts';
import { Plans } from './plans.ts';
import { ServiceJobs } from './service-jobs.ts';
import { StoreError } from './store-error.ts';
import { MEMORY, defaultKeyFile, parseStoreLocation, type StoreLocation } from './store-location.ts';
import { SyncWatermarks } from './sync-watermarks.ts';
import { WriteBackJournal } from './write-back-journal.ts';

export interface OpenStoreOptions {
  /** Environment for `FIELDPLAN_DATA_KEY`, `FIELDPLAN_DATA_KEY_PREVIOUS`, `FIELDPLAN_DATA_KEY_FILE`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Data key file; default beside the SQLite file (`fieldplan.key`) or `.fieldplan/fieldplan.key`. */
  keyFile?: string;
  /** Keys given directly (tests, embedding); wins over the environment and key file. */
  dataKeys?: DataKeyRing;
  /** The engine's clock; every stored timestamp comes from it. */
  clock?: () => Date;
  /** PostgreSQL schema to use (created if missing); default: the connection's search_path. */
  schema?: string;
  /** Days after completion or cancellation before personal data is deleted (default 30). */
  retentionDays?: number;
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
  /**
   * The store must exist already (commands that read stored data): a missing SQLite file, or a
   * PostgreSQL database without a fieldplan store, is an error and nothing is created.
   */
  mustExist?: boolean;
  /**
   * `keyFile` was named by the user: a missing file is an error, never generated, so a typo
   * cannot put a fresh key in front of a store. A key file from `FIELDPLAN_DATA_KEY_FILE` is
   * treated the same. The default key file beside the database is generated for a new store only.
   */
  requireKeyFile?: boolean;
}

export interface Store {
  readonly dialect: SqlDialect;
  /** The seller whose rows this view reads and writes (`default` for a single-seller deployment). */
  readonly sellerId: string;
  /** Id of the data key that encrypts new personal data. */
  readonly dataKeyId: string;
  readonly jobs: ServiceJobs;
  readonly plans: Plans;
  readonly journal: WriteBackJournal;
  readonly watermarks: SyncWatermarks;
  readonly audit: AuditLog;
  readonly locks: Locks;
  /** Technician preferences set per job (API), audited. */
  readonly preferences: JobPreferences;
  /** Earlier jobs of the same product order and who served them. */
  readonly history: JobHistory;
  /** Bearer tokens of the HTTP API (hashed). */
  readonly tokens: ApiTokens;
  /** Deletes personal data of jobs closed more than the retention period before `now`. */
  purgeExpiredPersonalData(now?: Date, actor?: string): Promise<PurgeCounts>;
  /**
   * Re-encrypts personal data still under an older key of the ring with the current key, so
   * the old key can be retired. Resumable; returns how many values moved.
   */
  reencryptPersonalData(): Promise<RekeyCounts>;
  /** Applies pending migrations (also done on open); returns the names applied. */
  migrate(): Promise<string[]>;
  /**
   * The same database seen as another seller: every read and write confined to that seller's
   * rows. `dataKeys`: the seller's own data key (its canary is checked, or written for a
   * seller's first data); without, the deployment's key. Views share the opener's
   * connection: closing a view does nothing, closing the store closes them all.
   */
  forSeller(sellerId: string, options?: { dataKeys?: DataKeyRing }): Promise<Store>;
  close(): Promise<void>;
}

const MIGRATION_ATTEMPTS = 5;

export async function openStore(target: string, options: OpenStoreOptions = {}): Promise<Store> {
  const location = parseStoreLocation(target);
  const env = options.env ?? process.env;
  const clock = options.clock ?? (() => new Date());
  const keySource = keySourceFor(location, options, env);
  // Both checks come before connecting, so a wrong path creates neither a database nor a key.
  if (keySource.required) assertKeyFileExists(keySource.keyFile);
  if (options.mustExist === true && location.dialect === 'sqlite') assertSqliteStoreExists(location.path);

  const newSqliteFile =
    location.dialect === 'sqlite' && location.path !== MEMORY && !existsSync(location.path);
  const { db, migrationTableSchema } = await connect(location, options);
  let keysLoaded = false;
  try {
    const existing = await hasKeyCheck(db, location.dialect);
    if (options.mustExist === true && !existing) {
      throw new StoreError(
        'STORE_NOT_FOUND',
        `the ${location.dialect === 'sqlite' ? `file ${location.path}` : 'PostgreSQL database'} holds no ` +
          'fieldplan store; check --db or DATABASE_URL, or create the store with fieldplan sync or fieldplan plan',
      );
    }
    const keys = options.dataKeys ?? loadKeys(keySource, env, existing);
    keysLoaded = true;
    const cipher = new FieldCipher(keys);
    const migrate = async (): Promise<string[]> => {
      const migrator = new Migrator({
        db,
        provider: new StoreMigrations(location.dialect),
        ...(migrationTableSchema !== undefined && { migrationTableSchema }),
      });
      // SQLite has no migration lock across processes: two processes opening a new file at
      // once can both start the same migration, and the loser fails ("table already exists").
      // Its rolled-back attempt is harmless; a retry then finds the winner's migrations applied.
      for (let attempt = 1; ; attempt++) {
        const { error, results } = await migrator.migrateToLatest();
        if (error === undefined) {
          return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
        }
        if (attempt >= MIGRATION_ATTEMPTS) {
          throw new StoreError('MIGRATION_FAILED', `migrating the ${location.dialect} store failed`, {
            cause: error,
          });
        }
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt + Math.random() * 50));
      }
    };
    await migrate();
    await checkDataKey(db, cipher, keys);

    const retentionDays = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
    const view = (sellerId: string, viewCipher: FieldCipher, ownKey: boolean, root: boolean): Store => {
      const audit = new AuditLog(db, clock, sellerId);
      // The deployment-wide purge (the opener's) covers every seller; a seller's view, its own jobs.
      const retention = new PersonalDataRetention(db, audit, retentionDays, root ? undefined : sellerId);
      const store: Store = {
        dialect: location.dialect,
        sellerId,
        dataKeyId: viewCipher.currentKeyId,
        jobs: new ServiceJobs(db, viewCipher, clock, sellerId),
        plans: new Plans(db, clock, sellerId),
        journal: new WriteBackJournal(db, viewCipher, clock, sellerId),
        watermarks: new SyncWatermarks(db, clock, sellerId),
        audit,
        locks: new Locks(db, clock, sellerId),
        preferences: new JobPreferences(db, clock, sellerId, audit),
        history: new JobHistory(db, sellerId),
        tokens: new ApiTokens(db, clock, sellerId),
        purgeExpiredPersonalData: (now = clock(), actor) => retention.purgeExpired(now, actor),
        reencryptPersonalData: async () => {
          const counts = await reencryptPersonalData(
            db,
            viewCipher,
            ownKey
              ? { sellerId, keyCheck: sellerKeyCheck(sellerId) }
              : { exceptSellers: await sellersWithOwnKey(db), keyCheck: DEPLOYMENT_KEY_CHECK },
          );
          await audit.record({
            actor: 'rekeying',
            action: 'personal_data.reencrypted',
            details: { ...counts },
          });
          return counts;
        },
        migrate,
        forSeller: async (other, opts = {}) => {
          assertSellerId(other);
          if (opts.dataKeys === undefined) {
            // A seller whose data is under a key of its own cannot be read with the deployment's.
            if ((await sellersWithOwnKey(db)).includes(other))
              throw new StoreError(
                'DATA_KEY_MISMATCH',
                `seller ${other} has a data key of its own; configure it (dataKey in the sellers file)`,
              );
            return view(other, cipher, false, false);
          }
          const sellerCipher = new FieldCipher(opts.dataKeys);
          await checkDataKey(db, sellerCipher, opts.dataKeys, sellerKeyCheck(other));
          return view(other, sellerCipher, true, false);
        },
        close: root ? () => db.destroy() : async () => undefined,
      };
      return store;
    };
    return view(DEFAULT_SELLER_ID, cipher, false, true);
  } catch (error) {
    await db.destroy();
    // No key, no store: do not leave behind the empty database file this open created.
    if (newSqliteFile && !keysLoaded)
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${location.path}${suffix}`, { force: true });
    throw error;
  }
}

interface KeySource {
  keyFile: string | undefined;
  /** The key file was named (option or environment), so it must exist. */
  required: boolean;
  hasEnvKey: boolean;
}

function keySourceFor(
  location: StoreLocation,
  options: OpenStoreOptions,
  env: Readonly<Record<string, string | undefined>>,
): KeySource {
  const hasEnvKey = (env['FIELDPLAN_DATA_KEY'] ?? '').trim() !== '';
  const fromEnv = env['FIELDPLAN_DATA_KEY_FILE']?.trim() || undefined;
  const keyFile = options.keyFile ?? fromEnv ?? defaultKeyFile(location);
  const named =
    (options.keyFile !== undefined && options.requireKeyFile === true) ||
    (options.keyFile === undefined && fromEnv !== undefined);
  // A key in the environment wins over any key file, so the file is not needed then.
  return { keyFile, required: named && !hasEnvKey && options.dataKeys === undefined, hasEnvKey };
}

function assertKeyFileExists(keyFile: string | undefined): void {
  if (keyFile === undefined || existsSync(keyFile)) return;
  throw new PersonalDataError(
    'DATA_KEY_MISSING',
    `the data key file ${keyFile} does not exist (nothing was created); give the path of the key file ` +
      'this store was created with, or leave --key-file and FIELDPLAN_DATA_KEY_FILE unset to use the ' +
      'key beside the database (generated for a new database)',
  );
}

function assertSqliteStoreExists(path: string): void {
  if (path === MEMORY || existsSync(path)) return;
  throw new StoreError(
    'STORE_NOT_FOUND',
    `no store at ${path} (nothing was created); check --db or DATABASE_URL, or create the store ` +
      'with fieldplan sync or fieldplan plan',
  );
}

/** Sellers whose personal data is under a data key of their own (they have a canary of their own). */
async function sellersWithOwnKey(db: Kysely<Database>): Promise<string[]> {
  const prefix = `${KEY_CHECK}:`;
  const rows = await db.selectFrom('store_meta').select('key').where('key', 'like', `${prefix}%`).execute();
  return rows.map((r) => r.key.slice(prefix.length));
}

/** Whether the database already holds a store whose personal data a key was chosen for. */
async function hasKeyCheck(db: Kysely<Database>, dialect: SqlDialect): Promise<boolean> {
  const table =
    dialect === 'sqlite'
      ? await sql<{
          n: number;
        }>`select count(*) as n from sqlite_master where type = 'table' and name = 'store_meta'`.execute(db)
      : await sql<{
          n: number;
        }>`select count(*)::int as n from information_schema.tables where table_schema = current_schema() and table_name = 'store_meta'`.execute(
          db,
        );
  if (Number(table.rows[0]?.n ?? 0) === 0) return false;
  const row = await db.selectFrom('store_meta').select('key').where('key', '=', KEY_CHECK).executeTakeFirst();
  return row !== undefined;
}

function loadKeys(
  source: KeySource,
  env: Readonly<Record<string, string | undefined>>,
  existingStore: boolean,
): DataKeyRing {
  const { keyFile, hasEnvKey } = source;
  if (!hasEnvKey && keyFile === undefined) {
    // An in-memory database dies with the process; so may its key.
    return { current: generateDataKey(), previous: [], source: 'ephemeral' };
  }
  if (!hasEnvKey && keyFile !== undefined && existingStore && !existsSync(keyFile)) {
    // A new key could never read this store's data: say so instead of generating one.
    throw new PersonalDataError(
      'DATA_KEY_MISSING',
      `the store exists but its data key file ${keyFile} does not; restore the key file, ` +
        'set FIELDPLAN_DATA_KEY, or name the key file with --key-file',
    );
  }
  return loadDataKeyRing({ env, createKeyFile: !existingStore, ...(keyFile !== undefined && { keyFile }) });
}

async function connect(
  location: StoreLocation,
  options: OpenStoreOptions,
): Promise<{ db: Kysely<Database>; migrationTableSchema: string | undefined }> {
  if (location.dialect === 'sqlite') {
    const created = location.path !== MEMORY && !existsSync(location.path);
    if (location.path !== MEMORY) mkdirSync(dirname(location.path), { recursive: true, mode: 0o700 });
    const database = new SqliteDatabase(location.path);
    if (created && process.platform !== 'win32') chmodSync(location.path, 0o600);
    // Other processes writing the same file wait instead of failing with SQLITE_BUSY; set first,
    // since switching a new file to WAL takes a lock another opener may hold.
    database.pragma('busy_timeout = 10000');
    if (location.path !== MEMORY) database.pragma('journal_mode = WAL');
    // FULL: an intent recorded in the journal must survive a power cut before the call goes out.
    database.pragma('synchronous = FULL');
    database.pragma('foreign_keys = ON');
    // Purged personal data is overwritten in the file, not left behind in free pages.
    database.pragma('secure_delete = ON');
    return {
      db: new Kysely<Database>({ dialect: new SqliteDialect({ database }) }),
      migrationTableSchema: undefined,
    };
  }
  const schema = options.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new StoreError(
      'STORE_TARGET_INVALID',
      'PostgreSQL schema names must match ^[a-z_][a-z0-9_]{0,62}$',
    );
  }
  // The PostgreSQL driver loads only for a PostgreSQL store.
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString: location.url,
    max: options.poolSize ?? 10,
    ...(schema !== undefined && { options: `-c search_path=${schema}` }),
  });
  // An idle client that loses its server (PostgreSQL restarted or out of reach) must not
  // crash the process: the pool drops it, and the next query fails, naming the outage.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    // A store that must exist already gets no new schema either.
    if (schema !== undefined && options.mustExist !== true)
      await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
    const current = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
    const migrationTableSchema = current.rows[0]?.schema ?? undefined;
    if (migrationTableSchema === undefined && options.mustExist === true) {
      throw new StoreError(
        'STORE_NOT_FOUND',
        `the PostgreSQL schema ${schema ?? '(search_path)'} does not exist (nothing was created); check --db or DATABASE_URL`,
      );
    }
    if (migrationTableSchema === undefined) {
      throw new StoreError(
        'STORE_TARGET_INVALID',
        'the PostgreSQL connection has no current schema (check search_path)',
      );
    }
    return { db, migrationTableSchema };
  } catch (error) {
    await db.destroy();
    throw error;
  }
}
