/**
 * `fieldplan serve`: the HTTP API (see api/). Tokens come from `fieldplan token create`.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { startApi } from '../../api/start.ts';
import { addConnectionOptions, defaultDatabase, describeError, loadConfigFor } from './plan.ts';
import type { RateLimitPlan } from '../spapi/index.ts';
import { integerArg, portArg } from './arg-parsers.ts';
import { keyFileHelp } from './store-options.ts';
import { loadSellers, resolveSellers, sellersFileFrom, type ResolvedSeller } from '../tenants/sellers.ts';
import { checkQueueMode } from '../queue/mode.ts';
import { addQueueOptions } from './worker.ts';

interface ServeOptions {
  port: number;
  host: string;
  endpoint: string;
  marketplace: string;
  db?: string;
  keyFile?: string;
  config?: string;
  tlsCert?: string;
  tlsKey?: string;
  corsOrigin?: string[];
  rateLimit: number;
  solverThreads?: number;
  osrm?: string;
  rateLimits?: RateLimitPlan;
  credentials?: string;
  nightly?: string;
  nightlyStore?: string[];
  nightlyDays: number;
  sellers?: string;
  queue?: string | true;
  prefix: string;
  seller: string;
}

function originArg(v: string, previous: string[] | undefined): string[] {
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new InvalidArgumentError(`expected an origin like https://dispatch.example.com; got ${v}`);
  }
  if (url.origin !== v.replace(/\/$/, ''))
    throw new InvalidArgumentError(`expected an origin (scheme, host, port) without a path; got ${v}`);
  return [...(previous ?? []), url.origin];
}

function storeCron(v: string, previous: string[] | undefined): string[] {
  if (!/^[^=\s]+=.+$/.test(v))
    throw new InvalidArgumentError(`expected <storeId>=<cron>, e.g. STORE-1="0 22 * * 1-5"; got ${v}`);
  return [...(previous ?? []), v];
}

function schedules(opts: ServeOptions, storeIds: string[]): { storeId: string; cron: string }[] {
  const perStore = new Map<string, string>();
  if (opts.nightly !== undefined) for (const id of storeIds) perStore.set(id, opts.nightly);
  for (const entry of opts.nightlyStore ?? []) {
    const i = entry.indexOf('=');
    perStore.set(entry.slice(0, i), entry.slice(i + 1));
  }
  return [...perStore].map(([storeId, cron]) => ({ storeId, cron }));
}

/** Every seller × store schedule: `--nightly` for all of them, `--nightly-store` for the seller that has the store. */
function sellerSchedules(
  opts: ServeOptions,
  sellers: readonly ResolvedSeller[],
): { sellerId: string; storeId: string; cron: string }[] {
  const all = sellers.flatMap((s) =>
    s.config.stores.map((store) => ({ sellerId: s.id, storeId: store.storeId })),
  );
  for (const entry of opts.nightlyStore ?? []) {
    const storeId = entry.slice(0, entry.indexOf('='));
    if (!all.some((x) => x.storeId === storeId))
      throw new InvalidArgumentError(
        `--nightly-store ${storeId}: no seller of the sellers file has this store`,
      );
  }
  return all.flatMap(({ sellerId, storeId }) =>
    schedules(opts, [storeId])
      .filter((s) => s.storeId === storeId)
      .map((s) => ({ sellerId, storeId, cron: s.cron })),
  );
}

