/** `fieldplan sync`: pull the stores' service jobs into the store (no planning, no writes to Amazon). */
import type { Command } from 'commander';
import { pullJobsShown } from '../pipeline/read/pull.ts';
import {
  addConnectionOptions,
  connect,
  defaultDatabase,
  describeError,
  EXIT,
  loadConfigFor,
  openPipelineStore,
} from './plan.ts';
import type { PipelineStorePort } from '../pipeline/ports.ts';
import { integerArg } from './arg-parsers.ts';
import { cliLogger, withLogFileOption } from './cli-logger.ts';
import { terminalProgress } from './progress-display.ts';
import type { RateLimitPlan } from '../spapi/index.ts';

interface SyncOptions {
  store?: string[];
  config?: string;
  endpoint: string;
  marketplace: string;
  credentials?: string;
  rateLimits?: RateLimitPlan;
  db?: string;
  lookbackDays: number;
  logFile?: string;
  quiet?: boolean;
}

export function registerSyncCommand(program: Command): void {
  const cmd = program
    .command('sync')
    .description('Pull service jobs from the Services API into the store (incremental after the first run).')
    .option('--store <id...>', 'store ids (default: every store in the config)')
    .option('--config <file>', 'crews and planning config (for the store ids)')
    .option(
      '--lookback-days <n>',
      'first pull: jobs created in the last n days',
      integerArg({ min: 1, max: 3650 }),
      60,
    )
    .option('--quiet', 'no progress display');
  addConnectionOptions(cmd);
  withLogFileOption(cmd);
  cmd.action(async (opts: SyncOptions) => {
    let store: PipelineStorePort | undefined;
    try {
      const storeIds =
        opts.store ?? (await loadConfigFor(opts.endpoint, opts.config)).stores.map((s) => s.storeId);
      const services = connect({
        endpoint: opts.endpoint,
        marketplace: opts.marketplace,
        rateLimits: opts.rateLimits,
        credentials: opts.credentials,
        logger: cliLogger({ logFile: opts.logFile }),
      });
      store = await openPipelineStore(opts.db ?? defaultDatabase());
      const r = await pullJobsShown(
        services,
        store,
        { storeIds, marketplaceId: opts.marketplace, now: Date.now(), lookbackDays: opts.lookbackDays },
        terminalProgress({ quiet: opts.quiet === true }),
      );
      console.log(
        `Pulled ${r.jobs} jobs in ${r.pages} pages (${r.mode}, since ${r.since}); ${r.issues.length} payload issues`,
      );
      for (const i of r.issues.slice(0, 20))
        console.log(`  ${i.serviceJobId ?? '(no id)'} ${i.code}: ${i.detail}`);
      process.exitCode = EXIT.ok;
    } catch (err) {
      console.error(`error: ${describeError(err)}`);
      process.exitCode = EXIT.error;
    } finally {
      await store?.close();
    }
  });
}
