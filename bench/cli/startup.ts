/**
 * Start-up time of the command line and the server, as a user meets it:
 *   node --import tsx bench/cli/startup.ts [--runs 10] [--modes source,dist] [--baseline <checkout>]
 *     [--out bench/results/cli-startup.md]
 * For each mode, it times `fieldplan --help` until exit, `fieldplan sandbox --port 0` until it
 * prints its address and until it answers a request (its seeded jobs in place), and
 * `fieldplan serve --port 0` until GET /health answers 200. Mode `source` runs the TypeScript
 * sources through tsx (FIELDPLAN_FROM_SOURCE=1), as before the build step; `dist` runs the
 * compiled JavaScript of `npm run build`; `--baseline` adds a first column, the compiled build
 * of another checkout (say, the previous commit's). The modes take turns run by run, so a change
 * of the machine's load meets every column alike. Each cell gives the median and the 90th
 * percentile of the wall-clock time, and the median CPU time the process had used by then
 * (user + system: what the command costs, much less dependent on the load than the wall clock).
 * Prints a Markdown table and writes it, with the machine's load, to bench/results/.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
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

/** Reports the process's CPU time on stderr as it exits (for commands timed until they exit). */
const CPU_AT_EXIT =
  'data:text/javascript,process.on("exit",()=>{const u=process.cpuUsage();' +
  'process.stderr.write(`\\ncpu-us ${u.user+u.system}\\n`)})';

/** CPU time (ms, user + system) a running process has used, from /proc; NaN where there is none. */
function cpuMsOf(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the line, in clock ticks (100 a second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

interface Timing {
  wallMs: number;
  cpuMs: number;
}

function timeOnce(trial: Trial, mode: Mode, endpoint: string): Promise<Timing> {
  const dir = mkdtempSync(join(tmpdir(), 'fieldplan-startup-'));
  const started = performance.now();
  const bin = mode === 'baseline' ? baselineBin : BIN;
  const preload = trial.ready === undefined ? ['--import', CPU_AT_EXIT] : [];
  const child = spawn(process.execPath, [...preload, bin, ...trial.args({ endpoint, dir })], {
    cwd: dir,
    env: envFor(mode, dir),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise<Timing>((resolve, reject) => {
    let done = false;
    const finish = (ms: Timing | Error): void => {
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
        if (ok) finish({ wallMs: performance.now() - started, cpuMs: cpuMsOf(child.pid) });
      });
    }, 10);
    child.on('exit', (code) => {
      const wallMs = performance.now() - started;
      const cpu = /cpu-us (\d+)/.exec(stderr);
      if (trial.ready === undefined && code === 0)
        finish({ wallMs, cpuMs: cpu === null ? Number.NaN : Number(cpu[1]) / 1000 });
      else finish(new Error(`${trial.name} (${mode}) exited with ${code}: ${stderr.slice(0, 400)}`));
    });
  });
}

/** The p-th percentile, nearest rank (p = 50: the median of an odd count). */
function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)]!;
}

function cell(times: Timing[]): string {
  const wall = times.map((t) => t.wallMs / 1000);
  const cpu = percentile(
    times.map((t) => t.cpuMs / 1000),
    50,
  );
  return `${percentile(wall, 50).toFixed(2)} s / ${percentile(wall, 90).toFixed(2)} s (CPU ${cpu.toFixed(2)} s)`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '10' },
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
    try {
      baselineRev = execFileSync('git', ['-C', checkout, 'rev-parse', '--short', 'HEAD'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    } catch {
      baselineRev = basename(checkout); // a copy without its Git history
    }
    modes.unshift('baseline');
  }
  const rev = execFileSync('git', ['-C', projectRoot, 'rev-parse', '--short', 'HEAD'], {
    encoding: 'utf8',
  }).trim();
  const title = (m: Mode): string =>
    m === 'source'
      ? `sources through tsx (${rev})`
      : m === 'baseline'
        ? `dist/ of ${baselineRev}`
        : `dist/ (${rev})`;
  const sandbox = await startSandbox({ port: 0, seed: 1, rateLimits: 'off' });
  const load = loadavg()[0]!;
  const loads: number[] = [load];
  const rows: string[] = [];
  try {
    for (const trial of TRIALS) {
      const times = modes.map((): Timing[] => []);
      for (let i = 0; i < runs; i++)
        for (const [m, mode] of modes.entries()) times[m]!.push(await timeOnce(trial, mode, sandbox.url));
      rows.push(`| ${trial.name} | ${times.map(cell).join(' | ')} |`);
      console.log(rows.at(-1));
      loads.push(loadavg()[0]!);
    }
  } finally {
    await sandbox.close();
  }
  const header = `| command | ${modes.map(title).join(' | ')} |`;
  const rule = `| --- | ${modes.map(() => '---').join(' | ')} |`;
  const table = [header, rule, ...rows].join('\n');
  const note =
    `Wall-clock median / 90th percentile of ${runs} runs each, and the median CPU time used by then; ` +
    `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ` +
    `Node ${process.version}, 1-minute load average ${load.toFixed(2)} at the start ` +
    `(${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} during the run); ` +
    'the columns took turns run by run, in the same run.';
  console.log(table);
  console.log(note);
  writeFileSync(values.out, `# CLI and server start-up\n\n${table}\n\n${note}\n`);
  console.log(`written to ${values.out}`);
}

await main();
