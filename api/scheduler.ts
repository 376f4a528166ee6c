/**
 * Nightly scheduling in `serve`: each store's plan starts at a cron time in the store's own
 * time zone (croner) and plans the store's next local day(s), applied. Several servers may
 * share one database: before starting, a server takes the lock `nightly:<store>:<date>` in
 * the store and keeps it (it is never released, only left to expire long after), so the
 * same store's plan for a date runs once, whichever server fires first.
 */
import { hostname } from 'node:os';
import { Cron } from 'croner';
import { DateTime } from 'luxon';
import type { ApiContext } from './context.ts';

export interface NightlySchedule {
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
      const store = ctx.config.stores.find((x) => x.storeId === s.storeId);
      if (store === undefined)
        throw new ScheduleError(`nightly schedule for ${s.storeId}: not a store of the crews config`);
      try {
        // Validate now (paused), start later.
        new Cron(s.cron, { timezone: store.timeZone, paused: true }).stop();
      } catch (err) {
        throw new ScheduleError(`nightly schedule for ${s.storeId}: ${(err as Error).message}`);
      }
    }
  }

  start(): void {
    for (const s of this.options.schedules) {
      const zone = this.ctx.config.stores.find((x) => x.storeId === s.storeId)!.timeZone;
      this.#jobs.push(
        new Cron(s.cron, { timezone: zone, protect: true }, () => {
          void this.fire(s.storeId).catch((err: unknown) =>
            this.ctx.logger.error({ storeId: s.storeId, err }, 'nightly plan could not start'),
          );
        }),
      );
    }
  }

  /** When each store's plan runs next (ISO instants). */
  next(): { storeId: string; at: string | null }[] {
    return this.options.schedules.map((s, i) => ({
      storeId: s.storeId,
      at: this.#jobs[i]?.nextRun()?.toISOString() ?? null,
    }));
  }

  /**
   * Starts the store's nightly plan unless another server (or an earlier firing) already
   * did for that date. Returns the plan id, or undefined when it was already taken.
   */
  async fire(storeId: string): Promise<string | undefined> {
    const store = this.ctx.config.stores.find((x) => x.storeId === storeId)!;
    const date = DateTime.fromJSDate(this.ctx.clock(), { zone: store.timeZone })
      .plus({ days: 1 })
      .toISODate()!;
    // The lock is ours again on a second firing (a renewal): remember what this server started.
    const key = `${storeId}:${date}`;
    if (this.#started.has(key)) return undefined;
    this.#started.add(key);
    const lock = await this.ctx.store.locks.tryAcquire(
      `nightly:${storeId}:${date}`,
      this.#holder,
      NIGHTLY_LOCK_TTL_MS,
    );
    if (!lock.acquired) {
      this.ctx.logger.info({ storeId, date, heldBy: lock.heldBy }, 'nightly plan already started elsewhere');
      return undefined;
    }
    const state = this.ctx.planner.start({
      kind: 'nightly',
      date,
      days: this.options.days ?? 1,
      storeIds: [storeId],
      apply: true,
      solverSeconds: this.options.solverSeconds,
      actor: 'nightly',
    });
    this.ctx.logger.info({ storeId, date, planId: state.planId }, 'nightly plan started');
    return state.planId;
  }

  stop(): void {
    for (const j of this.#jobs) j.stop();
    this.#jobs.length = 0;
  }
}
