/**
 * `fieldplan serve`: the HTTP API (see api/). Tokens come from `fieldplan token create`.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { startApi } from '../../api/start.ts';
import { apiAddresses } from '../../api/routes/root.ts';
import { addConnectionOptions, defaultDatabase, describeError, loadConfigFor } from './plan.ts';
import type { RateLimitPlan } from '../spapi/index.ts';
import { integerArg, portArg } from './arg-parsers.ts';
import { keyFileHelp } from './store-options.ts';
import { stopOnSignals } from './program-setup.ts';
import { loadSellers, resolveSellers, sellersFileFrom, type ResolvedSeller } from '../tenants/sellers.ts';
import { DEFAULT_QUEUE_PREFIX, DEFAULT_SELLER_ID } from '../queue/jobs.ts';
import { checkQueueMode } from '../queue/mode.ts';

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

/** One origin, or several separated by commas (as FIELDPLAN_CORS_ORIGIN gives them). */
function originArg(value: string, previous: string[] | undefined): string[] {
  const origins = value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  if (origins.length === 0)
    throw new InvalidArgumentError(`expected an origin like https://dispatch.example.com; got "${value}"`);
  return origins.reduce<string[]>((list, v) => {
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      throw new InvalidArgumentError(`expected an origin like https://dispatch.example.com; got ${v}`);
    }
    if (url.origin !== v.replace(/\/$/, ''))
      throw new InvalidArgumentError(`expected an origin (scheme, host, port) without a path; got ${v}`);
    return [...list, url.origin];
  }, previous ?? []);
}

/** One `<storeId>=<cron>`, or several separated by semicolons (as FIELDPLAN_NIGHTLY_STORE gives them). */
function storeCron(value: string, previous: string[] | undefined): string[] {
  const entries = value
    .split(';')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  for (const v of entries.length > 0 ? entries : [value])
    if (!/^[^=\s]+=.+$/.test(v))
      throw new InvalidArgumentError(`expected <storeId>=<cron>, e.g. STORE-1="0 22 * * 1-5"; got ${v}`);
  return [...(previous ?? []), ...entries];
}

/**
 * The environment variable of each `serve` option (12-factor configuration; a flag wins over
 * its variable). --db, --key-file and --credentials have theirs where the store and the
 * Services client read them: DATABASE_URL, FIELDPLAN_DATA_KEY_FILE, SPAPI_CONFIG_FILE.
 * docs/operations.md lists them all in one table.
 */
export const SERVE_ENV: Readonly<Record<string, string>> = {
  '--port': 'FIELDPLAN_PORT',
  '--host': 'FIELDPLAN_HOST',
  '--config': 'FIELDPLAN_CONFIG',
  '--tls-cert': 'FIELDPLAN_TLS_CERT',
  '--tls-key': 'FIELDPLAN_TLS_KEY',
  '--cors-origin': 'FIELDPLAN_CORS_ORIGIN',
  '--rate-limit': 'FIELDPLAN_RATE_LIMIT',
  '--solver-threads': 'FIELDPLAN_SOLVER_THREADS',
  '--osrm': 'FIELDPLAN_OSRM_URL',
  '--nightly': 'FIELDPLAN_NIGHTLY',
  '--nightly-store': 'FIELDPLAN_NIGHTLY_STORE',
  '--nightly-days': 'FIELDPLAN_NIGHTLY_DAYS',
  '--endpoint': 'FIELDPLAN_ENDPOINT',
  '--marketplace': 'FIELDPLAN_MARKETPLACE',
  '--rate-limits': 'FIELDPLAN_RATE_LIMITS',
  '--prefix': 'FIELDPLAN_QUEUE_PREFIX',
  '--seller': 'FIELDPLAN_SELLER',
};

/** Options whose variable is read by the part of the engine that uses the value. */
export const SERVE_ENV_ELSEWHERE: Readonly<Record<string, string>> = {
  '--db': 'DATABASE_URL',
  '--key-file': 'FIELDPLAN_DATA_KEY_FILE',
  '--credentials': 'SPAPI_CONFIG_FILE',
  '--sellers': 'FIELDPLAN_SELLERS_FILE',
  '--queue': 'REDIS_URL',
};

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

