/**
 * Benchmark: the capacity report (exact insertion per route and slot) and the what-if
 * simulation, on the local sandbox's seeded seller after a dry-run plan.
 *
 *   node --import tsx bench/insight.ts [--jobs 300] [--technicians 12] [--stores 1] [--samples 5] [--iterations 300]
 *
 * Prints a table and writes bench/results/insight.md.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { amazonCapacityPort, capacityReport } from '../src/capacity/index.ts';
import { validatePlanningConfig } from '../src/config/index.ts';
import {
  CachingGeocoder,
  GreatCircleMatrixProvider,
  PostalCodeGeocoder,
  postalCodeCacheKey,
} from '../src/geo/index.ts';
import { runPlanning } from '../src/pipeline/run.ts';
import { seededPlanningConfig } from '../src/sandbox/crews-config.ts';
import { servicesPort } from '../src/pipeline/adapters/services.ts';
import { storePort } from '../src/pipeline/adapters/store.ts';
import { startSandbox } from '../src/sandbox/index.ts';
import { createServicesClient, RateLimiterRegistry } from '../src/spapi/index.ts';
import { openStore } from '../src/store/index.ts';
import { prepareWhatIf, simulateInWorker } from '../src/whatif/index.ts';
import { projectRoot } from './paths.ts';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '300' },
    technicians: { type: 'string', default: '12' },
    stores: { type: 'string', default: '1' },
    samples: { type: 'string', default: '5' },
    iterations: { type: 'string', default: '300' },
  },
});
const n = (k: keyof typeof values): number => Number(values[k]);

let date = DateTime.utc().plus({ days: 1 });
while (date.weekday > 5) date = date.plus({ days: 1 });
const day = date.toISODate()!;
const sandbox = await startSandbox({
  seed: 1,
  jobs: n('jobs'),
  technicians: n('technicians'),
  stores: n('stores'),
  rateLimits: 'off',
  logger: false,
  startDate: day,
});
const config = validatePlanningConfig(
  seededPlanningConfig(sandbox.seededCrews(), sandbox.seededStores()),
  'sandbox',
);
const client = createServicesClient({
  baseUrl: sandbox.url,
  credentials: { ...sandbox.credentials, tokenUrl: `${sandbox.url}/auth/o2/token` },
  rateLimits: 'off',
  rateLimiters: new RateLimiterRegistry(),
  validateResponses: false,
});
const db = await openStore(join(mkdtempSync(join(tmpdir(), 'fieldplan-bench-')), 'fieldplan.db'));
const store = storePort(db, { actor: 'bench' });
const geocoder = new CachingGeocoder(new PostalCodeGeocoder(), undefined, postalCodeCacheKey);
const travel = new GreatCircleMatrixProvider({ roadFactor: 1.3, speedKmh: 40 });
const storeId = sandbox.seededStores()[0]!.storeId;
const deps = {
  config,
  services: servicesPort(client),
  store,
  geocoder,
  travel,
  clock: () => new Date(),
};
await runPlanning(
  { date: day, days: 5, marketplaceId: sandbox.marketplaceId, apply: false, solverIterations: 500, seed: 1 },
  deps,
);

const rows: string[][] = [];
const skills = [...new Set(config.technicians.flatMap((t) => t.skills))].sort();
const week = DateTime.fromISO(day).plus({ days: 4 }).toISODate()!;
for (const [label, to, slot] of [
  ['1 day, 2-hour slots', day, 120],
  ['5 days, 2-hour slots', week, 120],
  ['5 days, 1-hour slots', week, 60],
] as const) {
  const t0 = performance.now();
  const r = await capacityReport(
    { ...deps, amazon: amazonCapacityPort(client), marketplaceId: sandbox.marketplaceId },
    { storeId, from: day, to, skill: skills[0]!, slotMinutes: slot },
  );
  const ms = performance.now() - t0;
  rows.push([
    `capacity, ${label}`,
    `${r.report.slots.length} slots, ${r.model.routes.reduce((k, x) => k + x.jobIds.length, 0)} visits on ${r.model.routes.length} routes`,
    `${Math.round(ms)} ms`,
    `engine ${r.report.totals.engine} / Amazon available ${r.report.totals.amazonAvailable ?? '-'}`,
  ]);
}

const t1 = performance.now();
const prepared = await prepareWhatIf(
  { config, store, client, geocoder, travel, clock: () => new Date(), marketplaceId: sandbox.marketplaceId },
  storeId,
  { kind: 'date', date: day },
  { addTechnicians: [{ like: config.technicians[0]!.resourceId, count: 2 }] },
  { samples: n('samples'), seed: 1, iterations: n('iterations'), targetServedPct: 90 },
);
const prepMs = performance.now() - t1;
const t2 = performance.now();
const result = await simulateInWorker(prepared, () => {});
const simMs = performance.now() - t2;
rows.push([
  'what-if prepare',
  `${prepared.templates.length} job templates, ${prepared.points.length} places`,
  `${Math.round(prepMs)} ms`,
  '',
]);
rows.push([
  `what-if simulate (worker)`,
  `${n('samples')} samples × 2 variants, ${n('iterations')} iterations`,
  `${Math.round(simMs)} ms`,
  `served % base ${result.base.summary.servedPct.mean} → scenario ${result.scenario.summary.servedPct.mean}; LP staffing ${result.base.summary.staffingTechnicians?.median ?? '-'}`,
]);

const header = ['step', 'size', 'time', 'answer'];
const table = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
const md = `# Capacity and what-if benchmark

Sandbox seed 1: ${n('jobs')} jobs, ${n('technicians')} technicians, ${n('stores')} store(s); dry-run plan of 5 days first.
Machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, Node ${process.version}, ${new Date().toISOString()} (shared, loaded machine).

${table}
`;
console.log(md);
mkdirSync(join(projectRoot, 'bench/results'), { recursive: true });
writeFileSync(join(projectRoot, 'bench/results/insight.md'), md);
await db.close();
await sandbox.close();
