/**
 * The write-back journal: every call the engine means to make to the Services API, recorded
 * *before* it is sent, then marked with its outcome. A crash between "sent" and "result"
 * leaves the entry `sent`; on resume, `markInDoubt` turns those into `unknown` so they are
 * checked against Amazon before being retried, and nothing is sent twice blindly.
 *
 *   intended ──markSent──▶ sent ──markResult──▶ succeeded | failed | unknown
 *   unknown / failed ──markSent──▶ sent (retry)      unknown ──markResult──▶ (reconciled)
 *
 * The idempotency key is unique: recording the same intent twice returns the first entry.
 */
import type { Kysely, Selectable } from 'kysely';
import type { FieldCipher } from '../privacy/field-cipher.ts';
import {
  isoTimestamp,
  readNullableJson,
  readNullableTimestamp,
  readTimestamp,
  writeJson,
} from './column-values.ts';
import type { Database, WriteBackJournalTable } from './database.ts';
import { assertNoPersonalData } from './personal-data-guard.ts';
import { StoreError } from './store-error.ts';

export type JournalState = 'intended' | 'sent' | 'succeeded' | 'failed' | 'unknown';
const PENDING_STATES: readonly JournalState[] = ['intended', 'sent', 'unknown'];
const SENDABLE_FROM: readonly JournalState[] = ['intended', 'unknown', 'failed'];
const RESOLVABLE_FROM: readonly JournalState[] = ['sent', 'unknown'];

/** Ids an Amazon call returned, and warning codes worth keeping. */
interface JournalResult {
  appointmentId?: string;
  reservationId?: string;
  warningCodes?: string[];
  [id: string]: string | string[] | undefined;
}

export interface JournalIntent {
  planId: string;
  /** The Services operationId, e.g. `assignAppointmentResources`. */
  operation: string;
  idempotencyKey: string;
  serviceJobId?: string;
  appointmentId?: string;
  resourceId?: string;
  reservationId?: string;
  /** The request body when it holds no personal data (checked). */
  requestBody?: unknown;
  /** The request body when it does (an appointment time for a buyer): stored encrypted. */
  personalRequestBody?: unknown;
}

export interface JournalEntry {
  entryId: number;
  planId: string;
  operation: string;
  idempotencyKey: string;
  serviceJobId: string | null;
  appointmentId: string | null;
  resourceId: string | null;
  reservationId: string | null;
  requestBody: unknown;
  /** Decrypted; null when none was given or retention has removed it. */
  personalRequestBody: unknown;
  state: JournalState;
  attempts: number;
  result: JournalResult | null;
  errorCode: string | null;
  intendedAt: string;
  sentAt: string | null;
  resolvedAt: string | null;
}

export interface JournalOutcome {
  state: 'succeeded' | 'failed' | 'unknown';
  result?: JournalResult;
  /** An API error code (`InvalidInput`, `QuotaExceeded`, a 422 code) or a transport code. */
  errorCode?: string;
}

export function journalBodyContext(idempotencyKey: string): string {
  return `write_back_journal.request_body:${idempotencyKey}`;
}

