/**
 * Benchmark: a what-if of `--samples` sampled days through the queue (a preparing partition,
 * one partition per sampled day and a merge, fanned out and in as a BullMQ flow) on 1 and 2
 * real `fieldplan worker` processes. For each worker count: the wall time from the request to
 * the merged result, the speed-up over one worker, how many sampled days each worker ran, and
 * each worker process's memory: its resident set once ready (idle) and its peak resident set
 * over the run (VmHWM in /proc/<pid>/status, which counts the process's simulation threads).
 * The result of every worker count is compared with the first one's (it must not depend on
 * how the days were spread).
 *
 *   REDIS_URL=redis://127.0.0.1:6379 DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
 *   node --import tsx bench/queue-whatif.ts [--samples 40] [--workers 1,2] [--rounds 1]
 *        [--technicians 4] [--jobs 40] [--iterations 60] [--seed 3]
 *
 * `--rounds 2` runs the worker counts in turn twice (1, 2, 1, 2) and reports every run, so a
 * burst of other load on the machine shows as a spread rather than as a speed-up. The sandbox
 * (one store) runs in this process, without rate limits: a what-if only reads from it.
 * Writes bench/results/queue-whatif.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import pg from 'pg';
import { stringify } from 'yaml';
import { QueueClient } from '../src/queue/client.ts';
import { seededPlanningConfig } from '../src/sandbox/crews-config.ts';
import { startSandbox, type Sandbox } from '../src/sandbox/index.ts';
import { projectRoot } from './paths.ts';

const { values } = parseArgs({
  options: {
    samples: { type: 'string', default: '40' },
    workers: { type: 'string', default: '1,2' },
    rounds: { type: 'string', default: '1' },
    technicians: { type: 'string', default: '4' },
    jobs: { type: 'string', default: '40' },
    iterations: { type: 'string', default: '60' },
    seed: { type: 'string', default: '3' },
  },
});
function positiveInt(name: keyof typeof values): number {
  const v = Number(values[name]);
  if (!Number.isInteger(v) || v < 1)
    throw new Error(`--${name}: expected a whole number ≥ 1, got "${values[name]}"`);
  return v;
}
const REDIS_URL = process.env['REDIS_URL'];
const DATABASE_URL = process.env['DATABASE_URL'];
if (!REDIS_URL || !DATABASE_URL) {
  console.error('bench/queue-whatif.ts needs REDIS_URL and DATABASE_URL');
  process.exit(1);
}
const samples = positiveInt('samples');
const iterations = positiveInt('iterations');
const rounds = positiveInt('rounds');
const workerCounts = values.workers.split(',').map((w) => {
  const v = Number(w);
  if (!Number.isInteger(v) || v < 1)
    throw new Error(`--workers: expected whole numbers ≥ 1, got "${values.workers}"`);
  return v;
});
let day = DateTime.utc().plus({ days: 1 });
while (day.weekday > 5) day = day.plus({ days: 1 });
const date = day.toISODate()!;
const bin = join(projectRoot, 'bin/fieldplan.js');
const unique = (p: string): string => `${p}_${Math.random().toString(36).slice(2, 10)}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** kB figures of /proc/<pid>/status (VmRSS, VmHWM), in MB; undefined once the process is gone. */
function memoryOf(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string): number =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

async function withPg<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: DATABASE_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

