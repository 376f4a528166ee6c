/**
 * Crash safety: the CLI's write-back is killed (SIGKILL) at seeded random moments, then run
 * again; every trial must end in the same sandbox state as an uninterrupted run, with no
 * duplicate appointment or reservation.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createRandom } from '../../src/sandbox/random.ts';
import { seededPlanningConfig } from '../../src/sandbox/crews-config.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { endState, nextWorkday, tempDir } from './support/world.ts';

const TRIALS = 20;
// One trial at a time: the suite shares a small machine and other tests measure time.
const PARALLEL = 1;
const SEED = { seed: 12, stores: 1, technicians: 3, jobs: 30 } as const;
// A little latency stretches the write-back so kills land inside it, not only before it.
const FAULTS = 'latency=5-25ms';
const date = nextWorkday();
const bin = join(import.meta.dirname, '../../bin/fieldplan.js');

interface Child {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  writingAt: number | undefined;
  endedAt: number;
}

function runCli(sandbox: Sandbox, dir: string, killAfterWriteStartMs?: number): Promise<Child> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LWA_CLIENT_ID: '',
    LWA_CLIENT_SECRET: '',
    LWA_REFRESH_TOKEN: '',
    SPAPI_CONFIG_FILE: '',
    FIELDPLAN_LOG_LEVEL: 'silent',
  };
  delete env['VITEST'];
  const child = spawn(
    process.execPath,
    [
      bin,
      'plan',
      '--date',
      date,
      '--endpoint',
      sandbox.url,
      '--config',
      join(dir, 'crews.yaml'),
      '--db',
      join(dir, 'fieldplan.db'),
      '--out',
      join(dir, 'out'),
      '--iterations',
      '150',
      '--apply',
      '--rate-limits',
      'off',
    ],
    { env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  let writingAt: number | undefined;
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (writingAt === undefined && /Writing back|resuming/.test(stderr)) {
      writingAt = Date.now();
      if (killAfterWriteStartMs !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfterWriteStartMs);
    }
  });
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, stderr, writingAt, endedAt: Date.now() }));
  });
}

async function world(): Promise<{ sandbox: Sandbox; dir: string }> {
  const sandbox = await startSandbox({
    ...SEED,
    startDate: date,
    rateLimits: 'off',
    faults: FAULTS,
    logger: false,
  });
  const dir = tempDir('fieldplan-crash-');
  writeFileSync(
    join(dir, 'crews.yaml'),
    stringify(seededPlanningConfig(sandbox.seededCrews(), sandbox.seededStores())),
  );
  return { sandbox, dir };
}

describe('write-back killed at random points', () => {
  let reference: ReturnType<typeof endState>;
  let writeBackMs = 500;
  const opened: Sandbox[] = [];

  beforeAll(async () => {
    const { sandbox, dir } = await world();
    opened.push(sandbox);
    const r = await runCli(sandbox, dir);
    expect(r.code, r.stderr).toBe(0);
    reference = endState(sandbox);
    writeBackMs = Math.max(200, r.endedAt - (r.writingAt ?? r.endedAt));
    expect(reference.appointments.length).toBeGreaterThan(3);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(opened.map((s) => s.close()));
  });

  it(`ends in the uninterrupted run's state after ${TRIALS} kills`, async () => {
    const rng = createRandom(2026);
    // The measured span ends when the process exits, after the report is written; kills drawn
    // from its first half land inside the write-back on a fast machine as on a slow one.
    const delays = Array.from({ length: TRIALS }, () => Math.floor(rng.next() * writeBackMs * 0.5));
    const outcomes: string[] = [];
    const trial = async (i: number): Promise<void> => {
      const { sandbox, dir } = await world();
      opened.push(sandbox);
      const killed = await runCli(sandbox, dir, delays[i]);
      let final = await runCli(sandbox, dir);
      // A kill can leave the lock held until it expires; a clean rerun ends the run.
      if (final.code !== 0) final = await runCli(sandbox, dir);
      expect(final.code, final.stderr).toBe(0);
      expect(endState(sandbox)).toEqual(reference);
      const active = sandbox.snapshot().appointments.filter((a) => a.status === 'ACTIVE');
      expect(new Set(active.map((a) => a.serviceJobId)).size).toBe(active.length);
      outcomes.push(killed.signal === 'SIGKILL' ? 'killed' : 'finished first');
      await sandbox.close();
    };
    for (let i = 0; i < TRIALS; i += PARALLEL) {
      await Promise.all(Array.from({ length: Math.min(PARALLEL, TRIALS - i) }, (_, k) => trial(i + k)));
    }
    expect(outcomes.filter((o) => o === 'killed').length).toBeGreaterThanOrEqual(TRIALS * 0.75);
  }, 900_000);
});
