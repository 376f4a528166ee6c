/**
 * Nightly scheduling in queue mode: one BullMQ job scheduler per seller and store, firing at
 * the store's cron time in the store's own time zone. Schedulers live in Redis under an id
 * of seller and store, so every server upserting them at start leaves one; each firing is a
 * `nightly` job that a worker turns into the store's plan partition for the next local day,
 * under an id of seller, store and date, so the night is planned once.
 */
import type { ApiContext } from '../../api/context.ts';
import type { SchedulerOptions } from '../../api/scheduler.ts';
import { ScheduleError } from '../../api/scheduler.ts';

export async function upsertQueuedNights(
  ctx: ApiContext,
  options: SchedulerOptions,
): Promise<{ storeId: string; next: string | null }[]> {
  const queue = ctx.queue;
  if (queue === undefined) throw new ScheduleError('queued nightly schedules need queue mode');
  const schedules = options.schedules.map((s) => {
    const store = ctx.config.stores.find((x) => x.storeId === s.storeId);
    if (store === undefined)
      throw new ScheduleError(`nightly schedule for ${s.storeId}: not a store of the crews config`);
    return { storeId: s.storeId, cron: s.cron, timeZone: store.timeZone };
  });
  try {
    return await queue.upsertNightlySchedules(schedules, {
      days: options.days ?? 1,
      solverSeconds: options.solverSeconds,
    });
  } catch (err) {
    throw new ScheduleError(`nightly schedules: ${(err as Error).message}`);
  }
}
