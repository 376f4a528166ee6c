/**
 * `fieldplan start` (npm start) stopped mid-run, by Ctrl-C or a kill, leaves nothing in the
 * temporary folder: the demo keeps its database, key and log in .fieldplan/demo/ under the
 * current folder (replaced by the next start) and writes nothing else. Each run gets a
 * temporary folder of its own (TMPDIR), so what is found there afterwards is the demo's.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, childEnv, tempDir } from './support/cli.ts';

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** tsx's compile cache, there when the command runs the sources (a stale or missing build), is no output of the demo. */
const DEVELOPMENT_CACHE = /^tsx-/;

interface Killed {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  leftInTmp: string[];
  cwd: string;
}

/** Starts the demo, waits until it plans (past the sandbox's seeding), then sends `signal`. */
function startAndKill(signal: NodeJS.Signals): Promise<Killed> {
  const cwd = tempDir('fieldplan-start-cwd-');
  const tmp = join(tempDir('fieldplan-start-tmp-'), 'tmp');
  mkdirSync(tmp);
  made.push(cwd, join(tmp, '..'));
  const child = spawn(process.execPath, [BIN, 'start', '--seconds', '5'], {
    cwd,
    env: childEnv({ TMPDIR: tmp, TMP: tmp, TEMP: tmp }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let sent = false;
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (!sent && /^Planning \d+ days/m.test(stdout)) {
      sent = true;
      // A moment into the run: the store is open, the pull under way.
      setTimeout(() => child.kill(signal), 1500);
    }
  });
  child.stderr.resume();
  return new Promise((resolve) =>
    child.on('close', (status, sig) =>
      resolve({
        status,
        signal: sig,
        stdout,
        leftInTmp: readdirSync(tmp).filter((e) => !DEVELOPMENT_CACHE.test(e)),
        cwd,
      }),
    ),
  );
}

describe('a demo stopped mid-run', () => {
  it('killed (SIGKILL): nothing in the temporary folder, its own folder in .fieldplan/demo/', async () => {
    const run = await startAndKill('SIGKILL');
    expect(run.signal).toBe('SIGKILL');
    expect(run.leftInTmp).toEqual([]);
    expect(existsSync(join(run.cwd, '.fieldplan', 'demo'))).toBe(true);
    // What it printed before the kill is for people: no JSON log line among it.
    expect(run.stdout.split('\n').filter((l) => l.trimStart().startsWith('{'))).toEqual([]);
  }, 240_000);

  it('interrupted (SIGINT, Ctrl-C): exits 130, nothing in the temporary folder', async () => {
    const run = await startAndKill('SIGINT');
    expect(run.status).toBe(130);
    expect(run.leftInTmp).toEqual([]);
    expect(existsSync(join(run.cwd, '.fieldplan', 'demo'))).toBe(true);
  }, 240_000);
});
