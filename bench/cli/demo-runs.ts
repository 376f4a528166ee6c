/**
 * Runs the demo (`fieldplan start`) repeatedly, some runs with busy processes beside it, and
 * counts its exit codes and any JSON log line on its stdout:
 *   node --import tsx bench/cli/demo-runs.ts [--runs 10] [--busy-runs 5] [--busy 2] [--seconds 20]
 * Prints a Markdown table and writes it to bench/results/demo-runs.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { projectRoot } from '../paths.ts';

function count(value: string | undefined, name: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`--${name}: expected a whole number ≥ ${min}, got ${value}`);
  return n;
}

function busyProcess(): ChildProcess {
  return spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
}

async function demo(
  seconds: number,
): Promise<{ code: number | null; jsonLines: number; ms: number; last: string }> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [join(projectRoot, 'bin', 'fieldplan.js'), 'start', '--seconds', String(seconds)],
    { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.resume();
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const lines = stdout.split('\n');
  const jsonLines = lines.filter((l) => l.trimStart().startsWith('{')).length;
  const last = lines.find((l) => l.startsWith('Plan ')) ?? '';
  return { code, jsonLines, ms: performance.now() - started, last };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '10' },
      'busy-runs': { type: 'string', default: '5' },
      busy: { type: 'string', default: '2' },
      seconds: { type: 'string', default: '20' },
    },
  });
  const runs = count(values.runs, 'runs', 1);
  const busyRuns = count(values['busy-runs'], 'busy-runs', 0);
  const busy = count(values.busy, 'busy', 0);
  const seconds = count(values.seconds, 'seconds', 1);
  const rows: string[] = [];
  const exits: (number | null)[] = [];
  for (let i = 0; i < runs; i++) {
    const loaded = i >= runs - busyRuns;
    const hogs = loaded ? Array.from({ length: busy }, busyProcess) : [];
    const load = loadavg()[0]!.toFixed(1);
    try {
      const r = await demo(seconds);
      exits.push(r.code);
      rows.push(
        `| ${i + 1} | ${loaded ? `${busy} extra busy` : 'no extra'} | ${load} | ${r.code} | ${r.jsonLines} | ${(r.ms / 1000).toFixed(0)} s | ${r.last.replace(/^Plan \S+: /, '')} |`,
      );
      console.log(rows.at(-1));
      write(rows, exits.filter((c) => c === 0).length, i + 1, seconds);
    } finally {
      for (const h of hogs) h.kill();
    }
  }
  write(rows, exits.filter((c) => c === 0).length, runs, seconds);
}

/** The table so far (written after every run, so a stopped series keeps its rows). */
function write(rows: string[], ok: number, runs: number, seconds: number): void {
  const table = [
    '| run | machine | load at start | exit | JSON lines on stdout | time | plan |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
  const note = `${ok} of ${runs} runs exited 0; ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, solver budget ${seconds} s; the load column is the 1-minute load average, other work included.`;
  console.log(`\n${table}\n\n${note}`);
  writeFileSync(
    join(projectRoot, 'bench', 'results', 'demo-runs.md'),
    `# npm start, repeated\n\n${table}\n\n${note}\n`,
  );
}

await main();
