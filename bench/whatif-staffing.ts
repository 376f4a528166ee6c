/**
 * Benchmark: how far the what-if staffing answer is from the served share its own simulation
 * shows, before (the LP's number taken as the answer) and after (N searched on the simulation).
 * For each seeded seller (one store, a date base): the LP's lower bound N_lp for the profile
 * and what planning the sampled days with N_lp technicians actually serves (p10 / median /
 * p90), then the searched N_sim with its served share. The old, all-profile LP figure (the
 * board's former "technicians needed") is shown beside them.
 *
 *   node --import tsx bench/whatif-staffing.ts [--seeds 7,3,11,19] [--technicians 5] [--jobs 60]
 *        [--samples 5] [--iterations 150] [--target 95] [--percentile median] [--max-steps 8]
 *        [--out whatif-staffing.md]
 *
 * The sandbox runs in this process on a pinned clock and date (the same numbers every run).
 * Prints a table and writes bench/results/whatif-staffing.md (or the `--out` file there).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { validatePlanningConfig } from '../src/config/index.ts';
import {
  CachingGeocoder,
  GreatCircleMatrixProvider,
  PostalCodeGeocoder,
  postalCodeCacheKey,
} from '../src/geo/index.ts';
import { storePort } from '../src/pipeline/adapters/store.ts';
import { seededPlanningConfig } from '../src/sandbox/crews-config.ts';
import { runningClock, startSandbox } from '../src/sandbox/index.ts';
import { createServicesClient, RateLimiterRegistry } from '../src/spapi/index.ts';
import { openStore } from '../src/store/index.ts';
import type { Distribution } from '../src/whatif/simulate.ts';
import { prepareWhatIf, simulate, type StaffingOptions } from '../src/whatif/index.ts';
import { projectRoot } from './paths.ts';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '7,3,11,19' },
    technicians: { type: 'string', default: '5' },
    jobs: { type: 'string', default: '60' },
    samples: { type: 'string', default: '5' },
    iterations: { type: 'string', default: '150' },
    target: { type: 'string', default: '95' },
    percentile: { type: 'string', default: 'median' },
    'max-steps': { type: 'string', default: '8' },
    out: { type: 'string', default: 'whatif-staffing.md' },
  },
});
function positiveInt(name: keyof typeof values): number {
  const v = Number(values[name]);
  if (!Number.isInteger(v) || v < 1)
    throw new Error(`--${name}: expected a whole number ≥ 1, got "${values[name]}"`);
  return v;
}
const seeds = (values.seeds ?? '').split(',').map((s) => {
  const v = Number(s);
  if (!Number.isInteger(v) || v < 0)
    throw new Error(`--seeds: expected whole numbers, got "${values.seeds}"`);
  return v;
});
const percentile = values.percentile;
if (percentile !== 'p10' && percentile !== 'median' && percentile !== 'p90')
  throw new Error(`--percentile: expected p10, median or p90, got "${percentile}"`);
const target = Number(values.target);
if (!(target > 0 && target <= 100)) throw new Error(`--target: expected a share in percent, 1 to 100`);
const staffing: StaffingOptions = { percentile, maxSteps: positiveInt('max-steps') };
const DATE = '2031-01-14';
const NOW = Date.parse('2031-01-13T18:00:00Z');

const share = (d: Distribution | null | undefined): string => (d ? `${d.p10} / ${d.median} / ${d.p90}` : '—');

interface Row {
  seed: number;
  mode: Mode;
  jobs: number;
  profile: string;
  oldLp: string;
  nLp: string;
  lpServed: string;
  nSim: string;
  simServed: string;
  steps: number;
  seconds: number;
}

/** `store`: the default profile (the technician covering the most demand); `all-round`: that technician given every demanded skill. */
type Mode = 'store' | 'all-round';

