/**
 * Starts a queue worker process's parts: the seller's context (crews config, PostgreSQL
 * store, Services client whose rate limiters are the seller's buckets in Redis, solver pool),
 * the producer (a nightly firing adds a partition) and the BullMQ worker.
 */
import type { Logger } from 'pino';
import {
  createApiContext,
  createLogger,
  type ApiContext,
  type CreateContextOptions,
} from '../../api/context.ts';
import { checkQueueMode, QueueClient, redisConnection } from './client.ts';
import { DEFAULT_QUEUE_PREFIX, DEFAULT_SELLER_ID, type RetryPolicy } from './jobs.ts';
import { RedisRateLimiterRegistry } from './rate-limit.ts';
import { PartitionWorker } from './worker.ts';

export interface StartWorkerOptions extends Omit<CreateContextOptions, 'queue'> {
  redisUrl: string;
  prefix?: string | undefined;
  sellerId?: string | undefined;
  concurrency?: number | undefined;
  retry?: RetryPolicy | undefined;
  lockDurationMs?: number | undefined;
  stalledIntervalMs?: number | undefined;
  maxStalledCount?: number | undefined;
}

export interface RunningWorker {
  ctx: ApiContext;
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
  const rateLimiters = new RedisRateLimiterRegistry(limiterRedis, prefix, sellerId);
  let ctx: ApiContext;
  try {
    ctx = await createApiContext({
      ...options,
      logger,
      connection: { ...options.connection, rateLimiters },
    });
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
    sellers: new Map([[sellerId, ctx]]),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.lockDurationMs !== undefined ? { lockDurationMs: options.lockDurationMs } : {}),
    ...(options.stalledIntervalMs !== undefined ? { stalledIntervalMs: options.stalledIntervalMs } : {}),
    ...(options.maxStalledCount !== undefined ? { maxStalledCount: options.maxStalledCount } : {}),
    logger,
  });
  worker.run();
  return {
    ctx,
    client,
    worker,
    async close() {
      await worker.close();
      connection.disconnect();
      await ctx.close();
      await rateLimiters.clear();
      limiterRedis.disconnect();
      await client.close();
    },
  };
}
