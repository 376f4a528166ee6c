/**
 * Starts a queue worker process's parts: the context of each seller it serves (crews config,
 * marketplace, credentials, its view of the PostgreSQL store under its data key, a Services
 * client whose rate limiters are the seller's buckets in Redis; one solver pool), the
 * producer (a nightly firing adds a partition) and the BullMQ worker, which runs each
 * partition under the context of the seller the partition carries.
 */
import type { Logger } from 'pino';
import {
  createApiContext,
  createLogger,
  type ApiContext,
  type CreateContextOptions,
} from '../../api/context.ts';
import { createSellersContext } from '../../api/tenancy.ts';
import { checkQueueMode, QueueClient, redisConnection } from './client.ts';
import { DEFAULT_QUEUE_PREFIX, DEFAULT_SELLER_ID, type RetryPolicy } from './jobs.ts';
import { RedisRateLimiterRegistry } from './rate-limit.ts';
import { PartitionWorker } from './worker.ts';

export interface StartWorkerOptions extends Omit<CreateContextOptions, 'queue'> {
  redisUrl: string;
  prefix?: string | undefined;
  /** The one seller of a worker without `sellers` (default `default`). */
  sellerId?: string | undefined;
  concurrency?: number | undefined;
  retry?: RetryPolicy | undefined;
  lockDurationMs?: number | undefined;
  stalledIntervalMs?: number | undefined;
  maxStalledCount?: number | undefined;
}

export interface RunningWorker {
  /** The context of the worker's one seller, or of its first seller with `sellers`. */
  ctx: ApiContext;
  /** Every seller's context, by seller id. */
  sellers: ReadonlyMap<string, ApiContext>;
  client: QueueClient;
  worker: PartitionWorker;
  close(): Promise<void>;
}

export async function startQueueWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const { redisUrl } = checkQueueMode({ redisUrl: options.redisUrl, dbUrl: options.db });
  const prefix = options.prefix ?? DEFAULT_QUEUE_PREFIX;
  const sellerId = options.sellerId ?? DEFAULT_SELLER_ID;
  const logger: Logger = options.logger ?? createLogger();
  const client = await QueueClient.open({
    redisUrl,
    dbUrl: options.db,
    schema: options.storeOptions?.schema,
    prefix,
    sellerId,
    retry: options.retry,
  });
  const limiterRedis = redisConnection(redisUrl);
  limiterRedis.on('error', () => undefined);
  const registries: RedisRateLimiterRegistry[] = [];
  const limitersOf = (id: string): RedisRateLimiterRegistry => {
    const r = new RedisRateLimiterRegistry(limiterRedis, prefix, id);
    registries.push(r);
    return r;
  };
  let ctx: ApiContext;
  let sellers: Map<string, ApiContext>;
  try {
    if (options.sellers !== undefined) {
      // Each seller's Services client takes its tokens from that seller's buckets.
      ctx = await createSellersContext({
        ...options,
        sellers: options.sellers,
        logger,
        sellerConnection: (id) => ({ rateLimiters: limitersOf(id) }),
      });
      const directory = ctx.tenants!;
      sellers = new Map(directory.sellerIds.map((id) => [id, directory.get(id)!]));
    } else {
      ctx = await createApiContext({
        ...options,
        logger,
        connection: { ...options.connection, rateLimiters: limitersOf(sellerId) },
      });
      sellers = new Map([[sellerId, ctx]]);
    }
  } catch (err) {
    await client.close();
    limiterRedis.disconnect();
    throw err;
  }
  const connection = redisConnection(redisUrl, true);
  connection.on('error', () => undefined);
  const worker = new PartitionWorker({
    client,
    connection,
    sellers,
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.lockDurationMs !== undefined ? { lockDurationMs: options.lockDurationMs } : {}),
    ...(options.stalledIntervalMs !== undefined ? { stalledIntervalMs: options.stalledIntervalMs } : {}),
    ...(options.maxStalledCount !== undefined ? { maxStalledCount: options.maxStalledCount } : {}),
    logger,
  });
  worker.run();
  const first = options.sellers !== undefined ? sellers.get(options.sellers[0]!.id)! : ctx;
  return {
    ctx: first,
    sellers,
    client,
    worker,
    async close() {
      await worker.close();
      connection.disconnect();
      await ctx.close();
      for (const r of registries) await r.clear();
      limiterRedis.disconnect();
      await client.close();
    },
  };
}
