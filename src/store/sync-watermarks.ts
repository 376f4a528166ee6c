/**
 * How far each store's pull has got: the `lastUpdatedAfter` to send on the next
 * getServiceJobs call, per store and marketplace.
 */
import type { Kysely } from 'kysely';
import { isoTimestamp, readTimestamp } from './column-values.ts';
import type { Database } from './database.ts';

export class SyncWatermarks {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: () => Date,
    private readonly sellerId: string,
  ) {}

  async get(storeId: string, marketplaceId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('sync_watermarks')
      .select('last_updated_after')
      .where('seller_id', '=', this.sellerId)
      .where('store_id', '=', storeId)
      .where('marketplace_id', '=', marketplaceId)
      .executeTakeFirst();
    return row === undefined ? undefined : readTimestamp(row.last_updated_after);
  }

  /** Sets the watermark, forwards or backwards (a deliberate re-pull). */
  async set(storeId: string, marketplaceId: string, lastUpdatedAfter: string | Date): Promise<void> {
    await this.#write(storeId, marketplaceId, lastUpdatedAfter, false);
  }

  /**
   * Moves the watermark forward only; an older value (a slow pull finishing after a newer
   * one) leaves it unchanged. Returns the watermark now stored.
   */
  async advance(storeId: string, marketplaceId: string, lastUpdatedAfter: string | Date): Promise<string> {
    await this.#write(storeId, marketplaceId, lastUpdatedAfter, true);
    const now = await this.get(storeId, marketplaceId);
    if (now === undefined) throw new Error('watermark vanished after write');
    return now;
  }

  async #write(
    storeId: string,
    marketplaceId: string,
    value: string | Date,
    forwardOnly: boolean,
  ): Promise<void> {
    const at = isoTimestamp(value);
    const updatedAt = isoTimestamp(this.clock());
    await this.db
      .insertInto('sync_watermarks')
      .values({
        seller_id: this.sellerId,
        store_id: storeId,
        marketplace_id: marketplaceId,
        last_updated_after: at,
        updated_at: updatedAt,
      })
      .onConflict((oc) => {
        const update = oc
          .columns(['seller_id', 'store_id', 'marketplace_id'])
          .doUpdateSet({ last_updated_after: at, updated_at: updatedAt });
        return forwardOnly ? update.where('sync_watermarks.last_updated_after', '<', at) : update;
      })
      .execute();
  }
}