export function registerServeCommand(program: Command): void {
  const cmd = program
    .command('serve')
    .description('Serve the HTTP API (plans, optimize-today, solve, board, capacity, what-if, KPIs)')
    .option('--port <n>', 'TCP port', portArg(), 8080)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--config <file>', 'crews and planning config (YAML or JSON)')
    .option(
      '--sellers <file>',
      'serve several sellers (see docs/tenants.md; default: FIELDPLAN_SELLERS_FILE, else one seller)',
    )
    .option('--key-file <path>', keyFileHelp)
    .option('--tls-cert <file>', 'PEM certificate: serve HTTPS (TLS 1.2 or newer)')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .option('--cors-origin <origin>', 'allow this browser origin (repeatable; default: none)', originArg)
    .option(
      '--rate-limit <n>',
      'requests per minute per token (per address without one)',
      integerArg({ min: 1 }),
      600,
    )
    .option(
      '--solver-threads <n>',
      'solver worker threads (default: cores − 1, at least 2)',
      integerArg({ min: 1, max: 64 }),
    )
    .option('--osrm <url>', 'OSRM server for travel times (default: great-circle distance)')
    .option(
      '--nightly <cron>',
      'run every store\'s nightly plan (applied) at this cron time in the store\'s zone, e.g. "0 22 * * 0-4"',
    )
    .option(
      '--nightly-store <store=cron>',
      'a nightly time for one store (repeatable; wins over --nightly)',
      storeCron,
    )
    .option(
      '--nightly-days <n>',
      'days each nightly plan covers, from the next local day',
      integerArg({ min: 1, max: 14 }),
      1,
    );
  cmd.option(
    '--queue [redis-url]',
    'queue mode: runs go to `fieldplan worker` processes over Redis (URL, or REDIS_URL when none is given); needs PostgreSQL',
  );
  addQueueOptions(cmd);
  addConnectionOptions(cmd);
  cmd.action(async (opts: ServeOptions) => {
    try {
      const sellersFile = sellersFileFrom(opts.sellers);
      if (sellersFile !== undefined && (opts.config !== undefined || opts.credentials !== undefined))
        throw new InvalidArgumentError(
          'give --sellers or --config and --credentials, not both: each seller names its crews config and credentials in the sellers file',
        );
      const sellers =
        sellersFile === undefined
          ? undefined
          : await resolveSellers(loadSellers(sellersFile), { defaultEndpoint: opts.endpoint });
      const config = sellers?.[0]?.config ?? (await loadConfigFor(opts.endpoint, opts.config));
      // Queue mode only when asked for: the embedded default needs no Redis.
      const queue =
        opts.queue !== undefined
          ? checkQueueMode({
              redisUrl: typeof opts.queue === 'string' ? opts.queue : process.env['REDIS_URL'],
              dbUrl: opts.db ?? defaultDatabase(),
            })
          : undefined;
      if (queue !== undefined && sellers !== undefined)
        throw new InvalidArgumentError(
          'give --queue or --sellers, not both: queue mode serves one seller per deployment (its --seller) for now',
        );
      const api = await startApi({
        config,
        sellers,
        nightly: {
          schedules:
            sellers === undefined
              ? schedules(
                  opts,
                  config.stores.map((s) => s.storeId),
                )
              : sellerSchedules(opts, sellers),
          days: opts.nightlyDays,
        },
        endpoint: opts.endpoint,
        marketplaceId: opts.marketplace,
        db: opts.db ?? defaultDatabase(),
        configFile: opts.config,
        connection: {
          ...(opts.rateLimits !== undefined ? { rateLimits: opts.rateLimits } : {}),
          ...(opts.credentials !== undefined ? { credentials: opts.credentials } : {}),
        },
        // A key file the user names must exist: a typo must not put a new key in front of the store.
        ...(opts.keyFile !== undefined
          ? { storeOptions: { keyFile: opts.keyFile, requireKeyFile: true } }
          : {}),
        ...(opts.solverThreads !== undefined ? { solverThreads: opts.solverThreads } : {}),
        osrmUrl: opts.osrm,
        ...(queue !== undefined
          ? { queue: { redisUrl: queue.redisUrl, prefix: opts.prefix, sellerId: opts.seller } }
          : {}),
        port: opts.port,
        host: opts.host,
        tlsCertFile: opts.tlsCert,
        tlsKeyFile: opts.tlsKey,
        server: {
          corsOrigins: opts.corsOrigin ?? [],
          rateLimit: { max: opts.rateLimit, timeWindowMs: 60_000 },
          logRequests: true,
        },
      });
      console.log(`fieldplan API at ${api.url} (OpenAPI at ${api.url}/docs, health at ${api.url}/health)`);
      if (sellers !== undefined)
        console.log(`serving ${sellers.length} sellers: ${sellers.map((s) => s.id).join(', ')}`);
      for (const n of api.scheduler?.next() ?? [])
        console.log(
          `nightly plan of ${sellers === undefined ? '' : `${n.sellerId}/`}${n.storeId} next at ${n.at ?? 'never'}`,
        );
      const stop = async (): Promise<void> => {
        await api.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    } catch (err) {
      console.error(`error: ${describeError(err)}`);
      process.exitCode = 1;
    }
  });
}
