/**
 * Starts the API: context (store, Services client, solver pool), server, listening socket,
 * and the nightly scheduler. Used by `fieldplan serve`, the tests and the benchmarks.
 */
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { createSellersContext } from './tenancy.ts';
import { createApiContext, type ApiContext, type CreateContextOptions } from './context.ts';
import { NightlyScheduler, type SchedulerOptions } from './scheduler.ts';
import { buildServer, type ServerOptions } from './server.ts';
import { upsertQueuedNights } from '../src/queue/nightly.ts';

export interface StartApiOptions extends CreateContextOptions {
  port?: number;
  host?: string;
  tlsCertFile?: string | undefined;
  tlsKeyFile?: string | undefined;
  server?: Omit<ServerOptions, 'tls'>;
  /** Nightly plans per store (cron in the store's zone); none by default. */
  nightly?: SchedulerOptions | undefined;
  /**
   * Once listening, pull the stores' service jobs and check the crews config's resources ahead of
   * the first run (`Planner.readAhead`); one seller served in process only. Off by default.
   */
  readAhead?: boolean | undefined;
}

export interface RunningApi {
  url: string;
  app: FastifyInstance;
  ctx: ApiContext;
  scheduler: NightlyScheduler | undefined;
  close(): Promise<void>;
}

export async function startApi(options: StartApiOptions): Promise<RunningApi> {
  if ((options.tlsCertFile === undefined) !== (options.tlsKeyFile === undefined)) {
    throw new Error('give both --tls-cert and --tls-key, or neither');
  }
  const tls =
    options.tlsCertFile !== undefined && options.tlsKeyFile !== undefined
      ? { cert: await readFile(options.tlsCertFile), key: await readFile(options.tlsKeyFile) }
      : undefined;
  // Several sellers (a sellers file): a context per seller behind one router context.
  const ctx =
    options.sellers !== undefined
      ? await createSellersContext({ ...options, sellers: options.sellers })
      : await createApiContext(options);
  let app: FastifyInstance | undefined;
  try {
    const nightly =
      options.nightly !== undefined && options.nightly.schedules.length > 0 ? options.nightly : undefined;
    // Queue mode: BullMQ job schedulers in Redis fire the nights (once, whatever number of servers).
    const scheduler =
      nightly !== undefined && ctx.queue === undefined ? new NightlyScheduler(ctx, nightly) : undefined;
    if (nightly !== undefined && ctx.queue !== undefined) await upsertQueuedNights(ctx, nightly);
    app = await buildServer(ctx, { ...options.server, ...(tls !== undefined ? { tls } : {}) });
    const address = await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
    const url = address.replace('[::1]', '127.0.0.1');
    const running = app;
    scheduler?.start();
    // Listening: now the solver's first worker thread may load, ahead of the first plan.
    void ctx.solver.warm();
    // The first run of the day then reads only what changed (queue mode: the workers run the plans).
    if (options.readAhead === true && ctx.tenants === undefined && ctx.queue === undefined)
      void ctx.planner.readAhead();
    return {
      url,
      app: running,
      ctx,
      scheduler,
      async close() {
        scheduler?.stop();
        await running.close();
        await ctx.close();
      },
    };
  } catch (err) {
    await app?.close();
    await ctx.close();
    throw err;
  }
}
