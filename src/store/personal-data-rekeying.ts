/**
 * Key rotation, second half: re-encrypts every personal-data value still under an older key
 * with the current one, then moves the store's key canary to it. Afterwards the old key can
 * be dropped from the ring. Safe to interrupt and rerun: each batch commits on its own and
 * values already under the current key are skipped.
 */
import type { Kysely } from 'kysely';
import type { FieldCipher } from '../privacy/field-cipher.ts';
import type { Database } from './database.ts';
import { DEPLOYMENT_KEY_CHECK, type KeyCheckSlot } from './data-key-check.ts';
import { PERSONAL_JOB_COLUMNS, appointmentTimeContext, jobFieldContext } from './service-jobs.ts';
import { journalBodyContext } from './write-back-journal.ts';

export interface RekeyCounts {
  /** Values re-encrypted, per table. */
  jobFields: number;
  appointmentTimes: number;
  journalBodies: number;
  keyId: string;
}

const BATCH = 500;

/**
 * Whose values one key covers: a seller with a data key of its own (`sellerId`), or the
 * deployment's key: every seller except those with their own key (`exceptSellers`).
 */
export interface RekeyScope {
  sellerId?: string;
  exceptSellers?: readonly string[];
  keyCheck: KeyCheckSlot;
}

export async function reencryptPersonalData(
  db: Kysely<Database>,
  cipher: FieldCipher,
  scope: RekeyScope = { keyCheck: DEPLOYMENT_KEY_CHECK },
): Promise<RekeyCounts> {
  const only = scope.sellerId;
  const except = scope.exceptSellers ?? [];
  const current = `fp1.${cipher.currentKeyId}.%`;
  const reseal = (envelope: string, context: string): string =>
    cipher.seal(cipher.open(envelope, context), context);
  const counts: RekeyCounts = {
    jobFields: 0,
    appointmentTimes: 0,
    journalBodies: 0,
    keyId: cipher.currentKeyId,
  };

  for (const column of PERSONAL_JOB_COLUMNS) {
    for (;;) {
      const rows = await db
        .selectFrom('service_jobs')
        .$if(only !== undefined, (q) => q.where('seller_id', '=', only!))
        .$if(except.length > 0, (q) => q.where('seller_id', 'not in', [...except]))
        .select(['service_job_id', column])
        .where(column, 'is not', null)
        .where(column, 'not like', current)
        .limit(BATCH)
        .execute();
      if (rows.length === 0) break;
      await db.transaction().execute(async (trx) => {
        for (const row of rows) {
          const envelope = row[column];
          if (envelope === null) continue;
          await trx
            .updateTable('service_jobs')
            .set({ [column]: reseal(envelope, jobFieldContext(column, row.service_job_id)) })
            .where('service_job_id', '=', row.service_job_id)
            .where(column, '=', envelope)
            .execute();
        }
      });
      counts.jobFields += rows.length;
    }
  }

  for (;;) {
    const rows = await db
      .selectFrom('appointments')
      .$if(only !== undefined, (q) => q.where('seller_id', '=', only!))
      .$if(except.length > 0, (q) => q.where('seller_id', 'not in', [...except]))
      .select(['appointment_id', 'appointment_time_encrypted'])
      .where('appointment_time_encrypted', 'is not', null)
      .where('appointment_time_encrypted', 'not like', current)
      .limit(BATCH)
      .execute();
    if (rows.length === 0) break;
    await db.transaction().execute(async (trx) => {
      for (const row of rows) {
        if (row.appointment_time_encrypted === null) continue;
        await trx
          .updateTable('appointments')
          .set({
            appointment_time_encrypted: reseal(
              row.appointment_time_encrypted,
              appointmentTimeContext(row.appointment_id),
            ),
          })
          .where('appointment_id', '=', row.appointment_id)
          .where('appointment_time_encrypted', '=', row.appointment_time_encrypted)
          .execute();
      }
    });
    counts.appointmentTimes += rows.length;
  }

  for (;;) {
    const rows = await db
      .selectFrom('write_back_journal')
      .$if(only !== undefined, (q) => q.where('seller_id', '=', only!))
      .$if(except.length > 0, (q) => q.where('seller_id', 'not in', [...except]))
      .select(['entry_id', 'idempotency_key', 'request_body_encrypted'])
      .where('request_body_encrypted', 'is not', null)
      .where('request_body_encrypted', 'not like', current)
      .limit(BATCH)
      .execute();
    if (rows.length === 0) break;
    await db.transaction().execute(async (trx) => {
      for (const row of rows) {
        if (row.request_body_encrypted === null) continue;
        await trx
          .updateTable('write_back_journal')
          .set({
            request_body_encrypted: reseal(
              row.request_body_encrypted,
              journalBodyContext(row.idempotency_key),
            ),
          })
          .where('entry_id', '=', row.entry_id)
          .where('request_body_encrypted', '=', row.request_body_encrypted)
          .execute();
      }
    });
    counts.journalBodies += rows.length;
  }

  // Only now may the canary move: every value is readable with the current key alone.
  const check = await db
    .selectFrom('store_meta')
    .select('value')
    .where('key', '=', scope.keyCheck.key)
    .executeTakeFirst();
  if (check !== undefined && !check.value.startsWith(`fp1.${cipher.currentKeyId}.`)) {
    await db
      .updateTable('store_meta')
      .set({ value: reseal(check.value, scope.keyCheck.context) })
      .where('key', '=', scope.keyCheck.key)
      .execute();
  }
  return counts;
}
