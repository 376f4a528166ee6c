/**
 * Named leases in the database, so that two engine processes (two API servers, a server and
 * a cron run) never plan the same store at once. Acquire is one atomic upsert on both
 * dialects: insert the lock, or take it over only if it has expired or is already ours.
 * Concurrent acquirers serialise on the row (PostgreSQL's ON CONFLICT row lock, SQLite's
 * single writer), so exactly one wins.
 *
 * Expiry uses the engine's clock: keep hosts NTP-synchronised and the TTL well above both
 * clock skew and the time between renewals. `generation` is a fencing token: it increases
 * whenever the lock changes hands, so a holder that stalled past its TTL can tell.
 */
import type { Kysely } from 'kysely';
import { isoTimestamp, readTimestamp } from './column-values.ts';
import type { Database } from './database.ts';
import { DEFAULT_SELLER_ID } from '../tenants/seller-id.ts';

export type LockAttempt =
  | { acquired: true; name: string; holder: string; generation: number; expiresAt: string }
  | { acquired: false; name: string; heldBy: string; expiresAt: string };

export interface LockState {
  name: string;
  holder: string;
  generation: number;
  acquiredAt: string;
  expiresAt: string;
}

export class Locks {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: () => Date,
    private readonly sellerId: string = DEFAULT_SELLER_ID,
  ) {}

  /** The implicit seller's locks keep their names; another seller's are prefixed, so sellers never contend. */
  #row(name: string): string {
    return this.sellerId === DEFAULT_SELLER_ID ? name : `seller:${this.sellerId}/${name}`;
  }

  /** Acquires the lock, or renews it when `holder` already has it. */
  async tryAcquire(name: string, holder: string, ttlMs: number): Promise<LockAttempt> {
    const rowName = this.#row(name);
    if (!Number.isFinite(ttlMs) || ttlMs <= 0)
      throw new RangeError('lock TTL must be a positive number of ms');
    const nowDate = this.clock();
    const now = isoTimestamp(nowDate);
    const expiresAt = isoTimestamp(new Date(nowDate.getTime() + ttlMs));
    const row = await this.db
      .insertInto('locks')
      .values({
        name: rowName,
        seller_id: this.sellerId,
        holder,
        generation: 1,
        acquired_at: now,
        expires_at: expiresAt,
      })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet((eb) => ({
            holder: eb.ref('excluded.holder'),
            expires_at: eb.ref('excluded.expires_at'),
            // A renewal keeps the generation; any takeover (or re-acquire after expiry) bumps it.
            generation: eb
              .case()
              .when(eb.and([eb('locks.holder', '=', holder), eb('locks.expires_at', '>', now)]))
              .then(eb.ref('locks.generation'))
              .else(eb('locks.generation', '+', 1))
              .end(),
            acquired_at: eb
              .case()
              .when(eb.and([eb('locks.holder', '=', holder), eb('locks.expires_at', '>', now)]))
              .then(eb.ref('locks.acquired_at'))
              .else(eb.ref('excluded.acquired_at'))
              .end(),
          }))
          .where((eb) => eb.or([eb('locks.expires_at', '<=', now), eb('locks.holder', '=', holder)])),
      )
      .returning(['holder', 'generation', 'expires_at'])
      .executeTakeFirst();
    if (row !== undefined && row.holder === holder) {
      return {
        acquired: true,
        name,
        holder,
        generation: row.generation,
        expiresAt: readTimestamp(row.expires_at),
      };
    }
    const current = await this.get(name);
    return {
      acquired: false,
      name,
      heldBy: current?.holder ?? 'unknown',
      expiresAt: current?.expiresAt ?? now,
    };
  }

  /**
   * Releases the lock if `holder` still has it; returns whether it did. The row stays
   * (expired) so the generation keeps counting up across holders.
   */
  async release(name: string, holder: string): Promise<boolean> {
    const now = isoTimestamp(this.clock());
    const result = await this.db
      .updateTable('locks')
      .set({ expires_at: now })
      .where('name', '=', this.#row(name))
      .where('holder', '=', holder)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async get(name: string): Promise<LockState | undefined> {
    const row = await this.db
      .selectFrom('locks')
      .selectAll()
      .where('name', '=', this.#row(name))
      .executeTakeFirst();
    return row === undefined
      ? undefined
      : {
          name,
          holder: row.holder,
          generation: row.generation,
          acquiredAt: readTimestamp(row.acquired_at),
          expiresAt: readTimestamp(row.expires_at),
        };
  }
}
