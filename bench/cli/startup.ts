/**
 * Start-up time of the command line and the server, as a user meets it:
 *   node --import tsx bench/cli/startup.ts [--runs 5] [--modes source,dist] [--baseline <checkout>]
 *     [--out bench/results/cli-startup.md]
 * For each mode, it times `fieldplan --help` until exit, `fieldplan sandbox --port 0` until it
 * prints its address and until it answers a request (its seeded jobs in place), and
 * `fieldplan serve --port 0` until GET /health answers 200. Mode `source` runs the TypeScript
 * sources through tsx (FIELDPLAN_FROM_SOURCE=1); `dist` runs the compiled JavaScript of
 * `npm run build`; `--baseline` adds a first column, the compiled build of another checkout
 * (say, the previous commit's), timed in the same run. Prints a Markdown table (median and
 * worst of the runs) and writes it, with the machine's load, to bench/results/.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { startSandbox } from '../../src/sandbox/index.ts';
import { projectRoot } from '../paths.ts';

const BIN = join(projectRoot, 'bin', 'fieldplan.js');

type Mode = 'source' | 'dist' | 'baseline';

interface Trial {
  name: string;
  args: (ctx: { endpoint: string; dir: string }) => string[];
  /** Resolves when the command is ready (undefined: when it exits). */
  ready?: (stdout: string) => Promise<boolean> | boolean;
}

/** Any answer at all: the sandbox holds every request until its jobs are seeded. */
async function sandboxAnswers(stdout: string): Promise<boolean> {
  const m = /listening at (\S+)/.exec(stdout);
  if (m === null) return false;
  try {
    const res = await fetch(`${m[1]}/auth/o2/token`, { method: 'POST' });
    await res.arrayBuffer();
    return true;
  } catch {
    return false;
  }
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
    name: '`fieldplan sandbox` until it answers (jobs seeded)',
    args: () => ['sandbox', '--port', '0'],
    ready: sandboxAnswers,
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
  // FIELDPLAN_DEBUG: a build older than its sources says so on stderr (checked after each run).
  env['FIELDPLAN_DEBUG'] = '1';
  if (mode === 'source') env['FIELDPLAN_FROM_SOURCE'] = '1';
  else delete env['FIELDPLAN_FROM_SOURCE'];
  return env;
}

let baselineBin = BIN;

function timeOnce(trial: Trial, mode: Mode, endpoint: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'fieldplan-startup-'));
  const started = performance.now();
  const bin = mode === 'baseline' ? baselineBin : BIN;
  const child = spawn(process.execPath, [bin, ...trial.args({ endpoint, dir })], {
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
      else if (mode !== 'source' && /running the TypeScript sources/.test(stderr))
        reject(new Error(`${trial.name} (${mode}): the build is older than its sources; run npm run build`));
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
      baseline: { type: 'string' },
      out: { type: 'string', default: join(projectRoot, 'bench', 'results', 'cli-startup.md') },
    },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`--runs: expected a whole number ≥ 1, got ${values.runs}`);
  const modes = values.modes.split(',') as Mode[];
  for (const m of modes)
    if (m !== 'source' && m !== 'dist') throw new Error(`--modes: expected source and/or dist, got ${m}`);
  let baselineRev = '';
  if (values.baseline !== undefined) {
    const checkout = resolve(values.baseline);
    baselineBin = join(checkout, 'bin', 'fieldplan.js');
    baselineRev = execFileSync('git', ['-C', checkout, 'rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
    }).trim();
    modes.unshift('baseline');
  }
  const rev = execFileSync('git', ['-C', projectRoot, 'rev-parse', '--short', 'HEAD'], {
    encoding: 'utf8',
  }).trim();
  const title = (m: Mode): string =>
    m === 'source'
      ? 'through tsx'
      : m === 'baseline'
        ? `compiled, before (${baselineRev})`
        : `compiled${values.baseline !== undefined ? `, after (${rev})` : ' dist/'}`;
  const sandbox = await startSandbox({ port: 0, seed: 1, rateLimits: 'off' });
  const load = loadavg()[0]!;
  const loads: number[] = [load];
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
      loads.push(loadavg()[0]!);
    }
  } finally {
    await sandbox.close();
  }
  const header = `| command | ${modes.map(title).join(' | ')} |`;
  const rule = `| --- | ${modes.map(() => '---').join(' | ')} |`;
  const table = [header, rule, ...rows].join('\n');
  const note =
    `Median of ${runs} runs each; ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ` +
    `Node ${process.version}, 1-minute load average ${load.toFixed(2)} at the start ` +
    `(${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} during the run); ` +
    'the columns of a row were timed one after the other, in the same run.';
  console.log(table);
  console.log(note);
  writeFileSync(values.out, `# CLI and server start-up\n\n${table}\n\n${note}\n`);
  console.log(`written to ${values.out}`);
}

await main();
