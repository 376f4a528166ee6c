/**
 * Runs a store test suite on every available dialect: SQLite always, PostgreSQL when
 * DATABASE_URL is set. Each `fresh()` store gets its own SQLite file or its own PostgreSQL
 * schema (dropped afterwards), so parallel test files and parallel runs never collide.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe } from 'vitest';
import { generateDataKey, type DataKeyRing } from '../../src/privacy/data-key.ts';
import { openStore, type OpenStoreOptions, type Store } from '../../src/store/store.ts';

export interface FreshStore {
  store: Store;
  /** The target and options it was opened with, to reopen it. */
  target: string;
  options: OpenStoreOptions;
  reopen(extra?: Partial<OpenStoreOptions>): Promise<Store>;
  /** Everything the database holds, as text: file bytes (SQLite) or every row as JSON (PostgreSQL). */
  rawText(): Promise<string>;
  /** Runs SQL on a separate connection, behind the store's back (for tampering). */
  rawExec(statement: string, params?: unknown[]): Promise<void>;
}

export interface DialectHarness {
  dialect: 'sqlite' | 'postgres';
  fresh(extra?: Partial<OpenStoreOptions>): Promise<FreshStore>;
}

const TABLES = [
  'service_jobs',
  'appointments',
  'plans',
  'plan_stores',
  'write_back_journal',
  'sync_watermarks',
  'audit_log',
  'locks',
  'store_meta',
  'api_tokens',
];

export function testKeys(): DataKeyRing {
  return { current: generateDataKey(), previous: [], source: 'test' };
}

function sqliteHarness(cleanups: (() => Promise<void>)[]): DialectHarness {
  return {
    dialect: 'sqlite',
    async fresh(extra = {}) {
      const dir = mkdtempSync(join(tmpdir(), 'fieldplan-store-'));
      cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
      const target = join(dir, 'fieldplan.db');
      const options: OpenStoreOptions = { env: {}, dataKeys: testKeys(), ...extra };
      const store = await openStore(target, options);
      cleanups.push(() => store.close().catch(() => undefined));
      return {
        store,
        target,
        options,
        reopen: async (more = {}) => {
          const s = await openStore(target, { ...options, ...more });
          cleanups.push(() => s.close().catch(() => undefined));
          return s;
        },
        rawText: async () =>
          ['', '-wal', '-journal']
            .map((suffix) => target + suffix)
            .filter((file) => existsSync(file))
            .map((file) => readFileSync(file).toString('latin1'))
            .join('\n'),
        rawExec: async (statement, params = []) => {
          const db = new SqliteDatabase(target);
          try {
            db.prepare(statement).run(...params);
          } finally {
            db.close();
          }
        },
      };
    },
  };
}

function postgresHarness(url: string, cleanups: (() => Promise<void>)[]): DialectHarness {
  const withClient = async <T>(schema: string | undefined, fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({
      connectionString: url,
      ...(schema !== undefined && { options: `-c search_path=${schema}` }),
    });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  return {
    dialect: 'postgres',
    async fresh(extra = {}) {
      const schema = `fieldplan_test_${process.pid}_${randomBytes(6).toString('hex')}`;
      cleanups.push(() =>
        withClient(undefined, (c) =>
          c.query(`drop schema if exists ${schema} cascade`).then(() => undefined),
        ),
      );
      const options: OpenStoreOptions = { env: {}, dataKeys: testKeys(), schema, poolSize: 4, ...extra };
      const store = await openStore(url, options);
      // Closed before the schema is dropped: cleanups run in reverse order.
      cleanups.push(() => store.close().catch(() => undefined));
      return {
        store,
        target: url,
        options,
        reopen: async (more = {}) => {
          const s = await openStore(url, { ...options, ...more });
          cleanups.push(() => s.close().catch(() => undefined));
          return s;
        },
        rawText: () =>
          withClient(schema, async (c) => {
            const parts: string[] = [];
            for (const table of TABLES) {
              const result = await c.query(`select row_to_json(t)::text as row from ${table} t`);
              for (const row of result.rows as { row: string }[]) parts.push(row.row);
            }
            return parts.join('\n');
          }),
        rawExec: (statement, params = []) =>
          withClient(schema, async (c) => {
            // Placeholders are written SQLite-style (?) in tests; number them for pg.
            let n = 0;
            await c.query(
              statement.replace(/\?/g, () => `$${++n}`),
              params,
            );
          }),
      };
    },
  };
}

let warned = false;

/** Declares `suite` once per available dialect. */
export function describeEachDialect(title: string, suite: (harness: DialectHarness) => void): void {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  describe(`${title} [sqlite]`, () => suite(sqliteHarness(cleanups)));
  const url = process.env['DATABASE_URL'];
  if (url === undefined || url === '') {
    if (!warned) {
      console.warn(
        'PostgreSQL store tests skipped: DATABASE_URL is unset (e.g. postgres://postgres@127.0.0.1:5432/test)',
      );
      warned = true;
    }
    describe.skip(`${title} [postgres] (skipped: DATABASE_URL is unset)`, () =>
      suite(postgresHarness('', cleanups)));
    return;
  }
  describe(`${title} [postgres]`, () => suite(postgresHarness(url, cleanups)));
}
