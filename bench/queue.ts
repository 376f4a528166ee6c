/**
 * Benchmark: queue mode. The nightly run of `--sellers` sellers (each with its own sandbox,
 * `--stores` stores each), one partition per store, on 1, 2 and 4 workers serving every
 * seller, at Amazon's usage plans (time-scaled ×`--scale`, as bench/pipeline.ts does), beside
 * the bound those per-seller plans set: for each seller and operation, (calls − burst) / rate;
 * sellers run side by side, so the night cannot end sooner than the slowest seller's slowest
 * operation. Then a what-if of `--samples` sampled days on 1 and 2 workers.
 *
 *   REDIS_URL=redis://127.0.0.1:6379 DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
 *   node --import tsx bench/queue.ts [--sellers 3] [--stores 8] [--technicians 20] [--jobs 240]
 *                                    [--scale 10] [--workers 1,2,4] [--iterations 200] [--samples 40]
 *
 * Workers run in this process (each with its own Redis connections, rate-limiter registry,
 * store pool and solver thread), so they share Amazon's buckets only through Redis, as
 * separate processes do; the sandbox runs in this process too and does not throttle (the
 * request log is checked against the buckets instead). Writes bench/results/queue.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { DateTime } from 'luxon';
import { validatePlanningConfig } from '../src/config/index.ts';
import { QueueClient } from '../src/queue/client.ts';
import { startQueueWorker, type RunningWorker } from '../src/queue/start-worker.ts';
import { seededPlanningConfig } from '../src/sandbox/crews-config.ts';
import { startSandbox, type Sandbox } from '../src/sandbox/index.ts';
import type { ResolvedSeller } from '../src/tenants/sellers.ts';
import { operations, type OperationId, type UsagePlan } from '../src/spapi/index.ts';
import { projectRoot } from './paths.ts';

const { values } = parseArgs({
  options: {
    sellers: { type: 'string', default: '3' },
    stores: { type: 'string', default: '8' },
    technicians: { type: 'string', default: '20' },
    jobs: { type: 'string', default: '240' },
    scale: { type: 'string', default: '10' },
    workers: { type: 'string', default: '1,2,4' },
    iterations: { type: 'string', default: '200' },
    samples: { type: 'string', default: '40' },
    'whatif-workers': { type: 'string', default: '1,2' },
    seed: { type: 'string', default: '3' },
  },
});
const n = (k: keyof typeof values): number => Number(values[k]);
const REDIS_URL = process.env['REDIS_URL'];
const DATABASE_URL = process.env['DATABASE_URL'];
if (!REDIS_URL || !DATABASE_URL) {
  console.error('bench/queue.ts needs REDIS_URL and DATABASE_URL');
  process.exit(1);
}
const scale = n('scale');
let day = DateTime.utc().plus({ days: 1 });
while (day.weekday > 5) day = day.plus({ days: 1 });
const date = day.toISODate()!;
const plans: Partial<Record<OperationId, UsagePlan>> = {};
for (const id of Object.keys(operations) as OperationId[]) {
  const p = operations[id].usagePlan;
  plans[id] = { rate: p.rate * scale, burst: p.burst };
}
const WRITES = new Set<string>([
  'addAppointmentForServiceJobByServiceJobId',
  'rescheduleAppointmentForServiceJobByServiceJobId',
  'assignAppointmentResources',
  'updateSchedule',
  'createReservation',
  'updateReservation',
  'cancelReservation',
]);
const silent = pino({ level: 'silent' });
const unique = (p: string): string => `${p}_${Math.random().toString(36).slice(2, 10)}`;

async function world(workers: number, sellerCount: number) {
  const sellers: { id: string; sandbox: Sandbox; seller: ResolvedSeller }[] = [];
  for (let i = 0; i < sellerCount; i++) {
    const sandbox = await startSandbox({
      seed: n('seed') + i,
      stores: n('stores'),
      technicians: n('technicians'),
      jobs: n('jobs'),
      rateLimits: 'off',
      logger: false,
      startDate: date,
    });
    const config = validatePlanningConfig(
      seededPlanningConfig(sandbox.seededCrews(), sandbox.seededStores()),
      'sandbox',
    );
    const id = `seller-${i + 1}`;
    sellers.push({
      id,
      sandbox,
      seller: {
        id,
        name: undefined,
        marketplaceId: sandbox.marketplaceId,
        endpoint: sandbox.url,
        configFile: '(bench)',
        config,
        lwa: undefined,
        dataKeys: undefined,
      },
    });
  }
  const schema = unique('qbench');
  const prefix = unique('fpb');
  const first = sellers[0]!;
  const common = {
    endpoint: first.sandbox.url,
    marketplaceId: first.sandbox.marketplaceId,
    db: DATABASE_URL!,
    storeOptions: { schema },
    config: first.seller.config,
    env: {
      ...process.env,
      LWA_CLIENT_ID: '',
      LWA_CLIENT_SECRET: '',
      LWA_REFRESH_TOKEN: '',
      SPAPI_CONFIG_FILE: '',
    },
    logger: silent,
    defaultMetrics: false,
    solverThreads: 1,
  };
  const running: RunningWorker[] = [];
  for (let i = 0; i < workers; i++)
    running.push(
      await startQueueWorker({
        ...common,
        redisUrl: REDIS_URL!,
        prefix,
        sellers: sellers.map((s) => s.seller),
        connection: { rateLimits: 'amazon', usagePlanOverrides: plans },
      }),
    );
  const clients = new Map<string, QueueClient>();
  for (const s of sellers)
    clients.set(
      s.id,
      await QueueClient.open({ redisUrl: REDIS_URL!, dbUrl: DATABASE_URL!, schema, prefix, sellerId: s.id }),
    );
  return {
    sellers,
    clients,
    async close() {
      await clients
        .get(first.id)!
        .queue.obliterate({ force: true })
        .catch(() => undefined);
      for (const w of running) await w.close();
      for (const c of clients.values()) await c.close();
      for (const s of sellers) await s.sandbox.close();
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const lines: string[] = [];
const out = (s: string): void => {
  console.log(s);
  lines.push(s);
};

out(`# Queue mode benchmark (${new Date().toISOString().slice(0, 10)})`);
out('');
out(
  `${n('sellers')} sellers (each its own sandbox), ${n('stores')} stores, ${n('technicians')} technicians and ${n('jobs')} jobs seeded per seller; one day planned per store partition, ${n('iterations')} solver iterations; Amazon's usage plans ×${scale}, per seller; machine: ${process.arch}, Node ${process.version}, 2 cores shared with other work.`,
);
out('');
out(
  '| workers | partitions | wall s | write calls | bound s (slowest seller and operation) | wall / bound | bucket overruns |',
);
out(
  '| ------- | ---------- | ------ | ----------- | -------------------------------------- | ------------ | --------------- |',
);
for (const workers of values.workers.split(',').map(Number)) {
  const w = await world(workers, n('sellers'));
  const t0 = performance.now();
  const runs: { client: QueueClient; runId: string }[] = [];
  let partitions = 0;
  for (const s of w.sellers) {
    const client = w.clients.get(s.id)!;
    const r = await client.startPlanRun({
      date,
      days: 1,
      storeIds: s.seller.config.stores.map((x) => x.storeId),
      apply: true,
      seed: 1,
      solverIterations: n('iterations'),
      actor: 'bench',
    });
    partitions += r.partitions;
    runs.push({ client, runId: r.runId });
  }
  for (const r of runs)
    for (;;) {
      const parts = await r.client.state.partitions(r.runId);
      if (parts.every((p) => p.status !== 'queued' && p.status !== 'running')) break;
      await sleep(200);
    }
  const wall = (performance.now() - t0) / 1000;
  let bound = 0;
  let slowest = '';
  let overruns = 0;
  let writes = 0;
  for (const s of w.sellers) {
    const byOp = new Map<string, number[]>();
    for (const e of s.sandbox.requestLog)
      if (e.operation in plans) byOp.set(e.operation, [...(byOp.get(e.operation) ?? []), e.timestamp]);
    for (const [op, times] of byOp) {
      const plan = plans[op as OperationId]!;
      if (WRITES.has(op)) writes += times.length;
      const b = Math.max(0, times.length - plan.burst) / plan.rate;
      if (b > bound) {
        bound = b;
        slowest = `${s.id} ${op}`;
      }
      times.sort((a, b2) => a - b2);
      let tokens = plan.burst;
      let last = times[0]!;
      for (const t of times) {
        tokens = Math.min(plan.burst, tokens + ((t - last) / 1000) * plan.rate);
        last = t;
        if (tokens < 1 - 1e-9) overruns += 1;
        else tokens -= 1;
      }
    }
  }
  out(
    `| ${workers} | ${partitions} | ${wall.toFixed(1)} | ${writes} | ${bound.toFixed(1)} (${slowest}) | ${(wall / Math.max(bound, 1e-9)).toFixed(2)} | ${overruns} |`,
  );
  await w.close();
}

out('');
out(
  `What-if: ${n('samples')} sampled days (base and scenario, ${n('iterations')} iterations each) of one store, one partition per day.`,
);
out('');
out('| workers | wall s | speed-up | RSS of the process, MB |');
out('| ------- | ------ | -------- | ---------------------- |');
let single = 0;
for (const workers of values['whatif-workers'].split(',').map(Number)) {
  const w = await world(workers, 1);
  const config = w.sellers[0]!.seller.config;
  const client = w.clients.get(w.sellers[0]!.id)!;
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const t0 = performance.now();
  const storeId = config.stores[0]!.storeId;
  const like = (config.technicians.find((t) => JSON.stringify(t).includes(storeId)) ?? config.technicians[0]!)
    .resourceId;
  const id = await client.startWhatIf({
    storeId,
    base: { kind: 'date', date },
    changes: { addTechnicians: [{ like }] },
    samples: n('samples'),
    seed: 1,
    iterations: n('iterations'),
    targetServedPct: 95,
    samplePlans: false,
  });
  for (;;) {
    const run = await client.state.getRun(id);
    peak = Math.max(peak, process.memoryUsage().rss);
    if (run?.result !== null && run?.result !== undefined) break;
    if (run?.error !== null && run?.error !== undefined) throw new Error(JSON.stringify(run.error));
    await sleep(200);
  }
  const wall = (performance.now() - t0) / 1000;
  if (workers === 1) single = wall;
  out(
    `| ${workers} | ${wall.toFixed(1)} | ${single > 0 ? (single / wall).toFixed(2) : '–'} | ${(peak / 1e6).toFixed(0)} |`,
  );
  await w.close();
}
mkdirSync(join(projectRoot, 'bench/results'), { recursive: true });
writeFileSync(join(projectRoot, 'bench/results/queue.md'), `${lines.join('\n')}\n`);
process.exit(0);
