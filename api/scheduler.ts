/**
 * Nightly scheduling in `serve`: each store's plan starts at a cron time in the store's own
 * time zone (croner) and plans the store's next local day(s), applied. Several servers may
 * share one database: before starting, a server takes the lock `nightly:<store>:<date>` in
 * the store and keeps it (it is never released, only left to expire long after), so the
 * same store's plan for a date runs once, whichever server fires first. On a server of several
 * sellers the schedules are per seller and store: each runs under its seller's context (its
 * crews, Services client and store view), and the lock is the seller's, so the dedup key is
 * seller, store and date.
 */
import { hostname } from 'node:os';
import { Cron } from 'croner';
import { DateTime } from 'luxon';
import type { ApiContext } from './context.ts';

interface NightlySchedule {
  /** The seller whose store this is; default: the server's only seller. */
  sellerId?: string | undefined;
  storeId: string;
  /** Cron expression (5 or 6 fields) in the store's time zone. */
  cron: string;
}

export interface SchedulerOptions {
  schedules: NightlySchedule[];
  /** Days planned from the next local day (default 1). */
  days?: number;
  /** Solver budget per run (default: the config's). */
  solverSeconds?: number;
  /** Who this server is, in the lock (default host:pid). */
  holder?: string;
}

/** The lock outlives any run, so a second server firing later the same night sees it taken. */
const NIGHTLY_LOCK_TTL_MS = 20 * 3_600_000;

export class ScheduleError extends Error {
  override readonly name = 'ScheduleError';
}

export class NightlyScheduler {
  readonly #jobs: Cron[] = [];
  readonly #holder: string;
  readonly #started = new Set<string>();

  constructor(
    private readonly ctx: ApiContext,
    private readonly options: SchedulerOptions,
  ) {
    this.#holder = options.holder ?? `serve:${process.pid}@${hostname()}`;
    for (const s of options.schedules) {
      const seller = this.#sellerOf(s.sellerId);
      const store = seller.config.stores.find((x) => x.storeId === s.storeId);
      if (store === undefined)
        throw new ScheduleError(
          `nightly schedule for ${s.storeId}: not a store of ${s.sellerId === undefined ? 'the' : `seller ${s.sellerId}'s`} crews config`,
        );
      try {
        // Validate now (paused), start later.
        new Cron(s.cron, { timezone: store.timeZone, paused: true }).stop();
      } catch (err) {
        throw new ScheduleError(`nightly schedule for ${s.storeId}: ${(err as Error).message}`);
      }
    }
  }

  /** The context a schedule runs in: the seller's own on a server of several sellers. */
  #sellerOf(sellerId: string | undefined): ApiContext {
    const directory = this.ctx.tenants;
    if (directory === undefined) {
      if (sellerId !== undefined && sellerId !== this.ctx.sellerId)
        throw new ScheduleError(`nightly schedule for seller ${sellerId}: this server serves no such seller`);
      return this.ctx;
    }
    const id = sellerId ?? (directory.sellerIds.length === 1 ? directory.sellerIds[0] : undefined);
    const seller = id === undefined ? undefined : directory.get(id);
    if (seller === undefined)
      throw new ScheduleError(
        sellerId === undefined
          ? 'a nightly schedule on a server of several sellers must name its seller'
          : `nightly schedule for seller ${sellerId}: this server serves no such seller`,
      );
    return seller;
  }

  start(): void {
    for (const s of this.options.schedules) {
      const seller = this.#sellerOf(s.sellerId);
      const zone = seller.config.stores.find((x) => x.storeId === s.storeId)!.timeZone;
      this.#jobs.push(
        new Cron(s.cron, { timezone: zone, protect: true }, () => {
          void this.fire(s.storeId, s.sellerId).catch((err: unknown) =>
            seller.logger.error({ storeId: s.storeId, err }, 'nightly plan could not start'),
          );
        }),
      );
    }
  }

  /** When each store's plan runs next (ISO instants). */
  next(): { sellerId: string; storeId: string; at: string | null }[] {
    return this.options.schedules.map((s, i) => ({
      sellerId: this.#sellerOf(s.sellerId).sellerId,
      storeId: s.storeId,
      at: this.#jobs[i]?.nextRun()?.toISOString() ?? null,
    }));
  }

  /**
   * Starts the store's nightly plan unless another server (or an earlier firing) already
   * did for that date. Returns the plan id, or undefined when it was already taken.
   */
  async fire(storeId: string, sellerId?: string): Promise<string | undefined> {
    const ctx = this.#sellerOf(sellerId);
    const store = ctx.config.stores.find((x) => x.storeId === storeId);
    if (store === undefined)
      throw new ScheduleError(`nightly plan of ${storeId}: not a store of the seller's crews config`);
    const date = DateTime.fromJSDate(ctx.clock(), { zone: store.timeZone }).plus({ days: 1 }).toISODate()!;
    // The lock is ours again on a second firing (a renewal): remember what this server started.
    const key = `${ctx.sellerId}:${storeId}:${date}`;
    if (this.#started.has(key)) return undefined;
    this.#started.add(key);
    // The seller's own lock (its view of the store prefixes the name): dedup per seller, store and date.
    const lock = await ctx.store.locks.tryAcquire(
      `nightly:${storeId}:${date}`,
      this.#holder,
      NIGHTLY_LOCK_TTL_MS,
    );
    if (!lock.acquired) {
      ctx.logger.info({ storeId, date, heldBy: lock.heldBy }, 'nightly plan already started elsewhere');
      return undefined;
    }
    const state = ctx.planner.start({
      kind: 'nightly',
      date,
      days: this.options.days ?? 1,
      storeIds: [storeId],
      apply: true,
      solverSeconds: this.options.solverSeconds,
      actor: 'nightly',
    });
    ctx.logger.info({ storeId, date, planId: state.planId }, 'nightly plan started');
    return state.planId;
  }

  stop(): void {
    for (const j of this.#jobs) j.stop();
    this.#jobs.length = 0;
  }
}
