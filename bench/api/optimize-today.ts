/**
 * Benchmark: how long `POST /v1/optimize-today` takes against its time budget, for a store
 * day of about 640, 1 900 and 3 200 jobs (1 000, 3 000 and 5 000 seller jobs; local sandbox
 * over HTTP, one store, technicians sized so the day's work roughly fills their shifts). The
 * clock of the sandbox and the API is set to 08:00 local on the day, nothing booked yet: every
 * job is inserted. The server reads ahead as `fieldplan serve` does (the resources check and the
 * full pull of the stores' jobs, once it listens); the time from its start until that is done is
 * the "read ahead" column, and the first call is made after it. With `--cold` the server does not
 * read ahead and the first call pulls everything itself. The first call also starts the solver
 * worker and has no plan in force; the second is the steady state. Both must answer within the budget, and with as many jobs
 * planned as before. The machine's load average (1 min) is recorded per size, at its start
 * and end: on a shared machine the times are inflated by it.
 *
 *   node --import tsx bench/api/optimize-today.ts [--sizes 1000,3000,5000] [--budget 5000] [--label text] [--cold]
 *
 * Prints a table and appends it as a new section to bench/results/api-optimize-today.md.
 */
import { execSync } from 'node:child_process';
import { appendFileSync, mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { validatePlanningConfig } from '../../src/config/index.ts';
import { seededPlanningConfig } from '../../src/sandbox/crews-config.ts';
import { startSandbox } from '../../src/sandbox/index.ts';
import { projectRoot } from '../paths.ts';
import { startBenchApi } from './serve.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,3000,5000' },
    budget: { type: 'string', default: '5000' },
    label: { type: 'string' },
    cold: { type: 'boolean', default: false },
  },
});
const sizes = values.sizes.split(',').map(Number);
const budget = Number(values.budget);
const label = values.label ?? codeLabel();

/** The code measured: its commit, and whether the tree has changes on top of it. */
function codeLabel(): string {
  try {
    const head = execSync('git rev-parse --short HEAD', { cwd: projectRoot }).toString().trim();
    const dirty = execSync('git status --porcelain -- src api solver', { cwd: projectRoot })
      .toString()
      .trim();
    return dirty === '' ? head : `${head} + changes`;
  } catch {
    return 'unknown';
  }
}
const load = (): string => loadavg()[0]!.toFixed(1);

let day = DateTime.utc().plus({ days: 1 });
while (day.weekday > 5) day = day.plus({ days: 1 });
const date = day.toISODate()!;

interface Row {
  jobs: number;
  technicians: number;
  inScope: number;
  planned: number;
  unassigned: number;
  /** Jobs the first call planned. */
  warmPlanned: number;
  load: string;
  warmMs: number;
  /** From the server's start until it had read ahead (undefined: started cold). */
  readAheadMs: number | undefined;
  ms: number;
  /** Second call: before the solve, the solve, and from its end to the answer. */
  beforeMs: number;
  solveMs: number;
  afterMs: number;
}
const rows: Row[] = [];

for (const size of sizes) {
  const technicians = Math.max(2, Math.round(size / 5));
  const loadBefore = load();
  let offset = 0;
  const clock = (): Date => new Date(Date.now() + offset);
  const sandbox = await startSandbox({
    seed: 1,
    jobs: size,
    technicians,
    stores: 1,
    startDate: date,
    rateLimits: 'off',
    logger: false,
    clock,
  });
  const config = validatePlanningConfig(
    seededPlanningConfig(sandbox.seededCrews(), sandbox.seededStores()),
    'sandbox',
  );
  const zone = config.stores[0]!.timeZone;
  offset = DateTime.fromISO(`${date}T08:00`, { zone }).toMillis() - Date.now();
  const started = performance.now();
  const { api, token, dir } = await startBenchApi(sandbox, config, {
    prefix: 'fieldplan-bench-opt-',
    clock,
    readAhead: !values.cold,
  });
  if (!values.cold) await api.ctx.planner.readAhead();
  const readAheadMs = values.cold ? undefined : Math.round(performance.now() - started);
  const call = async (): Promise<{
    ms: number;
    body: {
      board: { kpis: { jobsInScope: number; jobsPlanned: number } };
      diff: { unassigned: unknown[] };
      timingsMs: Record<string, number>;
    };
  }> => {
    const t0 = performance.now();
    const r = await fetch(`${api.url}/v1/optimize-today`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ storeId: config.stores[0]!.storeId, timeBudgetMs: budget }),
    });
    const ms = performance.now() - t0;
    if (r.status !== 200) throw new Error(`optimize-today: ${r.status} ${await r.text()}`);
    return { ms, body: (await r.json()) as Awaited<ReturnType<typeof call>>['body'] };
  };
  const warm = await call();
  const measured = await call();
  const k = measured.body.board.kpis;
  const t = measured.body.timingsMs as Record<string, number> & { run: number; answer: number };
  rows.push({
    jobs: size,
    technicians,
    inScope: k.jobsInScope,
    planned: k.jobsPlanned,
    unassigned: measured.body.diff.unassigned.length,
    warmPlanned: warm.body.board.kpis.jobsPlanned,
    load: `${loadBefore}–${load()}`,
    warmMs: Math.round(warm.ms),
    readAheadMs,
    ms: Math.round(measured.ms),
    beforeMs: Math.round(t.run - (t.solve ?? 0) - (t['after-solve'] ?? 0)),
    solveMs: t.solve ?? 0,
    afterMs: (t['after-solve'] ?? 0) + t.answer,
  });
  console.log(JSON.stringify(rows[rows.length - 1]));
  console.log(
    'warm',
    JSON.stringify(warm.body.timingsMs),
    'measured',
    JSON.stringify(measured.body.timingsMs),
  );
  await api.close();
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
}

const within = (ms: number): string => (ms <= budget ? 'yes' : 'no');
const lines = [
  '',
  `## ${new Date().toISOString().slice(0, 10)}, code ${label}, ${budget} ms budget`,
  '',
  'One store, the day at 08:00 local with nothing booked (every job inserted), dry run; sandbox over HTTP.',
  "Read ahead: from the server's start until it had checked the resources and pulled every job in full",
  '("cold": not read ahead, the first call does it). First call (worker start, no plan in force) and',
  'second call, each with the jobs it planned;',
  'where the second call spent its time (server side): before the solve (pull, read, normalise,',
  'geography), the solve, and after it (plan, capacity read left to wait for, store, diff, report,',
  'board). Load: 1-minute load average at the start and end of the size (2 cores).',
  '',
  '| seller jobs | technicians | jobs today | load | read ahead (ms) | first call (ms) | planned | second call (ms) | planned | unassigned | before solve (ms) | solve (ms) | after solve (ms) | both within budget |',
  '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ...rows.map(
    (r) =>
      `| ${r.jobs} | ${r.technicians} | ${r.inScope} | ${r.load} | ${r.readAheadMs ?? 'cold'} | ${r.warmMs} | ${r.warmPlanned} | ${r.ms} | ${r.planned} | ${r.unassigned} | ${r.beforeMs} | ${r.solveMs} | ${r.afterMs} | ${within(Math.max(r.warmMs, r.ms))} |`,
  ),
  '',
];
console.log(lines.join('\n'));
mkdirSync(join(projectRoot, 'bench/results'), { recursive: true });
appendFileSync(join(projectRoot, 'bench/results/api-optimize-today.md'), lines.join('\n'));
