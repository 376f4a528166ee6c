import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { buildProgram } from '../../src/cli/main.ts';
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