export class WriteBackJournal {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly cipher: FieldCipher,
    private readonly clock: () => Date,
    /** Every read and write is confined to this seller's entries. */
    private readonly sellerId: string,
  ) {}

  /** Records one intended call; returns the existing entry if the key was recorded before. */
  async intend(intent: JournalIntent): Promise<{ entry: JournalEntry; created: boolean }> {
    const [outcome] = await this.intendMany([intent]);
    if (outcome === undefined) throw new Error('intendMany returned no entry');
    return outcome;
  }

  /** Records a whole batch of intended calls atomically, in order. */
  async intendMany(intents: readonly JournalIntent[]): Promise<{ entry: JournalEntry; created: boolean }[]> {
    const now = isoTimestamp(this.clock());
    for (const intent of intents) {
      if (intent.requestBody !== undefined) {
        assertNoPersonalData(
          intent.requestBody,
          `journal ${intent.operation} ${intent.idempotencyKey} request body`,
        );
      }
    }
    const keys: { key: string; created: boolean }[] = [];
    await this.db.transaction().execute(async (trx) => {
      for (const intent of intents) {
        const inserted = await trx
          .insertInto('write_back_journal')
          .values({
            seller_id: this.sellerId,
            plan_id: intent.planId,
            operation: intent.operation,
            idempotency_key: intent.idempotencyKey,
            service_job_id: intent.serviceJobId ?? null,
            appointment_id: intent.appointmentId ?? null,
            resource_id: intent.resourceId ?? null,
            reservation_id: intent.reservationId ?? null,
            request_body: intent.requestBody === undefined ? null : writeJson(intent.requestBody),
            request_body_encrypted:
              intent.personalRequestBody === undefined
                ? null
                : this.cipher.sealJson(intent.personalRequestBody, journalBodyContext(intent.idempotencyKey)),
            state: 'intended',
            attempts: 0,
            result: null,
            error_code: null,
            intended_at: now,
            sent_at: null,
            resolved_at: null,
          })
          .onConflict((oc) => oc.column('idempotency_key').doNothing())
          .returning('entry_id')
          .executeTakeFirst();
        keys.push({ key: intent.idempotencyKey, created: inserted !== undefined });
      }
    });
    const out: { entry: JournalEntry; created: boolean }[] = [];
    for (const { key, created } of keys) {
      const entry = await this.findByIdempotencyKey(key);
      if (entry === undefined)
        throw new StoreError('JOURNAL_ENTRY_NOT_FOUND', `no journal entry for key ${key}`);
      out.push({ entry, created });
    }
    return out;
  }

  /**
   * Claims an entry for sending (compare-and-set): only one caller wins, even with several
   * workers. Returns the updated entry, or an error when the entry is not in a sendable state.
   */
  async markSent(entryId: number): Promise<JournalEntry> {
    const now = isoTimestamp(this.clock());
    const result = await this.db
      .updateTable('write_back_journal')
      .where('seller_id', '=', this.sellerId)
      .set((eb) => ({ state: 'sent', sent_at: now, attempts: eb('attempts', '+', 1) }))
      .where('entry_id', '=', entryId)
      .where('state', 'in', [...SENDABLE_FROM])
      .executeTakeFirst();
    return this.#afterTransition(entryId, result.numUpdatedRows, 'sent', SENDABLE_FROM);
  }

  /** Records what the call did. Allowed after `sent`, and for `unknown` entries being reconciled. */
  async markResult(entryId: number, outcome: JournalOutcome): Promise<JournalEntry> {
    if (outcome.result !== undefined) assertNoPersonalData(outcome.result, `journal entry ${entryId} result`);
    const now = isoTimestamp(this.clock());
    const result = await this.db
      .updateTable('write_back_journal')
      .where('seller_id', '=', this.sellerId)
      .set({
        state: outcome.state,
        result: outcome.result === undefined ? null : writeJson(outcome.result),
        error_code: outcome.errorCode ?? null,
        resolved_at: outcome.state === 'unknown' ? null : now,
      })
      .where('entry_id', '=', entryId)
      .where('state', 'in', [...RESOLVABLE_FROM])
      .executeTakeFirst();
    return this.#afterTransition(entryId, result.numUpdatedRows, outcome.state, RESOLVABLE_FROM);
  }

  /**
   * For resume after a crash: entries left `sent` (the process died before recording the
   * answer) become `unknown`. Call it while holding the plan's lock. Returns how many.
   */
  async markInDoubt(planId: string): Promise<number> {
    const result = await this.db
      .updateTable('write_back_journal')
      .where('seller_id', '=', this.sellerId)
      .set({ state: 'unknown' })
      .where('plan_id', '=', planId)
      .where('state', '=', 'sent')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Entries still to do or to check (intended, sent, unknown), in the order they were intended. */
  async pending(planId: string): Promise<JournalEntry[]> {
    const rows = await this.db
      .selectFrom('write_back_journal')
      .where('seller_id', '=', this.sellerId)
      .selectAll()
      .where('plan_id', '=', planId)
      .where('state', 'in', [...PENDING_STATES])
      .orderBy('entry_id')
      .execute();
    return rows.map((row) => this.#toEntry(row));
  }

  /** Plans that still have pending entries: what a resume pass walks. */
  async plansWithPending(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('write_back_journal')
      .where('seller_id', '=', this.sellerId)
      .select('plan_id')
      .distinct()
      .where('state', 'in', [...PENDING_STATES])
      .orderBy('plan_id')
      .execute();
    return rows.map((r) => r.plan_id);
  }

  async list(planId: string): Promise<JournalEntry[]> {
    const rows = await this.db
      .selectFrom('write_back_journal')
      .where('seller_id', '=', this.sellerId)
      .selectAll()
      .where('plan_id', '=', planId)
      .orderBy('entry_id')
      .execute();
    return rows.map((row) => this.#toEntry(row));
  }

  async countsByState(planId: string): Promise<Record<JournalState, number>> {
    const rows = await this.db
      .selectFrom('write_back_journal')
      .where('seller_id', '=', this.sellerId)
      .select((eb) => ['state', eb.fn.countAll().as('n')])
      .where('plan_id', '=', planId)
      .groupBy('state')
      .execute();
    const counts: Record<JournalState, number> = {
      intended: 0,
      sent: 0,
      succeeded: 0,
      failed: 0,
      unknown: 0,
    };
    for (const row of rows) counts[row.state as JournalState] = Number(row.n);
    return counts;
  }

  async get(entryId: number): Promise<JournalEntry | undefined> {
    const row = await this.db
      .selectFrom('write_back_journal')
      .where('seller_id', '=', this.sellerId)
      .selectAll()
      .where('entry_id', '=', entryId)
      .executeTakeFirst();
    return row === undefined ? undefined : this.#toEntry(row);
  }

  async findByIdempotencyKey(key: string): Promise<JournalEntry | undefined> {
    const row = await this.db
      .selectFrom('write_back_journal')
      .where('seller_id', '=', this.sellerId)
      .selectAll()
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
    return row === undefined ? undefined : this.#toEntry(row);
  }

  async #afterTransition(
    entryId: number,
    updated: bigint,
    to: JournalState,
    from: readonly JournalState[],
  ): Promise<JournalEntry> {
    const entry = await this.get(entryId);
    if (entry === undefined) throw new StoreError('JOURNAL_ENTRY_NOT_FOUND', `no journal entry ${entryId}`);
    if (updated === 0n) {
      throw new StoreError(
        'JOURNAL_TRANSITION_INVALID',
        `journal entry ${entryId} is ${entry.state}; it can become ${to} only from ${from.join(' or ')}`,
      );
    }
    return entry;
  }

  #toEntry(row: Selectable<WriteBackJournalTable>): JournalEntry {
    return {
      entryId: Number(row.entry_id),
      planId: row.plan_id,
      operation: row.operation,
      idempotencyKey: row.idempotency_key,
      serviceJobId: row.service_job_id,
      appointmentId: row.appointment_id,
      resourceId: row.resource_id,
      reservationId: row.reservation_id,
      requestBody: readNullableJson(row.request_body),
      personalRequestBody:
        row.request_body_encrypted === null
          ? null
          : this.cipher.openJson(row.request_body_encrypted, journalBodyContext(row.idempotency_key)),
      state: row.state as JournalState,
      attempts: row.attempts,
      result: readNullableJson<JournalResult>(row.result as JournalResult | string | null),
      errorCode: row.error_code,
      intendedAt: readTimestamp(row.intended_at),
      sentAt: readNullableTimestamp(row.sent_at),
      resolvedAt: readNullableTimestamp(row.resolved_at),
    };
  }
}

/** A journal's entries counted by state and by operation × state (what the plan views show). */
export function journalSummary(entries: { operation: string; state: string }[]): {
  entries: number;
  byState: Record<string, number>;
  byOperation: Record<string, Record<string, number>>;
} {
  const byState: Record<string, number> = {};
  const byOperation: Record<string, Record<string, number>> = {};
  for (const e of entries) {
    byState[e.state] = (byState[e.state] ?? 0) + 1;
    const op = (byOperation[e.operation] ??= {});
    op[e.state] = (op[e.state] ?? 0) + 1;
  }
  return { entries: entries.length, byState, byOperation };
}
