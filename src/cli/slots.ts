/**
 * `fieldplan slots <jobId>`: the job's candidate windows ranked by the marginal cost of fitting
 * it into the current routes (the plan in force, or the booked work), from the local store as
 * last pulled; unservable windows say why. Ids, times and costs only.
 */
import { integerArg } from './arg-parsers.ts';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { jobSlotOffers, type JobSlotsAnswer } from '../capacity/job-slots.ts';
import {
  CachingGeocoder,
  PostalCodeGeocoder,
  postalCodeCacheKey,
  travelMatrixProvider,
} from '../geo/index.ts';
import { DEFAULT_MARKETPLACE_ID } from '../sandbox/marketplace.ts';
import { storePort } from '../pipeline/adapters/store.ts';
import { openStore } from '../store/index.ts';
import { defaultDatabase, describeError, EXIT, loadConfigFor } from './plan.ts';

interface SlotsOptions {
  from?: string;
  days: number;
  config?: string;
  endpoint: string;
  marketplace: string;
  db?: string;
  osrm?: string;
  json?: boolean;
}

const days = integerArg({ min: 1, max: 14 });
const date = (v: string): string => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)))
    throw new InvalidArgumentError('expected a date YYYY-MM-DD.');
  return v;
};

export function formatSlots(a: JobSlotsAnswer): string {
  const rows = a.slots.map((s) =>
    s.servable
      ? `${String(s.rank).padStart(3)}  ${s.start}  ${s.technicianId}  +${s.extraTravelMinutes} min travel, +${s.extraKm} km, overtime +${s.overtimeMinutes} min, buffer ${s.bufferMinutes ?? '-'} min (cost ${s.marginalCost})`
      : `  -  ${s.start}  cannot be served: ${s.reason?.message ?? ''}`,
  );
  return [
    `Job ${a.jobId}, store ${a.storeId}, ${a.days} day(s) from ${a.from}, routes from ${a.routesFrom}`,
    ...rows,
  ].join('\n');
}

export function registerSlotsCommand(program: Command): void {
  program
    .command('slots <jobId>')
    .description("Rank a job's candidate windows by the cost of fitting it into the current routes.")
    .option('--from <YYYY-MM-DD>', "first day (default: today in the store's zone)", date)
    .option('--days <n>', 'number of days (1 to 14)', days, 3)
    .option('--config <file>', 'crews and planning config (YAML or JSON)')
    .option('--endpoint <where>', 'which seller config to use when --config is not given', 'na')
    .option('--marketplace <id>', 'marketplace id', DEFAULT_MARKETPLACE_ID)
    .option(
      '--db <target>',
      'SQLite file or postgres:// URL (default: DATABASE_URL or .fieldplan/fieldplan.db)',
    )
    .option('--osrm <url>', 'OSRM server for travel times (default: great-circle distance)')
    .option('--json', 'print JSON')
    .action(async (jobId: string, opts: SlotsOptions) => {
      try {
        const config = await loadConfigFor(opts.endpoint, opts.config);
        const db = await openStore(opts.db ?? defaultDatabase());
        try {
          const answer = await jobSlotOffers(
            {
              config,
              store: storePort(db, { actor: 'cli' }),
              plans: db.plans,
              jobs: db.jobs,
              geocoder: new CachingGeocoder(new PostalCodeGeocoder(), undefined, postalCodeCacheKey),
              travel: travelMatrixProvider(config.planning.travel, { osrmUrl: opts.osrm }),
              clock: () => new Date(),
            },
            opts.marketplace,
            { jobId, from: opts.from, days: opts.days },
          );
          console.log(opts.json === true ? JSON.stringify(answer, null, 2) : formatSlots(answer));
        } finally {
          await db.close();
        }
        process.exitCode = EXIT.ok;
      } catch (err) {
        console.error(`error: ${describeError(err)}`);
        process.exitCode = EXIT.error;
      }
    });
}
