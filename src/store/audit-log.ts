/**
 * Who did what, when, to which record: ids and counts only, never personal data (refused on
 * write). Kept for audit; the retention purge never touches it.
 */
import type { Kysely } from 'kysely';
import { isoTimestamp, readNullableJson, readTimestamp, writeJson } from './column-values.ts';
import type { Database } from './database.ts';
import { assertNoPersonalData } from './personal-data-guard.ts';

export interface AuditEvent {
  /** `cli`, `scheduler`, `api:<token id>`, ... */
  actor: string;
  /** Dotted verb: `plan.created`, `writeback.sent`, `personal_data.purged`. */
  action: string;
  subjectType?: string;
  subjectId?: string;
  planId?: string;
  details?: Record<string, unknown>;
}

export interface AuditEntry {
  entryId: number;
  at: string;
  actor: string;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  planId: string | null;
  details: Record<string, unknown> | null;
}

export interface AuditQuery {
  since?: string | Date;
  action?: string;
  planId?: string;
  /** Default 1000. */
  limit?: number;
}

export class AuditLog {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: () => Date,
    private readonly sellerId: string,
  ) {}

  /** Records an event; pass a transaction to make it part of the change it describes. */
  async record(event: AuditEvent, executor: Kysely<Database> = this.db): Promise<void> {
    if (event.details !== undefined) assertNoPersonalData(event.details, `audit ${event.action} details`);
    await executor
      .insertInto('audit_log')
      .values({
        seller_id: this.sellerId,
        at: isoTimestamp(this.clock()),
        actor: event.actor,
        action: event.action,
        subject_type: event.subjectType ?? null,
        subject_id: event.subjectId ?? null,
        plan_id: event.planId ?? null,
        details: event.details === undefined ? null : writeJson(event.details),
      })
      .execute();
  }

  /** Oldest first. */
  async list(query: AuditQuery = {}): Promise<AuditEntry[]> {
    let q = this.db
      .selectFrom('audit_log')
      .selectAll()
      .where('seller_id', '=', this.sellerId)
      .orderBy('entry_id')
      .limit(query.limit ?? 1000);
    if (query.since !== undefined) q = q.where('at', '>=', isoTimestamp(query.since));
    if (query.action !== undefined) q = q.where('action', '=', query.action);
    if (query.planId !== undefined) q = q.where('plan_id', '=', query.planId);
    const rows = await q.execute();
    return rows.map((row) => ({
      entryId: Number(row.entry_id),
      at: readTimestamp(row.at),
      actor: row.actor,
      action: row.action,
      subjectType: row.subject_type,
      subjectId: row.subject_id,
      planId: row.plan_id,
      details: readNullableJson<Record<string, unknown>>(
        row.details as Record<string, unknown> | string | null,
      ),
    }));
  }
}
