/**
 * Store throughput: pulling (upsert with field encryption), listing plannable jobs
 * (decryption), journaling a write-back, and the retention purge, on SQLite and (when
 * DATABASE_URL is set) PostgreSQL.
 *
 *   node --import tsx bench/store/store.ts [--jobs 1000,5000]
 *
 * Prints a table and writes bench/results/store.md.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { generateDataKey } from '../../src/privacy/data-key.ts';
import { serviceJobRecordFromWire, type ServiceJobRecord } from '../../src/store/service-job-record.ts';
import { openStore, type Store } from '../../src/store/store.ts';

const { values } = parseArgs({ options: { jobs: { type: 'string', default: '1000,5000' } } });
const sizes = (values.jobs ?? '').split(',').map(Number);
if (sizes.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error('--jobs: expected positive integers');

function job(i: number): ServiceJobRecord {
  const mapped = serviceJobRecordFromWire({
    serviceJobId: `bench-job-${i}`,
    serviceJobStatus: i % 2 === 0 ? 'NOT_SERVICED' : 'PENDING_SCHEDULE',
    createTime: '2026-11-20T15:04:05Z',
    storeId: `store-${i % 4}`,
    marketplaceId: 'ATVPDKIKX0DER',
    scopeOfWork: { asin: 'B07PRODUCT', title: 'TV wall mounting', quantity: 1, requiredSkills: ['TV_MOUNT'] },
    buyer: { buyerId: `B${i}`, name: `Buyer ${i}`, phone: '+1-206-555-0100', isPrimeMember: i % 3 === 0 },
    serviceLocation: {
      serviceLocationType: 'IN_HOME',
      address: {
        name: `Buyer ${i}`,
        addressLine1: `${i} Main St`,
        city: 'Seattle',
        postalCode: '98109',
        countryCode: 'US',
      },
    },
    preferredAppointmentTimes: [{ startTime: '2026-11-24T17:00:00Z', durationInMinutes: 120 }],
    appointments:
      i % 2 === 0
        ? [
            {
              appointmentId: `appt-${i}`,
              appointmentStatus: 'ACTIVE',
              appointmentTime: { startTime: '2026-11-24T18:00:00Z', durationInMinutes: 90 },
            },
          ]
        : [],
  });
  if (!mapped.ok) throw new Error(mapped.error.message);
  return mapped.record;
}

interface Row {
  dialect: string;
  jobs: number;
  upsertMs: number;
  listMs: number;
  journalMs: number;
  purgeMs: number;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function measure(dialect: string, store: Store, n: number): Promise<Row> {
  const jobs = Array.from({ length: n }, (_, i) => job(i));
  const upsertMs = await time(() => store.jobs.upsertMany(jobs));
  const storeIds = ['store-0', 'store-1', 'store-2', 'store-3'];
  const listMs = await time(async () => {
    const listed = await store.jobs.listPlannable(storeIds, {
      from: '2026-11-24T00:00:00Z',
      to: '2026-11-25T00:00:00Z',
    });
    if (listed.length !== n) throw new Error(`listed ${listed.length} of ${n}`);
  });
  const plan = await store.plans.create({
    kind: 'nightly',
    periodStart: '2026-11-24',
    periodEnd: '2026-11-24',
    storeIds,
  });
  const journalMs = await time(async () => {
    const entries = await store.journal.intendMany(
      jobs.map((j) => ({
        planId: plan.planId,
        operation: 'assignAppointmentResources',
        idempotencyKey: `${plan.planId}:${j.serviceJobId}`,
        serviceJobId: j.serviceJobId,
        requestBody: { resources: [{ resourceId: 'tech-1' }] },
      })),
    );
    for (const { entry } of entries) {
      await store.journal.markSent(entry.entryId);
      await store.journal.markResult(entry.entryId, { state: 'succeeded' });
    }
  });
  await store.jobs.upsertMany(jobs.map((j) => ({ ...j, status: 'COMPLETED' })));
  const purgeMs = await time(async () => {
    const counts = await store.purgeExpiredPersonalData(new Date(Date.now() + 31 * 86_400_000));
    if (counts.jobs !== n) throw new Error(`purged ${counts.jobs} of ${n}`);
  });
  return { dialect, jobs: n, upsertMs, listMs, journalMs, purgeMs };
}

const rows: Row[] = [];
const keys = { current: generateDataKey(), previous: [], source: 'bench' };
for (const n of sizes) {
  const dir = mkdtempSync(join(tmpdir(), 'fieldplan-bench-'));
  try {
    const store = await openStore(join(dir, 'bench.db'), { env: {}, dataKeys: keys });
    rows.push(await measure('sqlite', store, n));
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const url = process.env['DATABASE_URL'];
  if (url !== undefined && url !== '') {
    const schema = `fieldplan_bench_${process.pid}`;
    const store = await openStore(url, { env: {}, dataKeys: keys, schema });
    try {
      rows.push(await measure('postgres', store, n));
    } finally {
      await store.close();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    }
  }
}

const perJob = (ms: number, n: number): string => `${((ms * 1000) / n).toFixed(0)} µs`;
const lines = [
  `# Store throughput`,
  '',
  `${new Date().toISOString()}, Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), shared machine.`,
  'Each phase is one call over all jobs; per-job time in brackets. Personal fields are encrypted on upsert and',
  'decrypted on list. Journal = intend all in one batch, then markSent + markResult per entry.',
  '',
  '| dialect | jobs | upsert | list plannable | journal (3 writes/job) | purge |',
  '| --- | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map(
    (r) =>
      `| ${r.dialect} | ${r.jobs} | ${r.upsertMs.toFixed(0)} ms (${perJob(r.upsertMs, r.jobs)}) | ${r.listMs.toFixed(0)} ms (${perJob(r.listMs, r.jobs)}) | ${r.journalMs.toFixed(0)} ms (${perJob(r.journalMs, r.jobs)}) | ${r.purgeMs.toFixed(0)} ms |`,
  ),
  '',
];
if (process.env['DATABASE_URL'] === undefined)
  lines.push('PostgreSQL not measured: DATABASE_URL is unset.', '');
console.log(lines.join('\n'));
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/store.md', lines.join('\n'));
