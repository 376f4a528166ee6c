/**
 * What the commands that read from (and may write to) Amazon for one store share: the
 * connection options, the crews config, the store and the geography, opened together and
 * closed once; and the `--json` / `--quiet` pair with progress on stderr.
 */
import type { Command } from 'commander';
import type { PlanningConfig } from '../config/index.ts';
import { connectClient, loadConfigFor, planningGeography } from '../connect.ts';
import { servicesPort } from '../pipeline/adapters/services.ts';
import { storePort } from '../pipeline/adapters/store.ts';
import type { PipelineStorePort, ServicesPort } from '../pipeline/ports.ts';
import type { ProgressSink } from '../pipeline/progress.ts';
import type { RateLimitPlan, ServicesClient } from '../spapi/index.ts';
import { openStore, type Store } from '../store/index.ts';
import { cliLogger, withLogFileOption } from './cli-logger.ts';
import { addConnectionOptions, defaultDatabase } from './plan.ts';
import { terminalProgress } from './progress-display.ts';
import type { Geocoder, TravelMatrixProvider } from '../geo/index.ts';

export interface AmazonCommandOptions {
  config?: string;
  endpoint: string;
  marketplace: string;
  credentials?: string;
  rateLimits?: RateLimitPlan;
  db?: string;
  osrm?: string;
  logFile?: string;
  json?: boolean;
  quiet?: boolean;
}

export interface AmazonCommandContext {
  config: PlanningConfig;
  marketplaceId: string;
  client: ServicesClient;
  services: ServicesPort;
  db: Store;
  store: PipelineStorePort;
  geocoder: Geocoder;
  travel: TravelMatrixProvider;
  /** Bars on a terminal, plain lines otherwise, always on stderr; nothing with --quiet. */
  progress: ProgressSink;
  close(): Promise<void>;
}

/** The options of such a command: connection, config, OSRM, log file, `--json` and `--quiet`. */
export function withAmazonCommandOptions(command: Command, json: string): Command {
  command
    .option('--config <file>', 'crews and planning config (YAML or JSON)')
    .option('--osrm <url>', 'OSRM server for travel times (default: great-circle distance)')
    .option('--json', json)
    .option(
      '--quiet',
      'no progress display (progress is on stderr, so --json output is never mixed with it)',
    );
  addConnectionOptions(command);
  return withLogFileOption(command);
}

export async function openAmazonCommand(opts: AmazonCommandOptions): Promise<AmazonCommandContext> {
  const config = await loadConfigFor(opts.endpoint, opts.config);
  const client = connectClient({
    endpoint: opts.endpoint,
    marketplace: opts.marketplace,
    rateLimits: opts.rateLimits,
    credentials: opts.credentials,
    logger: cliLogger({ logFile: opts.logFile }),
  });
  const db = await openStore(opts.db ?? defaultDatabase());
  return {
    config,
    marketplaceId: opts.marketplace,
    client,
    services: servicesPort(client),
    db,
    store: storePort(db, { actor: 'cli' }),
    ...planningGeography(config, opts.osrm),
    progress: terminalProgress({ quiet: opts.quiet === true }),
    close: () => db.close(),
  };
}
