/**
 * A database or key file the user names and that does not exist is an error naming the path,
 * and nothing is created; commands that start a store (token create, plan, sync) still do.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateDataKey } from '../../src/privacy/data-key.ts';
import { openStore } from '../../src/store/index.ts';
import { childEnv, lines, runCli, runInProcess, tempDir } from './support/cli.ts';

/** Commands that read stored data: they need an existing store. */
const READING_COMMANDS = [
  ['report'],
  ['purge'],
  ['reencrypt'],
  ['token', 'list'],
  ['token', 'revoke', 'abc'],
];

const fileName = fc.stringMatching(/^[a-z][a-z0-9_-]{0,12}$/);

/** A store with one token, created with a key file beside it; returns its paths. */
async function existingStore(): Promise<{ dir: string; db: string; key: string }> {
  const dir = tempDir();
  const db = join(dir, 'store.db');
  const key = join(dir, 'store.key');
  const store = await openStore(db, { env: {} });
  await store.tokens.create({ scope: 'viewer' });
  await store.close();
  return { dir, db, key };
}

describe('files named by the user', () => {
  it('a missing --db is an error naming it, for every command that reads a store, and nothing is created', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...READING_COMMANDS), fileName, async (command, name) => {
        const dir = tempDir();
        const db = join(dir, `${name}.db`);
        const r = await runInProcess([...command, '--db', db]);
        expect(r.status).toBe(1);
        expect(lines(r.stderr)).toHaveLength(1);
        expect(r.stderr).toContain(db);
        expect(r.stderr).toContain('STORE_NOT_FOUND');
        expect(readdirSync(dir)).toEqual([]);
      }),
      { numRuns: 20 },
    );
  });

  it('a missing --key-file is an error naming it, not a new key and DATA_KEY_MISMATCH', async () => {
    const { dir, db } = await existingStore();
    const before = readdirSync(dir).sort();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...READING_COMMANDS), fileName, async (command, name) => {
        const keyFile = join(dir, `${name}.missing-key`);
        const r = await runInProcess([...command, '--db', db, '--key-file', keyFile]);
        expect(r.status).toBe(1);
        expect(lines(r.stderr)).toHaveLength(1);
        expect(r.stderr).toContain(keyFile);
        expect(r.stderr).toContain('DATA_KEY_MISSING');
        expect(r.stderr).not.toContain('DATA_KEY_MISMATCH');
        expect(existsSync(keyFile)).toBe(false);
        expect(readdirSync(dir).sort()).toEqual(before);
      }),
      { numRuns: 20 },
    );
  });

  it('a named key file is required even for a new store: neither the key nor the database appear', async () => {
    const dir = tempDir();
    const r = await runInProcess([
      'token',
      'create',
      '--scope',
      'viewer',
      '--db',
      join(dir, 'new.db'),
      '--key-file',
      join(dir, 'typo.key'),
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(join(dir, 'typo.key'));
    expect(readdirSync(dir)).toEqual([]);
  });

  it('an existing store whose default key file is gone says so instead of generating a new key', async () => {
    const { db, key } = await existingStore();
    // A lost key: the store stays, the key beside it is gone.
    rmSync(key);
    await expect(openStore(db, { env: {} })).rejects.toMatchObject({
      code: 'DATA_KEY_MISSING',
      message: expect.stringContaining(key),
    });
    expect(existsSync(key)).toBe(false);
  });

  it('commands that start a store still create the database and its key', async () => {
    const dir = tempDir();
    const db = join(dir, 'fresh.db');
    const created = await runInProcess(['token', 'create', '--scope', 'viewer', '--db', db]);
    expect(created.status, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/^fpt_/m);
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(['fresh.db', 'fresh.key']));
    // With its own key named, the existing store opens for a reading command.
    const listed = await runInProcess(['token', 'list', '--db', db, '--key-file', join(dir, 'fresh.key')]);
    expect(listed.status, listed.stderr).toBe(0);
  });

  it('a key given in FIELDPLAN_DATA_KEY needs no key file', async () => {
    const dir = tempDir();
    const db = join(dir, 'env.db');
    const dataKeys = { current: generateDataKey(), previous: [], source: 'test' };
    const store = await openStore(db, { dataKeys });
    await store.close();
    const env = { FIELDPLAN_DATA_KEY: dataKeys.current.bytes.toString('base64') };
    const reopened = await openStore(db, { env, keyFile: join(dir, 'absent.key'), requireKeyFile: true });
    await reopened.close();
    expect(existsSync(join(dir, 'absent.key'))).toBe(false);
  });

  it('as a user runs it: report --db missing.db is one line on stderr, exit 1, and the folder stays empty', async () => {
    const cwd = tempDir();
    const r = await runCli(['report', '--db', 'missing.db'], { cwd, env: childEnv() });
    expect(r.status).toBe(1);
    expect(lines(r.stderr)).toEqual([expect.stringContaining('missing.db')]);
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe('a PostgreSQL store that must exist', () => {
  const url = process.env['DATABASE_URL'];
  if (url === undefined || url === '') {
    it.skip('needs DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test)', () => {});
    console.warn('PostgreSQL store-file tests skipped: DATABASE_URL is unset');
    return;
  }

  it('is refused when its schema holds no store, and no schema or table is created', async () => {
    const pg = (await import('pg')).default;
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[a-z]{4,10}$/), async (suffix) => {
        const schema = `cli_missing_${suffix}_${process.pid}`;
        await expect(openStore(url, { schema, env: {}, mustExist: true })).rejects.toMatchObject({
          code: 'STORE_NOT_FOUND',
        });
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          const found = await client.query(
            'select 1 from information_schema.schemata where schema_name = $1',
            [schema],
          );
          expect(found.rowCount).toBe(0);
        } finally {
          await client.end();
        }
      }),
      { numRuns: 5 },
    );
  });

  it('opens once it exists', async () => {
    const schema = `cli_present_${process.pid}`;
    const dataKeys = { current: generateDataKey(), previous: [], source: 'test' };
    const created = await openStore(url, { schema, dataKeys });
    await created.close();
    const reopened = await openStore(url, { schema, dataKeys, mustExist: true });
    await reopened.close();
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
  });
});
