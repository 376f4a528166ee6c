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
): Promise<{ sellerId: string; storeId: string; next: string | null }[]> {
  const queue = ctx.queue;
  if (queue === undefined) throw new ScheduleError('queued nightly schedules need queue mode');
  // A server of several sellers: each schedule is its seller's, checked against its crews config.
  const bySeller = new Map<string, { storeId: string; cron: string; timeZone: string }[]>();
  for (const s of options.schedules) {
    const sellerId = s.sellerId ?? (ctx.tenants === undefined ? queue.sellerId : undefined);
    const seller =
      sellerId === undefined ? undefined : ctx.tenants === undefined ? ctx : ctx.tenants.get(sellerId);
    if (sellerId === undefined || seller === undefined)
      throw new ScheduleError(
        `nightly schedule for ${s.storeId}: ${sellerId === undefined ? 'name its seller' : `no seller ${sellerId} is served`}`,
      );
    const store = seller.config.stores.find((x) => x.storeId === s.storeId);
    if (store === undefined)
      throw new ScheduleError(
        `nightly schedule for ${s.storeId}: not a store of ${ctx.tenants === undefined ? 'the' : `seller ${sellerId}'s`} crews config`,
      );
    bySeller.set(sellerId, [
      ...(bySeller.get(sellerId) ?? []),
      { storeId: s.storeId, cron: s.cron, timeZone: store.timeZone },
    ]);
  }
  const out: { sellerId: string; storeId: string; next: string | null }[] = [];
  try {
    for (const [sellerId, schedules] of bySeller) {
      const next = await queue.upsertNightlySchedules(
        schedules,
        { days: options.days ?? 1, solverSeconds: options.solverSeconds },
        sellerId,
      );
      out.push(...next.map((n) => ({ sellerId, ...n })));
    }
    return out;
  } catch (err) {
    throw new ScheduleError(`nightly schedules: ${(err as Error).message}`);
  }
}