/** The serve command's own options, each also read from its environment variable. */
function addServeOptions(cmd: Command): void {
  // Every option also from its environment variable (SERVE_ENV); a flag wins over it.
  const add = (option: Option): void => {
    const name = option.long !== undefined ? SERVE_ENV[option.long] : undefined;
    cmd.addOption(name !== undefined ? option.env(name) : option);
  };
  add(new Option('--port <n>', 'TCP port').argParser(portArg()).default(8080));
  add(new Option('--host <address>', 'address to listen on').default('127.0.0.1'));
  add(new Option('--config <file>', 'crews and planning config (YAML or JSON)'));
  add(
    new Option(
      '--sellers <file>',
      'serve several sellers (see docs/tenants.md; default: FIELDPLAN_SELLERS_FILE, else one seller)',
    ),
  );
  add(new Option('--key-file <path>', keyFileHelp));
  add(new Option('--tls-cert <file>', 'PEM certificate: serve HTTPS (TLS 1.2 or newer)'));
  add(new Option('--tls-key <file>', 'PEM private key for --tls-cert'));
  add(
    new Option(
      '--cors-origin <origin>',
      'allow this browser origin (repeatable, or comma-separated; default: none)',
    ).argParser(originArg),
  );
  add(
    new Option('--rate-limit <n>', 'requests per minute per token (per address without one)')
      .argParser(integerArg({ min: 1 }))
      .default(600),
  );
  add(
    new Option('--solver-threads <n>', 'solver worker threads (default: cores − 1, at least 2)').argParser(
      integerArg({ min: 1, max: 64 }),
    ),
  );
  add(new Option('--osrm <url>', 'OSRM server for travel times (default: great-circle distance)'));
  add(
    new Option(
      '--nightly <cron>',
      'run every store\'s nightly plan (applied) at this cron time in the store\'s zone, e.g. "0 22 * * 0-4"',
    ),
  );
  add(
    new Option(
      '--nightly-store <store=cron>',
      'a nightly time for one store (repeatable, or separated by ";"; wins over --nightly)',
    ).argParser(storeCron),
  );
  add(
    new Option('--nightly-days <n>', 'days each nightly plan covers, from the next local day')
      .argParser(integerArg({ min: 1, max: 14 }))
      .default(1),
  );
  add(
    new Option(
      '--queue [redis-url]',
      'queue mode: runs go to `fieldplan worker` processes over Redis (URL, or REDIS_URL when none is given); needs PostgreSQL',
    ),
  );
  add(
    new Option('--prefix <name>', 'Redis key prefix of this deployment (queue mode)').default(
      DEFAULT_QUEUE_PREFIX,
    ),
  );
  add(
    new Option(
      '--seller <id>',
      'seller the queued partitions are for (queue mode without --sellers)',
    ).default(DEFAULT_SELLER_ID),
  );
}

/** Starts the API as the options say and prints where it listens; stops it on a signal. */
async function serve(opts: ServeOptions): Promise<void> {
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
  if (sellers !== undefined && opts.seller !== DEFAULT_SELLER_ID)
    throw new InvalidArgumentError(
      'give --sellers or --seller, not both: with a sellers file every request names its seller through its token',
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
    ...(opts.keyFile !== undefined ? { storeOptions: { keyFile: opts.keyFile, requireKeyFile: true } } : {}),
    ...(opts.solverThreads !== undefined ? { solverThreads: opts.solverThreads } : {}),
    // The first optimize-today of the day then pulls only what changed.
    readAhead: true,
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
  const at = apiAddresses(api.url);
  console.log(`fieldplan API at ${api.url}`);
  console.log(`  dispatch board  ${at.board}`);
  console.log(`  API docs        ${at.docs}`);
  console.log(`  health          ${at.health}`);
  if (sellers !== undefined)
    console.log(`serving ${sellers.length} sellers: ${sellers.map((s) => s.id).join(', ')}`);
  for (const n of api.scheduler?.next() ?? [])
    console.log(
      `nightly plan of ${sellers === undefined ? '' : `${n.sellerId}/`}${n.storeId} next at ${n.at ?? 'never'}`,
    );
  stopOnSignals(() => api.close());
}

export function registerServeCommand(program: Command): void {
  const cmd = program
    .command('serve')
    .description('Serve the HTTP API (plans, optimize-today, solve, board, capacity, what-if, KPIs)');
  addServeOptions(cmd);
  addConnectionOptions(cmd, SERVE_ENV);
  cmd.action(async (opts: ServeOptions) => {
    try {
      await serve(opts);
    } catch (err) {
      console.error(`error: ${describeError(err)}`);
      process.exitCode = 1;
    }
  });
}
