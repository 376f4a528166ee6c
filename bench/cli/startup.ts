/**
 * Start-up time of the command line and the server, as a user meets it:
 *   node --import tsx bench/cli/startup.ts [--runs 5] [--modes source,dist] [--out bench/results/cli-startup.md]
 * For each mode, it times `fieldplan --help` until exit, `fieldplan sandbox --port 0` until it
 * prints its address, and `fieldplan serve --port 0` until GET /health answers 200. Mode
 * `source` runs the TypeScript sources through tsx (FIELDPLAN_FROM_SOURCE=1); `dist` runs the
 * compiled JavaScript of `npm run build`. Prints a Markdown table (median and worst of the runs)
 * and writes it, with the machine's load, to bench/results/.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { startSandbox } from '../../src/sandbox/index.ts';
import { projectRoot } from '../paths.ts';

const BIN = join(projectRoot, 'bin', 'fieldplan.js');

type Mode = 'source' | 'dist';

interface Trial {
  name: string;
  args: (ctx: { endpoint: string; dir: string }) => string[];
  /** Resolves when the command is ready (undefined: when it exits). */
  ready?: (stdout: string) => Promise<boolean> | boolean;
}

async function healthy(stdout: string): Promise<boolean> {
  const m = /fieldplan API at (\S+)/.exec(stdout);
  if (m === null) return false;
  try {
    const res = await fetch(`${m[1]}/health`);
    return res.status === 200;
  } catch {
    return false;
  }
}

const TRIALS: Trial[] = [
  { name: '`fieldplan --help`', args: () => ['--help'] },
  {
    name: '`fieldplan sandbox` until listening',
    args: () => ['sandbox', '--port', '0'],
    ready: (out) => /listening at/.test(out),
  },
  {
    name: '`fieldplan serve` until /health answers',
    args: ({ endpoint, dir }) => ['serve', '--port', '0', '--endpoint', endpoint, '--db', join(dir, 'f.db')],
    ready: healthy,
  },
];

function envFor(mode: Mode, dir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  void dir;
  for (const k of [
    'LWA_CLIENT_ID',
    'LWA_CLIENT_SECRET',
    'LWA_REFRESH_TOKEN',
    'DATABASE_URL',
    'FIELDPLAN_DATA_KEY',
    'FIELDPLAN_DATA_KEY_FILE',
  ])
    delete env[k];
  if (mode === 'source') env['FIELDPLAN_FROM_SOURCE'] = '1';
  else delete env['FIELDPLAN_FROM_SOURCE'];
  return env;
}

function timeOnce(trial: Trial, mode: Mode, endpoint: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'fieldplan-startup-'));
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, ...trial.args({ endpoint, dir })], {
    cwd: dir,
    env: envFor(mode, dir),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise<number>((resolve, reject) => {
    let done = false;
    const finish = (ms: number | Error): void => {
      if (done) return;
      done = true;
      clearInterval(poll);
      if (child.exitCode === null) child.kill('SIGTERM');
      child.once('close', () => rmSync(dir, { recursive: true, force: true }));
      if (child.exitCode !== null) rmSync(dir, { recursive: true, force: true });
      if (ms instanceof Error) reject(ms);
      else resolve(ms);
    };
    const poll = setInterval(() => {
      if (trial.ready === undefined) return;
      void Promise.resolve(trial.ready(stdout)).then((ok) => {
        if (ok) finish(performance.now() - started);
      });
    }, 10);
    child.on('exit', (code) => {
      if (trial.ready === undefined && code === 0) finish(performance.now() - started);
      else finish(new Error(`${trial.name} (${mode}) exited with ${code}: ${stderr.slice(0, 400)}`));
    });
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '5' },
      modes: { type: 'string', default: 'source,dist' },
      out: { type: 'string', default: join(projectRoot, 'bench', 'results', 'cli-startup.md') },
    },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`--runs: expected a whole number ≥ 1, got ${values.runs}`);
  const modes = values.modes.split(',') as Mode[];
  for (const m of modes)
    if (m !== 'source' && m !== 'dist') throw new Error(`--modes: expected source and/or dist, got ${m}`);
  const sandbox = await startSandbox({ port: 0, seed: 1, rateLimits: 'off' });
  const load = loadavg()[0]!;
  const rows: string[] = [];
  try {
    for (const trial of TRIALS) {
      const cells: string[] = [];
      for (const mode of modes) {
        const times: number[] = [];
        for (let i = 0; i < runs; i++) times.push(await timeOnce(trial, mode, sandbox.url));
        cells.push(
          `${(median(times) / 1000).toFixed(2)} s (worst ${(Math.max(...times) / 1000).toFixed(2)} s)`,
        );
      }
      rows.push(`| ${trial.name} | ${cells.join(' | ')} |`);
    }
  } finally {
    await sandbox.close();
  }
  const header = `| command | ${modes.map((m) => (m === 'source' ? 'through tsx (before)' : 'compiled dist/ (after)')).join(' | ')} |`;
  const rule = `| --- | ${modes.map(() => '---').join(' | ')} |`;
  const table = [header, rule, ...rows].join('\n');
  const note =
    `Median of ${runs} runs each; ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ` +
    `Node ${process.version}, 1-minute load average ${load.toFixed(2)} at the start.`;
  console.log(table);
  console.log(note);
  writeFileSync(values.out, `# CLI and server start-up\n\n${table}\n\n${note}\n`);
  console.log(`written to ${values.out}`);
}

await main();
