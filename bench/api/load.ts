/**
 * Benchmark: HTTP reads under load (autocannon) while the API optimises a large plan.
 * The sandbox seller has about 1 000 jobs and 60 technicians; reads are /health, the
 * plan history and the board of one store. First without an optimisation running, then
 * while a nightly plan of every store is solved (in the worker pool).
 *
 *   node --import tsx bench/api/load.ts [--jobs 1000] [--technicians 60] [--stores 5]
 *                                       [--seconds 10] [--solve-seconds 40] [--connections 10]
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { DateTime } from 'luxon';
import { validatePlanningConfig } from '../../src/config/index.ts';
import { seededPlanningConfig } from '../../src/sandbox/crews-config.ts';
import { startSandbox } from '../../src/sandbox/index.ts';
import { projectRoot } from '../paths.ts';
import { startBenchApi } from './serve.ts';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '1000' },
    technicians: { type: 'string', default: '60' },
    stores: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '10' },
    'solve-seconds': { type: 'string', default: '40' },
    connections: { type: 'string', default: '10' },
  },
});
const n = (k: keyof typeof values): number => Number(values[k]);

let day = DateTime.utc().plus({ days: 1 });
while (day.weekday > 5) day = day.plus({ days: 1 });
const date = day.toISODate()!;
const sandbox = await startSandbox({
  seed: 1,
  jobs: n('jobs'),
  technicians: n('technicians'),
  stores: n('stores'),
  startDate: date,
  rateLimits: 'off',
  logger: false,
});
const config = validatePlanningConfig(
  seededPlanningConfig(sandbox.seededCrews(), sandbox.seededStores()),
  'sandbox',
);
const { api, token, dir } = await startBenchApi(sandbox, config, { prefix: 'fieldplan-bench-api-' });
const auth = { authorization: `Bearer ${token}` };
const storeId = config.stores[0]!.storeId;

async function post(path: string, body: unknown): Promise<{ planId: string }> {
  const r = await fetch(`${api.url}${path}`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (r.status !== 202) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as { planId: string };
}
async function plan(id: string): Promise<{ status: string; progress: { step: string } | null }> {
  return (await (await fetch(`${api.url}/v1/plans/${id}`, { headers: auth })).json()) as {
    status: string;
    progress: { step: string } | null;
  };
}
async function until(id: string, ok: (p: Awaited<ReturnType<typeof plan>>) => boolean): Promise<void> {
  for (;;) {
    const p = await plan(id);
    if (ok(p)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

// A stored plan for the board to read (short budget).
const first = await post('/v1/plans', { from: date, solverSeconds: 5 });
await until(first.planId, (p) => p.status !== 'running');

const READS = [
  { name: 'GET /health', path: '/health' },
  { name: 'GET /v1/plans', path: '/v1/plans?limit=20' },
  { name: 'GET /v1/board', path: `/v1/board?storeId=${storeId}&date=${date}&planId=${first.planId}` },
];

interface Row {
  scenario: string;
  route: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}
const rows: Row[] = [];
async function measure(scenario: string): Promise<void> {
  for (const read of READS) {
    const result = await autocannon({
      url: `${api.url}${read.path}`,
      headers: auth,
      connections: n('connections'),
      duration: n('seconds'),
    });
    rows.push({
      scenario,
      route: read.name,
      rps: Math.round(result.requests.average),
      p50: result.latency.p50,
      p99: result.latency.p99,
      errors: result.errors + result.non2xx,
    });
  }
}

// The first board read builds the view (reads and decrypts the plan's jobs); later ones are cached.
const coldStart = performance.now();
const cold = await fetch(`${api.url}${READS[2]!.path}`, { headers: auth });
if (cold.status !== 200) throw new Error(`board: ${cold.status} ${await cold.text()}`);
await cold.arrayBuffer();
const coldMs = Math.round(performance.now() - coldStart);

await measure('idle');
const big = await post('/v1/plans', { from: date, solverSeconds: n('solve-seconds') });
await until(big.planId, (p) => p.progress?.step === 'solve' || p.status !== 'running');
const solving = (await plan(big.planId)).progress?.step === 'solve';
await measure(solving ? 'while solving 1 000 jobs' : 'after the plan (solve ended early)');
await until(big.planId, (p) => p.status !== 'running');
await api.close();
await sandbox.close();
rmSync(dir, { recursive: true, force: true });

const lines = [
  `# API reads under load (autocannon, ${n('connections')} connections, ${n('seconds')} s per route)`,
  '',
  `Sandbox seller: ${n('jobs')} jobs, ${n('technicians')} technicians, ${n('stores')} stores; solver pool ${api.ctx.solver.stats().threads} threads; ${new Date().toISOString().slice(0, 10)}.`,
  '',
  '| scenario | route | requests/s | p50 (ms) | p99 (ms) | errors |',
  '| --- | --- | ---: | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${r.scenario} | ${r.route} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.errors} |`),
  '',
  `First board read after the plan was stored (the view built, then cached until a run ends): ${coldMs} ms.`,
  '',
];
console.log(lines.join('\n'));
mkdirSync(join(projectRoot, 'bench/results'), { recursive: true });
writeFileSync(join(projectRoot, 'bench/results/api-load.md'), lines.join('\n'));
