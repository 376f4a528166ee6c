import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { buildProgram } from '../../src/cli/main.ts';
import { generateDataKey } from '../../src/privacy/data-key.ts';
import { openStore } from '../../src/store/store.ts';
import { record } from './fixtures.ts';

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

it('fieldplan purge deletes expired personal data of the given store', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fieldplan-purge-'));
  dirs.push(dir);
  const db = join(dir, 'fieldplan.db');
  const longAgo = new Date(Date.now() - 40 * 86_400_000);
  const store = await openStore(db, { env: {}, clock: () => longAgo });
  await store.jobs.upsertMany([record('old', { serviceJobStatus: 'COMPLETED' }), record('open')]);
  await store.close();

  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  // The key file was created beside the database on first open and is found there again.
  await buildProgram().parseAsync(['node', 'fieldplan', 'purge', '--db', db]);
  expect(log.mock.calls.flat().join('\n')).toMatch(/purged personal data of 1 jobs/);

  const after = await openStore(db, { env: {} });
  expect((await after.jobs.get('old'))?.personal).toBeNull();
  expect((await after.jobs.get('open'))?.personal?.buyerName).toBe('Zebulon Quillfeather');
  await after.close();
});

it('fieldplan reencrypt moves personal data to the first key of the key file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fieldplan-rekey-'));
  dirs.push(dir);
  const db = join(dir, 'fieldplan.db');
  const keyFile = join(dir, 'keys');
  const store = await openStore(db, { env: {}, keyFile });
  await store.jobs.upsertMany([record('job-1')]);
  await store.close();
  const oldKey = readFileSync(keyFile, 'utf8')
    .split('\n')
    .find((line) => line !== '' && !line.startsWith('#'));
  const newKey = generateDataKey();
  writeFileSync(keyFile, `${newKey.bytes.toString('base64')}\n${oldKey}\n`, { mode: 0o600 });

  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  await buildProgram().parseAsync(['node', 'fieldplan', 'reencrypt', '--db', db, '--key-file', keyFile]);
  expect(log.mock.calls.flat().join('\n')).toMatch(/re-encrypted 6 job fields/);

  const newOnly = await openStore(db, { env: { FIELDPLAN_DATA_KEY: newKey.bytes.toString('hex') } });
  expect((await newOnly.jobs.get('job-1'))?.personal?.buyerName).toBe('Zebulon Quillfeather');
  await newOnly.close();
});
