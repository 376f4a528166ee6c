import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { generateDataKey } from '../../src/privacy/data-key.ts';
import { openStore } from '../../src/store/store.ts';
import { parseStoreLocation, resolveStoreTarget } from '../../src/store/store-location.ts';
import { describeEachDialect } from './dialects.ts';
import { record } from './fixtures.ts';
import { collect, tsWorker } from './ts-worker.ts';

describeEachDialect('migrations', (harness) => {
  it('run on open, once: reopening and migrating again change nothing and keep the data', async () => {
    const fresh = await harness.fresh();
    expect(fresh.store.dialect).toBe(harness.dialect);
    await fresh.store.jobs.upsertMany([record('job-1')]);
    expect(await fresh.store.migrate()).toEqual([]);
    await fresh.store.close();
    const again = await fresh.reopen();
    expect(await again.migrate()).toEqual([]);
    expect((await again.jobs.get('job-1'))?.serviceJobId).toBe('job-1');
  });

  it('survive two processes opening a new store at the same time', async () => {
    const fresh = await harness.fresh();
    await fresh.store.close();
    const [a, b] = await Promise.all([fresh.reopen(), fresh.reopen()]);
    await a?.jobs.upsertMany([record('job-a')]);
    expect((await b?.jobs.get('job-a'))?.serviceJobId).toBe('job-a');
  });
});

it('lets several processes open a new SQLite file at the same moment', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fieldplan-open-race-'));
  try {
    const barrier = new SharedArrayBuffer(8);
    const flags = new Int32Array(barrier);
    const data = {
      target: join(dir, 'fieldplan.db'),
      keyHex: generateDataKey().bytes.toString('hex'),
      barrier,
    };
    const openers = Array.from({ length: 4 }, () =>
      collect<string>(tsWorker(new URL('./store-opener.ts', import.meta.url), data)),
    );
    while (Atomics.load(flags, 1) < 4) await new Promise((r) => setTimeout(r, 5));
    Atomics.store(flags, 0, 1);
    Atomics.notify(flags, 0);
    expect((await Promise.all(openers)).flat()).toEqual(['opened', 'opened', 'opened', 'opened']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('picks the dialect from the target', async () => {
  expect(parseStoreLocation('postgres://u@h:5432/db')).toEqual({
    dialect: 'postgres',
    url: 'postgres://u@h:5432/db',
  });
  expect(parseStoreLocation('postgresql://u@h/db').dialect).toBe('postgres');
  expect(parseStoreLocation('.fieldplan/fieldplan.db')).toEqual({
    dialect: 'sqlite',
    path: '.fieldplan/fieldplan.db',
  });
  expect(parseStoreLocation('sqlite:/tmp/x.db')).toEqual({ dialect: 'sqlite', path: '/tmp/x.db' });
  expect(() => parseStoreLocation('mysql://h/db')).toThrow(/unsupported database URL scheme/);
  expect(resolveStoreTarget(undefined, {})).toBe('.fieldplan/fieldplan.db');
  expect(resolveStoreTarget(undefined, { DATABASE_URL: 'postgres://h/db' })).toBe('postgres://h/db');
  expect(resolveStoreTarget('/tmp/a.db', { DATABASE_URL: 'postgres://h/db' })).toBe('/tmp/a.db');
  const memory = await openStore(':memory:', { env: {} });
  expect(memory.dialect).toBe('sqlite');
  await memory.close();
});
