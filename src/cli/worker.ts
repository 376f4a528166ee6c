/**
 * `fieldplan worker --queue <redis-url>` and `fieldplan queue status|retry|drain`: queue
 * mode's worker process and its operations from the command line.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { QueueClient } from '../queue/client.ts';
import { DEFAULT_QUEUE_PREFIX, DEFAULT_SELLER_ID } from '../queue/jobs.ts';
import { checkQueueMode } from '../queue/mode.ts';
import type { RateLimitPlan } from '../spapi/index.ts';
import { integerArg } from './arg-parsers.ts';
import { addConnectionOptions, defaultDatabase, describeError, loadConfigFor } from './plan.ts';
import { keyFileHelp } from './store-options.ts';
import { loadSellers, resolveSellers, sellersFileFrom } from '../tenants/sellers.ts';
import { stopOnSignals } from './program-setup.ts';

interface WorkerCliOptions {
  queue?: string;
  concurrency: number;
  prefix: string;
  seller: string;
  endpoint: string;
  marketplace: string;
  db?: string;
  keyFile?: string;
  config?: string;
  sellers?: string;
  solverThreads?: number;
  osrm?: string;
  rateLimits?: RateLimitPlan;
  credentials?: string;
}

export const queueOptionHelp = 'Redis URL of the partition queue (default: REDIS_URL)';

export function addQueueOptions(cmd: Command): Command {
  return cmd
    .option('--prefix <name>', 'Redis key prefix of this deployment', DEFAULT_QUEUE_PREFIX)
    .option('--seller <id>', 'seller the partitions are for', DEFAULT_SELLER_ID);
}

export function registerWorkerCommand(program: Command): void {
  const cmd = program
    .command('worker')
    .description(
      'Run queued partitions (plans, nightly runs, what-if days, capacity publications) from Redis',
    )
    .option('--queue <redis-url>', queueOptionHelp)
    .option('--concurrency <n>', 'partitions run at once by this worker', integerArg({ min: 1, max: 64 }), 1)
    .option('--config <file>', 'crews and planning config (YAML or JSON)')
    .option(
      '--sellers <file>',
      "run every seller's partitions of this sellers file, each under its own credentials, marketplace, crews config and data key (default: FIELDPLAN_SELLERS_FILE)",
    )
    .option('--key-file <path>', keyFileHelp)
    .option(
      '--solver-threads <n>',
      'solver worker threads (default: cores − 1, at least 2)',
      integerArg({ min: 1, max: 64 }),
    )
    .option('--osrm <url>', 'OSRM server for travel times (default: great-circle distance)');
  addQueueOptions(cmd);
  addConnectionOptions(cmd);
  cmd.action(async (opts: WorkerCliOptions) => {
    try {
      const { redisUrl, dbUrl } = checkQueueMode({
        redisUrl: opts.queue ?? process.env['REDIS_URL'],
        dbUrl: opts.db ?? defaultDatabase(),
      });
      const sellersFile = sellersFileFrom(opts.sellers);
      if (sellersFile !== undefined && (opts.config !== undefined || opts.credentials !== undefined))
        throw new InvalidArgumentError(
          'give --sellers or --config and --credentials, not both: each seller names its crews config and credentials in the sellers file',
        );
      if (sellersFile !== undefined && opts.seller !== DEFAULT_SELLER_ID)
        throw new InvalidArgumentError(
          'give --sellers or --seller, not both: with a sellers file the worker runs every seller of the file',
        );
      const sellers =
        sellersFile === undefined
          ? undefined
          : await resolveSellers(loadSellers(sellersFile), { defaultEndpoint: opts.endpoint });
      const config = sellers?.[0]?.config ?? (await loadConfigFor(opts.endpoint, opts.config));
      // The queue libraries load only for the commands that use them.
      const { startQueueWorker } = await import('../queue/start-worker.ts');
      const running = await startQueueWorker({
        redisUrl,
        prefix: opts.prefix,
        sellerId: opts.seller,
        sellers,
        concurrency: opts.concurrency,
        config,
        endpoint: opts.endpoint,
        marketplaceId: opts.marketplace,
        db: dbUrl,
        configFile: opts.config,
        connection: {
          ...(opts.rateLimits !== undefined ? { rateLimits: opts.rateLimits } : {}),
          ...(opts.credentials !== undefined ? { credentials: opts.credentials } : {}),
        },
        ...(opts.keyFile !== undefined
          ? { storeOptions: { keyFile: opts.keyFile, requireKeyFile: true } }
          : {}),
        ...(opts.solverThreads !== undefined ? { solverThreads: opts.solverThreads } : {}),
        osrmUrl: opts.osrm,
        ...(process.env['FIELDPLAN_QUEUE_LOCK_MS'] !== undefined
          ? { lockDurationMs: Number(process.env['FIELDPLAN_QUEUE_LOCK_MS']) }
          : {}),
        ...(process.env['FIELDPLAN_QUEUE_STALLED_MS'] !== undefined
          ? { stalledIntervalMs: Number(process.env['FIELDPLAN_QUEUE_STALLED_MS']) }
          : {}),
      });
      const serving =
        sellers === undefined ? `seller ${opts.seller}` : `sellers ${sellers.map((s) => s.id).join(', ')}`;
      console.log(
        `fieldplan worker ${process.pid} for ${serving}: ${opts.concurrency} partition(s) at a time`,
      );
      stopOnSignals(() => running.close());
    } catch (err) {
      console.error(`error: ${describeError(err)}`);
      process.exitCode = 1;
    }
  });
}

interface QueueCliOptions {
  queue?: string;
  db?: string;
  prefix: string;
  seller: string;
  json?: boolean;
}

async function withClient<T>(opts: QueueCliOptions, fn: (c: QueueClient) => Promise<T>): Promise<T> {
  const { redisUrl, dbUrl } = checkQueueMode({
    redisUrl: opts.queue ?? process.env['REDIS_URL'],
    dbUrl: opts.db ?? defaultDatabase(),
  });
  const { QueueClient } = await import('../queue/client.ts');
  const client = await QueueClient.open({ redisUrl, dbUrl, prefix: opts.prefix, sellerId: opts.seller });
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

export function registerQueueCommand(program: Command): void {
  const queue = program.command('queue').description('Queue mode: depths, retry failed partitions, drain');
  const common = (c: Command): Command =>
    addQueueOptions(
      c
        .option('--queue <redis-url>', queueOptionHelp)
        .option('--db <target>', 'postgres:// URL of the shared store (default: DATABASE_URL)'),
    );
  const run =
    (fn: (c: QueueClient, opts: QueueCliOptions) => Promise<void>) => async (opts: QueueCliOptions) => {
      try {
        await withClient(opts, (c) => fn(c, opts));
      } catch (err) {
        console.error(`error: ${describeError(err)}`);
        process.exitCode = 1;
      }
    };
  common(queue.command('status').description('Jobs by state and partitions by seller and status'))
    .option('--json', 'print JSON')
    .action(
      run(async (c, opts) => {
        const depths = await c.depths();
        const partitions = await c.state.counts();
        if (opts.json === true) {
          console.log(JSON.stringify({ jobs: depths, partitions }, null, 2));
          return;
        }
        console.log('jobs:');
        for (const [state, n] of Object.entries(depths)) console.log(`  ${state.padEnd(17)} ${n}`);
        console.log('partitions (seller, status, count, retried):');
        for (const p of partitions)
          console.log(`  ${p.sellerId}  ${p.status.padEnd(9)} ${p.n}  ${p.retried}`);
      }),
    );
  common(queue.command('retry').description('Queue every failed partition again')).action(
    run(async (c) => {
      console.log(`${await c.retryFailed()} failed partition(s) queued again`);
    }),
  );
  common(
    queue
      .command('drain')
      .description('Remove waiting and delayed partitions (active ones finish; schedulers stay)'),
  ).action(
    run(async (c) => {
      console.log(`${await c.drain()} waiting partition(s) removed`);
    }),
  );
}
