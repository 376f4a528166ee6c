/**
 * `fieldplan start` run to the end with a short solver budget, its output not a terminal: the
 * summary on stdout carries no JSON log line, and the progress on stderr is plain lines, each
 * with the time left once at most; solving shows jobs placed and travel, never the solver's cost.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, childEnv, tempDir } from './support/cli.ts';

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function runStart(): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const cwd = tempDir('fieldplan-start-out-');
  const tmp = join(cwd, 'tmp');
  mkdirSync(tmp);
  made.push(cwd);
  const child = spawn(process.execPath, [BIN, 'start', '--seconds', '1'], {
    cwd,
    env: childEnv({ TMPDIR: tmp, TMP: tmp, TEMP: tmp }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

function isJson(line: string): boolean {
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === 'object' && v !== null;
  } catch {
    return false;
  }
}

describe('fieldplan start, run to the end', () => {
  it('stdout has no JSON log line; progress is plain lines with one ETA at most', async () => {
    const run = await runStart();
    expect(run.status, run.stderr).toBe(0);
    const out = run.stdout.split('\n').filter((l) => l.trim() !== '');
    expect(out.length).toBeGreaterThan(0);
    expect(out.filter((l) => isJson(l.trim()) || l.trimStart().startsWith('{'))).toEqual([]);
    // Progress lines name their step first ("Solving: …"), with no time of day.
    const progress = run.stderr.split('\n').filter((l) => /^[A-Z][A-Za-z -]+: /.test(l));
    expect(run.stderr).not.toMatch(/^\d{2}:\d{2}:\d{2} /m);
    for (const l of progress) {
      expect(l).toMatch(/^[ -~×…]+$/);
      expect(l.match(/ETA/g)?.length ?? 0).toBeLessThanOrEqual(1);
    }
    const solving = progress.filter((l) => l.startsWith('Solving: '));
    expect(solving.length).toBeGreaterThan(0);
    for (const l of solving) {
      expect(l).toMatch(/jobs placed, travel \d+\.\d h$/);
      expect(l).not.toMatch(/cost/i);
    }
    expect(progress.some((l) => l.startsWith('Writing back: '))).toBe(true);
  }, 300_000);
});