async function seller(seed: number, mode: Mode): Promise<Row> {
  const sandbox = await startSandbox({
    seed,
    stores: 1,
    technicians: positiveInt('technicians'),
    jobs: positiveInt('jobs'),
    rateLimits: 'off',
    logger: false,
    startDate: DATE,
    clock: runningClock(NOW),
  });
  const db = await openStore(join(mkdtempSync(join(tmpdir(), 'fieldplan-bench-')), 'fieldplan.db'));
  try {
    const config = validatePlanningConfig(
      seededPlanningConfig(sandbox.seededCrews(), sandbox.seededStores()),
      'sandbox',
    );
    const client = createServicesClient({
      baseUrl: sandbox.url,
      credentials: { ...sandbox.credentials, tokenUrl: `${sandbox.url}/auth/o2/token` },
      rateLimits: 'off',
      rateLimiters: new RateLimiterRegistry(),
      retry: { initialDelayMs: 5, maxDelayMs: 50 },
    });
    const storeId = sandbox.seededStores()[0]!.storeId;
    const like = config.technicians[0]!.resourceId;
    const every = [...new Set(sandbox.seededCrews().flatMap((t) => t.skills))].sort();
    const changes = mode === 'all-round' ? { setSkills: [{ technicianId: like, skills: every }] } : {};
    const options: StaffingOptions = mode === 'all-round' ? { ...staffing, like } : staffing;
    const prepared = await prepareWhatIf(
      {
        config,
        store: storePort(db, { actor: 'bench' }),
        client,
        geocoder: new CachingGeocoder(new PostalCodeGeocoder(), undefined, postalCodeCacheKey),
        travel: new GreatCircleMatrixProvider({ roadFactor: 1.3, speedKmh: 40 }),
        clock: () => new Date(NOW),
        marketplaceId: sandbox.marketplaceId,
      },
      storeId,
      { kind: 'date', date: DATE },
      changes,
      {
        samples: positiveInt('samples'),
        seed: 1,
        iterations: positiveInt('iterations'),
        targetServedPct: target,
        samplePlans: false,
        staffing: options,
      },
    );
    const started = performance.now();
    const r = simulate(prepared);
    const seconds = (performance.now() - started) / 1000;
    const a = r.staffing!;
    const atBound = a.steps.find((s) => s.technicians === a.lowerBound.technicians);
    return {
      seed,
      mode,
      jobs: r.scenario.days[0]?.jobs ?? 0,
      profile: `${a.profile.skills.join('+')} (+${a.otherTechnicians.median} other)`,
      oldLp: String(r.scenario.summary.staffingTechnicians?.median ?? '—'),
      nLp: String(a.lowerBound.technicians ?? '—'),
      lpServed: share(atBound?.servedPct),
      nSim: a.reached
        ? `${a.technicians}${a.smallest ? '' : ' (≤)'}`
        : `not reached (${a.steps.at(-1)?.technicians ?? '—'} tried)`,
      simServed: share(a.servedPct),
      steps: a.steps.length,
      seconds,
    };
  } finally {
    await db.close();
    await sandbox.close();
  }
}

const rows: Row[] = [];
for (const seed of seeds)
  for (const mode of ['store', 'all-round'] as const) {
    rows.push(await seller(seed, mode));
    console.error(`seller seed ${seed}, ${mode} profile done`);
  }
const header =
  '| seller seed | jobs/day | profile P (mode) | old LP (all profiles) | N_lp (LP bound) | served at N_lp p10 / median / p90 % | N_sim | served at N_sim p10 / median / p90 % | levels simulated | seconds |';
const table = [
  header,
  '|---|---|---|---|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.seed} | ${r.jobs} | ${r.profile} (${r.mode}) | ${r.oldLp} | ${r.nLp} | ${r.lpServed} | ${r.nSim} | ${r.simServed} | ${r.steps} | ${r.seconds.toFixed(1)} |`,
  ),
].join('\n');
const settings = `target ${target} % at the ${percentile}, ${values.samples} sampled days of ${DATE} (date base), ${values.iterations} solver iterations a day, at most ${values['max-steps']} staffing levels; sandbox ${values.technicians} technicians, ${values.jobs} jobs, one store`;
console.log(settings);
console.log(table);
const md = `# What-if staffing: the LP's number against the simulation, and the searched answer

\`node --import tsx bench/whatif-staffing.ts --seeds ${values.seeds} --technicians ${values.technicians} --jobs ${values.jobs} --samples ${values.samples} --iterations ${values.iterations} --target ${target} --percentile ${percentile} --max-steps ${values['max-steps']}\`

Settings: ${settings}.

${table}

- **N_lp** is the LP's lower bound for profile P beside the scenario's other technicians
  (src/whatif/lp.ts): it ignores travel, time windows and the order of visits. The column after
  it is what planning the sampled days with N_lp technicians of P actually serves: how far the
  LP's number, taken as the answer, is from the target.
- **N_sim** is the staffing answer searched on the simulation (src/whatif/staffing.ts); its
  served share meets the target at the ${percentile} by construction. "(≤)" marks an answer the
  step budget could not prove smallest; "not reached" says the target was not met within it.
- Each seller twice: **store**, the profile of the store's technician whose skills cover the
  most demand (the default), with the others kept; **all-round**, that technician given every
  skill the seller's jobs need (scenario \`setSkills\`), so N of P can serve every job.
- **old LP (all profiles)** is the median over the sampled days of the all-profile LP bound the
  board showed before as "technicians needed".
`;
mkdirSync(join(projectRoot, 'bench/results'), { recursive: true });
const out = values.out ?? 'whatif-staffing.md';
if (!/^[\w.-]+\.md$/.test(out)) throw new Error(`--out: expected a file name ending in .md, got "${out}"`);
writeFileSync(join(projectRoot, 'bench/results', out), md);
