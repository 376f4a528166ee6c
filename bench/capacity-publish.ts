/**
 * Benchmark: the shared capacity publication on seeded sellers after an applied multi-day plan.
 * Per seed: how many windows Amazon would over-offer without holds, the holds written, what
 * Amazon offers afterwards (read back for every ASIN and start), how much of the routes'
 * capacity is still sold, and the write calls of a second publish and of a publish after a
 * re-plan (and again after that).
 *
 *   node --import tsx bench/capacity-publish.ts [--seeds 7,1,2,3] [--technicians 5] [--jobs 60] [--days 3]
 *
 * Prints a table and writes bench/results/capacity-publish.md.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { amazonCapacityPort } from '../src/capacity/index.ts';
import { publishCapacity, type PublishResult } from '../src/capacity/publish.ts';
import { validatePlanningConfig } from '../src/config/index.ts';
import {
  CachingGeocoder,
  GreatCircleMatrixProvider,
  PostalCodeGeocoder,
  postalCodeCacheKey,
} from '../src/geo/index.ts';
import { runPlanning } from '../src/pipeline/run.ts';
import { servicesPort } from '../src/pipeline/adapters/services.ts';
import { storePort } from '../src/pipeline/adapters/store.ts';
import { seededPlanningConfig } from '../src/sandbox/crews-config.ts';
import { startSandbox, type Sandbox } from '../src/sandbox/index.ts';
import { createServicesClient, RateLimiterRegistry } from '../src/spapi/index.ts';
import { openStore } from '../src/store/index.ts';
import { projectRoot } from './paths.ts';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '7,1,2,3' },
    technicians: { type: 'string', default: '5' },
    jobs: { type: 'string', default: '60' },
    days: { type: 'string', default: '3' },
  },
});
const days = Number(values.days);
const WRITES = new Set(['createReservation', 'updateReservation', 'cancelReservation', 'updateSchedule']);
const writes = (s: Sandbox, from: number): number =>
  s.requestLog.slice(from).filter((e) => WRITES.has(e.operation)).length;

let date = DateTime.utc().plus({ days: 1 });
while (date.weekday > 5) date = date.plus({ days: 1 });
const day = date.toISODate()!;
const to = date.plus({ days: days - 1 }).toISODate()!;

const rows: string[][] = [];
for (const seed of values.seeds.split(',').map(Number)) {
  const sandbox = await startSandbox({
    seed,
    jobs: Number(values.jobs),
    technicians: Number(values.technicians),
    stores: 1,
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
  const common = {
    config,
    geocoder: new CachingGeocoder(new PostalCodeGeocoder(), undefined, postalCodeCacheKey),
    travel: new GreatCircleMatrixProvider({ roadFactor: 1.3, speedKmh: 40 }),
    clock: () => new Date(),
  };
  const services = servicesPort(client);
  const plan = (s: number) =>
    runPlanning(
      { date: day, days, marketplaceId: sandbox.marketplaceId, apply: true, solverIterations: 300, seed: s },
      { ...common, services, store },
    );
  const storeId = sandbox.seededStores()[0]!.storeId;
  const amazon = amazonCapacityPort(client);
  const pdeps = {
    ...common,
    store,
    db,
    services,
    amazon,
    marketplaceId: sandbox.marketplaceId,
    actor: 'bench',
  };
  const publish = async (): Promise<[PublishResult, number]> => {
    const mark = sandbox.requestLog.length;
    const r = await publishCapacity(pdeps, { storeId, from: day, to });
    return [r, writes(sandbox, mark)];
  };

  await plan(1);
  const started = performance.now();
  const [first, firstCalls] = await publish();
  const ms = performance.now() - started;
  const back = await readBack(first);
  const [, secondCalls] = await publish();
  await plan(2);
  const [, replanCalls] = await publish();
  const [, afterReplan] = await publish();
  const engine = first.offers.reduce((n, o) => n + o.engine, 0);
  const sold = first.offers.reduce((n, o) => n + o.offered, 0);
  const reasons = new Map<string, number>();
  for (const u of first.underOffered)
    for (const r of u.reasons) reasons.set(r.code, (reasons.get(r.code) ?? 0) + r.count);
  rows.push([
    String(seed),
    String(first.kinds.length),
    String(first.offers.length),
    String(first.totals.overOfferedWithoutHolds),
    String(first.holds.length),
    String(firstCalls),
    `${back.over} / ${back.compared}`,
    String(back.mispredicted),
    `${first.underOffered.length} (${[...reasons].map(([k, v]) => `${k} ${v}`).join(', ') || '-'})`,
    engine === 0 ? '-' : `${((100 * sold) / engine).toFixed(0)} %`,
    String(secondCalls),
    `${replanCalls} → ${afterReplan}`,
    ms.toFixed(0),
  ]);

  async function readBack(
    r: PublishResult,
  ): Promise<{ compared: number; over: number; mispredicted: number }> {
    const out = { compared: 0, over: 0, mispredicted: 0 };
    for (const asin of new Set(r.offers.map((o) => o.asin).filter((a): a is string => a !== null))) {
      const offers = r.offers.filter((o) => o.asin === asin);
      const start = Math.min(...offers.map((o) => Date.parse(o.start)));
      const end = Math.max(...offers.map((o) => Date.parse(o.start))) + 1;
      for (const s of await amazon.appointmentSlots(sandbox.marketplaceId, storeId, asin, start, end)) {
        const o = offers.find((x) => Date.parse(x.start) === s.start);
        if (o === undefined) continue;
        out.compared += 1;
        if (s.capacity > o.engine) out.over += 1;
        if (s.capacity !== o.offered) out.mispredicted += 1;
      }
    }
    return out;
  }
  await db.close();
  await sandbox.close();
}

const header = [
  'seed',
  'kinds',
  'windows',
  'over-offered without holds',
  'holds',
  'calls (1st)',
  'over-offered after (read back)',
  'mispredicted',
  'under-offered windows (reasons)',
  'routes capacity sold',
  'calls (2nd)',
  'calls after re-plan → again',
  'publish ms',
];
const table = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
const md = `# Capacity publication (shared model, all kinds at once)

1 store, ${values.technicians} technicians, ${values.jobs} jobs, ${days}-day applied plan (300 iterations), 1-hour windows per ASIN and skill.
"windows": every (kind, start) Amazon may sell; "over-offered": Amazon's capacity above what the routes absorb.

${table}
`;
console.log(md);
mkdirSync(join(projectRoot, 'bench/results'), { recursive: true });
writeFileSync(join(projectRoot, 'bench/results/capacity-publish.md'), md);
