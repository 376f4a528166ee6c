import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkSolution } from '../../solver/checker.ts';
import { ProblemSchema } from '../../solver/problem.ts';
import type { Solution } from '../../solver/solution.ts';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', '..', 'bin', 'fieldplan.js');
const dir = mkdtempSync(join(tmpdir(), 'fieldplan-solve-'));

/** The example of docs/problem-format.md. */
function docExample(): string {
  const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'problem-format.md'), 'utf8');
  // The worked example under "## Example" (other sections carry examples of their own).
  const block = /\n## Example\n[\s\S]*?```json\n([\s\S]*?)```/.exec(doc);
  if (!block?.[1]) throw new Error('docs/problem-format.md has no json example');
  return block[1];
}

async function fieldplan(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { timeout: 60_000 });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

describe('fieldplan solve', () => {
  it('prints a solution the checker accepts for the documented example', async () => {
    const file = join(dir, 'example.json');
    writeFileSync(file, docExample());
    const { stdout, code } = await fieldplan('solve', file, '--seconds', '0.3', '--seed', '3');
    expect(code).toBe(0);
    const solution = JSON.parse(stdout) as Solution;
    const problem = ProblemSchema.parse(JSON.parse(docExample()));
    expect(checkSolution(problem, solution).violations).toEqual([]);
    expect(solution.stats.seed).toBe(3);
    expect(solution.routes.flatMap((r) => r.visits).length + solution.unassigned.length).toBe(3);
  });

  it('shows its progress as plain lines on stderr (jobs placed, never the cost), quiet with --quiet', async () => {
    const file = join(dir, 'progress.json');
    writeFileSync(file, docExample());
    const shown = await fieldplan('solve', file, '--seconds', '1', '--seed', '3');
    expect(shown.code).toBe(0);
    expect((JSON.parse(shown.stdout) as Solution).stats.seed).toBe(3);
    const lines = shown.stderr.split('\n').filter((l) => l !== '');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const l of lines.slice(0, -1))
      expect(l).toMatch(/^Solving: \d+\/1(, ETA \d+ s)? search: \d of 3 jobs placed, travel \d+\.\d h$/);
    expect(lines.at(-1)).toMatch(/^Solving: \d of 3 jobs placed$/);
    expect(shown.stderr).not.toMatch(/cost/i);
    const quiet = await fieldplan('solve', file, '--seconds', '0.3', '--quiet');
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
  });

  it('reads VROOM input and answers in VROOM shape', async () => {
    const file = join(dir, 'vroom.json');
    writeFileSync(
      file,
      JSON.stringify({
        jobs: [
          { id: 1, location_index: 1, service: 300 },
          { id: 2, location_index: 2, service: 300, time_windows: [[0, 5000]] },
        ],
        vehicles: [{ id: 7, start_index: 0, end_index: 0 }],
        matrix: [
          [0, 100, 200],
          [100, 0, 100],
          [200, 100, 0],
        ],
      }),
    );
    const { stdout, code } = await fieldplan('solve', file, '--format', 'vroom', '--seconds', '0.2');
    expect(code).toBe(0);
    const output = JSON.parse(stdout) as {
      code: number;
      routes: { vehicle: number; steps: { type: string }[] }[];
    };
    expect(output.code).toBe(0);
    expect(output.routes[0]?.vehicle).toBe(7);
    expect(output.routes[0]?.steps.map((s) => s.type)).toEqual(['start', 'job', 'job', 'end']);
  });

  it('names the bad field and exits non-zero for an invalid file', async () => {
    const file = join(dir, 'bad.json');
    const problem = JSON.parse(docExample()) as { jobs: { duration: unknown }[] };
    problem.jobs[1]!.duration = -5;
    writeFileSync(file, JSON.stringify(problem));
    const bad = await fieldplan('solve', file);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/jobs\[1\]\.duration/);
    expect(bad.stdout).toBe('');

    writeFileSync(file, '{ "jobs": [');
    const broken = await fieldplan('solve', file);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/not valid JSON/);
  });
});