function schemaUrl(schema: string): string {
  const u = new URL(DATABASE_URL!);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

/** A `fieldplan worker` process; resolves once it says it is serving. */
function spawnWorker(
  sandbox: Sandbox,
  configFile: string,
  db: string,
  prefix: string,
): Promise<ChildProcess> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LWA_CLIENT_ID: '',
    LWA_CLIENT_SECRET: '',
    LWA_REFRESH_TOKEN: '',
    SPAPI_CONFIG_FILE: '',
    FIELDPLAN_LOG_LEVEL: 'silent',
  };
  const args = ['worker', '--queue', REDIS_URL!, '--prefix', prefix, '--db', db];
  args.push(
    '--endpoint',
    sandbox.url,
    '--config',
    configFile,
    '--rate-limits',
    'off',
    '--solver-threads',
    '1',
  );
  const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let said = '';
  child.stderr.on('data', (b: Buffer) => (said += b.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (b: Buffer) => {
      said += b.toString();
      if (said.includes(`fieldplan worker ${child.pid}`)) resolve(child);
    });
    child.on('exit', (code) =>
      reject(new Error(`worker stopped (exit ${code}) before serving: ${said.slice(-500)}`)),
    );
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

interface Run {
  workers: number;
  wall: number;
  daysPerWorker: number[];
  idle: number[];
  peak: number[];
  result: string;
}

async function runOnce(sandbox: Sandbox, configFile: string, workers: number): Promise<Run> {
  const schema = unique('qwbench');
  const prefix = unique('fpw');
  await withPg((c) => c.query(`create schema "${schema}"`));
  const db = schemaUrl(schema);
  const children: ChildProcess[] = [];
  const client = await QueueClient.open({ redisUrl: REDIS_URL!, dbUrl: db, prefix });
  try {
    for (let i = 0; i < workers; i++) children.push(await spawnWorker(sandbox, configFile, db, prefix));
    await sleep(500);
    const idle = children.map((c) => memoryOf(c.pid!)?.rss ?? 0);
    const config = seededPlanningConfig(sandbox.seededCrews(), sandbox.seededStores());
    const storeId = sandbox.seededStores()[0]!.storeId;
    const like = config.technicians[0]!.resourceId;
    const t0 = performance.now();
    const id = await client.startWhatIf({
      storeId,
      base: { kind: 'date', date },
      changes: { addTechnicians: [{ like }] },
      samples,
      seed: 1,
      iterations,
      targetServedPct: 95,
      samplePlans: false,
    });
    let result: unknown;
    for (;;) {
      const run = await client.state.getRun(id);
      if (run?.error !== null && run?.error !== undefined) throw new Error(JSON.stringify(run.error));
      if (run?.result !== null && run?.result !== undefined) {
        result = run.result;
        break;
      }
      await sleep(100);
    }
    const wall = (performance.now() - t0) / 1000;
    const peak = children.map((c) => memoryOf(c.pid!)?.hwm ?? 0);
    const parts = await client.state.partitions(id);
    const daysPerWorker = children.map(
      (c) =>
        parts.filter((p) => p.partitionKey.startsWith('day-') && p.holder?.startsWith(`worker:${c.pid}@`))
          .length,
    );
    return { workers, wall, daysPerWorker, idle, peak, result: JSON.stringify(result) };
  } finally {
    await client.queue.obliterate({ force: true }).catch(() => undefined);
    await client.close();
    for (const c of children) await stop(c);
    await withPg((c) => c.query(`drop schema if exists "${schema}" cascade`));
  }
}

const sandbox = await startSandbox({
  seed: positiveInt('seed'),
  stores: 1,
  technicians: positiveInt('technicians'),
  jobs: positiveInt('jobs'),
  rateLimits: 'off',
  logger: false,
  startDate: date,
});
const dir = mkdtempSync(join(tmpdir(), 'fieldplan-queue-whatif-'));
const configFile = join(dir, 'crews.yaml');
writeFileSync(configFile, stringify(seededPlanningConfig(sandbox.seededCrews(), sandbox.seededStores())));
const lines: string[] = [];
const out = (s: string): void => {
  console.log(s);
  lines.push(s);
};
// The same check bin/fieldplan.js makes: whether the workers run dist/ or the sources.
const distState = '../scripts/dist-state.mjs';
const { distStaleReason } = (await import(distState)) as {
  distStaleReason: (root: string) => string | undefined;
};
const stale = distStaleReason(projectRoot);
out(`# Queue mode: what-if on worker processes (${new Date().toISOString().slice(0, 10)})`);
out('');
out(
  `A what-if of ${samples} sampled days (base and scenario, ${iterations} solver iterations each) of one store ` +
    `(${values.technicians} technicians, ${values.jobs} jobs seeded), one partition per sampled day, fanned out and in ` +
    `as a BullMQ flow; each worker a \`fieldplan worker\` process (concurrency 1, ` +
    `${stale === undefined ? 'compiled dist/' : 'TypeScript sources through tsx'}), Redis and PostgreSQL on this machine. ` +
    `Machine: ${process.arch}, Node ${process.version}, 2 cores shared with other work (loaded: timings are noisy). ` +
    `Idle: resident set once the worker serves; peak: VmHWM of the process at the end of the run.`,
);
out('');
out(
  '| run | workers | wall s | speed-up | sampled days per worker | idle RSS per worker, MB | peak RSS per worker, MB | same result as the first run |',
);
out(
  '| --- | ------- | ------ | -------- | ----------------------- | ----------------------- | ----------------------- | ---------------------------- |',
);
const runs: Run[] = [];
const mb = (xs: number[]): string => xs.map((x) => x.toFixed(0)).join(' / ');
for (let round = 0; round < rounds; round++)
  for (const workers of workerCounts) {
    const r = await runOnce(sandbox, configFile, workers);
    runs.push(r);
    const single = runs.filter((x) => x.workers === 1);
    const base = single.length > 0 ? single.reduce((a, x) => a + x.wall, 0) / single.length : undefined;
    out(
      `| ${runs.length} | ${workers} | ${r.wall.toFixed(1)} | ${base === undefined ? '–' : (base / r.wall).toFixed(2)} | ` +
        `${r.daysPerWorker.join(' / ')} | ${mb(r.idle)} | ${mb(r.peak)} | ${r.result === runs[0]!.result ? 'yes' : 'NO'} |`,
    );
  }
out('');
out("Speed-up: the mean wall time of the one-worker runs so far over this run's.");
const mean = (xs: number[]): number => xs.reduce((a, x) => a + x, 0) / Math.max(xs.length, 1);
const oneWorker = mean(runs.filter((r) => r.workers === 1).map((r) => r.wall));
out('');
out('| workers | runs | mean wall s | speed-up of the means | mean peak RSS of the busiest worker, MB |');
out('| ------- | ---- | ----------- | --------------------- | --------------------------------------- |');
for (const workers of workerCounts) {
  const of = runs.filter((r) => r.workers === workers);
  const wall = mean(of.map((r) => r.wall));
  const peak = mean(of.map((r) => Math.max(...r.peak)));
  out(
    `| ${workers} | ${of.length} | ${wall.toFixed(1)} | ${oneWorker > 0 ? (oneWorker / wall).toFixed(2) : '–'} | ${peak.toFixed(0)} |`,
  );
}
await sandbox.close();
mkdirSync(join(projectRoot, 'bench/results'), { recursive: true });
writeFileSync(join(projectRoot, 'bench/results/queue-whatif.md'), `${lines.join('\n')}\n`);
process.exit(0);
