/**
 * Benchmark: the whole planning run for a seller with about 1 000 jobs and 60 technicians,
 * against the local sandbox over HTTP, with the time of each step; and the write-back's pace
 * per operation against the rate Amazon allows (token bucket: after the burst, `rate` calls/s).
 *
 *   node --import tsx bench/pipeline.ts [--jobs 1000] [--technicians 60] [--stores 5] [--days 5]
 *                                       [--seconds 30] [--scale 10]
 *
 * `--scale k` runs Amazon's usage plans k times faster (client side; the sandbox does not
 * throttle) so the benchmark takes minutes rather than the quarter of an hour 1 000 jobs'
 * assignments take at 1/s; the pace is reported relative to the scaled plan. `--scale 1` is
 * real time. The sandbox runs in a process of its own, as Amazon would, so its work does not
 * slow the client; each write call's pace is measured at the client, as its answers arrive.
 * The default scale, 2, keeps the sum over all write operations (about 42 calls/s) well
 * inside what the journal's durable commits sustain, so what is measured is the pacing.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { validatePlanningConfig } from '../src/config/index.ts';
import {
  CachingGeocoder,
  GreatCircleMatrixProvider,
  PostalCodeGeocoder,
  postalCodeCacheKey,
} from '../src/geo/index.ts';
import { callsOf } from '../src/pipeline/write/operations.ts';
import { runPlanning } from '../src/pipeline/run.ts';
import { seededPlanningConfig } from '../src/sandbox/crews-config.ts';
import type { ServicesPort } from '../src/pipeline/ports.ts';
import { servicesPort } from '../src/pipeline/adapters/services.ts';
import { storePort } from '../src/pipeline/adapters/store.ts';
import { DEFAULT_MARKETPLACE_ID, SANDBOX_CREDENTIALS, startSandbox } from '../src/sandbox/index.ts';
import {
  createServicesClient,
  operations,
  RateLimiterRegistry,
  type OperationId,
  type UsagePlan,
} from '../src/spapi/index.ts';
import { openStore } from '../src/store/index.ts';
import { projectRoot } from './paths.ts';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '1000' },
    technicians: { type: 'string', default: '60' },
    stores: { type: 'string', default: '5' },
    days: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '30' },
    scale: { type: 'string', default: '2' },
    seed: { type: 'string', default: '1' },
  },
});
const n = (k: keyof typeof values): number => Number(values[k]);
const scale = n('scale');

let date = DateTime.utc().plus({ days: 1 });
while (date.weekday > 5) date = date.plus({ days: 1 });
const startDate = date.toISODate()!;

const sandboxOptions = {
  seed: n('seed'),
  jobs: n('jobs'),
  technicians: n('technicians'),
  stores: n('stores'),
  startDate,
};
// The seeded crews and stores (a function of the seed) for the crews config.
const seeding = await startSandbox({ ...sandboxOptions, rateLimits: 'off', logger: false });
const seededCrews = seeding.seededCrews();
const seededStores = seeding.seededStores();
await seeding.close();

// The sandbox the run talks to, in its own process.
const child = spawn(
  process.execPath,
  [
    join(projectRoot, 'bin/fieldplan.js'),
    'sandbox',
    '--port',
    '0',
    ...Object.entries(sandboxOptions).flatMap(([k, v]) => [
      `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
      String(v),
    ]),
    '--rate-limits',
    scale === 1 ? 'amazon' : 'off',
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const baseUrl = await new Promise<string>((resolve, reject) => {
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    const m = /listening at (\S+)/.exec(text);
    if (m) resolve(m[1]!);
  });
  child.on('exit', (code) => reject(new Error(`sandbox process stopped (${code})`)));
});
const marketplaceId = DEFAULT_MARKETPLACE_ID;

const WRITES: OperationId[] = [
  'addAppointmentForServiceJobByServiceJobId',
  'rescheduleAppointmentForServiceJobByServiceJobId',
  'assignAppointmentResources',
  'updateSchedule',
  'createReservation',
  'updateReservation',
  'cancelReservation',
];
const plans: Partial<Record<OperationId, UsagePlan>> = {};
for (const id of Object.keys(operations) as OperationId[]) {
  const p = operations[id].usagePlan;
  plans[id] = { rate: p.rate * scale, burst: p.burst };
}
const client = createServicesClient({
  baseUrl,
  credentials: { ...SANDBOX_CREDENTIALS, tokenUrl: `${baseUrl}/auth/o2/token` },
  rateLimits: 'amazon',
  usagePlanOverrides: plans,
  rateLimiters: new RateLimiterRegistry(),
  validateResponses: false,
});
/** Write calls as their answers arrive at the client: operation, time, and whether Amazon took them. */
const answered: { operation: OperationId; at: number; ok: boolean }[] = [];
const PORT_OPS: Partial<Record<keyof ServicesPort, OperationId>> = {
  addAppointment: 'addAppointmentForServiceJobByServiceJobId',
  rescheduleAppointment: 'rescheduleAppointmentForServiceJobByServiceJobId',
  assignAppointmentResources: 'assignAppointmentResources',
  updateSchedule: 'updateSchedule',
  createReservation: 'createReservation',
  updateReservation: 'updateReservation',
  cancelReservation: 'cancelReservation',
};
function recording(port: ServicesPort): ServicesPort {
  const out = { ...port } as Record<string, unknown>;
  for (const [name, operation] of Object.entries(PORT_OPS)) {
    const fn = (port as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[name]!;
    out[name] = async (...args: unknown[]) => {
      try {
        const r = await fn(...args);
        answered.push({ operation: operation!, at: performance.now(), ok: true });
        return r;
      } catch (err) {
        answered.push({ operation: operation!, at: performance.now(), ok: false });
        throw err;
      }
    };
  }
  return out as unknown as ServicesPort;
}
const services = recording(servicesPort(client));

const dir = mkdtempSync(join(tmpdir(), 'fieldplan-bench-'));
const store = storePort(await openStore(join(dir, 'bench.db')), { actor: 'bench' });
const config = validatePlanningConfig(
  seededPlanningConfig(seededCrews, seededStores, { solverBudgetSeconds: n('seconds') }),
  'sandbox',
);
const days = n('days');
console.log(
  `Seller: ${n('stores')} stores, ${n('technicians')} technicians, ${n('jobs')} jobs; planning ${days} days from ${startDate}; usage plans ×${scale}`,
);

const planOnce = () =>
  runPlanning(
    { date: startDate, days, marketplaceId, apply: true, seed: 1, solverSeconds: n('seconds') },
    {
      config,
      services,
      store,
      geocoder: new CachingGeocoder(new PostalCodeGeocoder(), undefined, postalCodeCacheKey),
      travel: new GreatCircleMatrixProvider({ roadFactor: 1.3, speedKmh: 40 }),
      clock: () => new Date(),
    },
  );
const t0 = performance.now();
const result = await planOnce();
const total = performance.now() - t0;
const second0 = answered.length;
const again = await planOnce();
const secondWrites = answered.length - second0;

const lines: string[] = [];
const out = (s: string): void => {
  console.log(s);
  lines.push(s);
};
out(`# Planning run benchmark (${new Date().toISOString().slice(0, 10)})`);
out('');
out(
  `Seller: ${n('stores')} stores, ${n('technicians')} technicians, ${n('jobs')} jobs seeded; ${days} days planned; solver budget ${n('seconds')} s; usage plans ×${scale}; machine: ${process.arch}, Node ${process.version}.`,
);
out('');
out(
  `Jobs planned ${result.report.kpis.jobsPlanned} of ${result.report.kpis.jobsInScope} in scope (${result.report.kpis.demandCoveredPct} %), travel ${result.report.kpis.travelHours} h, utilisation ${result.report.kpis.utilisationPct} %.`,
);
out('');
out('| step | ms |');
out('| --- | ---: |');
for (const [step, ms] of Object.entries(result.timingsMs)) out(`| ${step} | ${ms} |`);
out(`| **whole run** | ${Math.round(total)} |`);
out('');

const needed = result.operations.reduce((k, op) => k + callsOf(op), 0);
const made = answered.slice(0, second0);
out(
  `Write calls: needed by the diff ${needed}, made ${made.length} (refused or failed: ${made.filter((e) => !e.ok).length}); second run with nothing changed: ${secondWrites} write calls (${again.outcome}).`,
);
out('');
out('| operation | calls | allowed rate/s | burst | achieved rate/s after burst | % of allowed |');
out('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const op of WRITES) {
  const calls = made
    .filter((e) => e.operation === op)
    .map((e) => e.at)
    .sort((a, b) => a - b);
  if (calls.length === 0) continue;
  const plan = plans[op]!;
  const span = (calls[calls.length - 1]! - calls[0]!) / 1000;
  const paced = calls.length - plan.burst;
  const achieved = paced > 0 && span > 0 ? paced / span : undefined;
  out(
    `| ${op} | ${calls.length} | ${plan.rate} | ${plan.burst} | ${achieved !== undefined ? achieved.toFixed(2) : 'within burst'} | ${achieved !== undefined ? ((100 * achieved) / plan.rate).toFixed(0) : '-'} |`,
  );
}
out('');
out(
  'Measured at the client as answers arrive. Calls within the burst go out at once; the achieved rate counts the calls after it over the time from the first to the last answer. An operation that starts late (it waits for appointments to exist) or whose calls are few shows a lower figure that is not a pacing limit.',
);

mkdirSync(join(projectRoot, 'bench/results'), { recursive: true });
writeFileSync(join(projectRoot, 'bench/results/pipeline.md'), `${lines.join('\n')}\n`);
console.log('\nWrote bench/results/pipeline.md');
await store.close();
child.kill('SIGTERM');
rmSync(dir, { recursive: true, force: true });
