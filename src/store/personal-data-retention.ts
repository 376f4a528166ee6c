/**
 * Deletes personal data that has outlived its purpose: a job's buyer, address, preferred
 * times, appointment times and any encrypted write-back bodies, once the job has been
 * COMPLETED or CANCELLED for the retention period (30 days by default). Ids, statuses,
 * plans and journal entries stay, so history and KPIs that need no person survive.
 */
import type { Kysely } from 'kysely';
import type { AuditLog } from './audit-log.ts';
import { isoTimestamp } from './column-values.ts';
import type { Database } from './database.ts';
import { CLOSED_STATUSES } from './service-job-record.ts';

export const DEFAULT_RETENTION_DAYS = 30;
const DAY_MS = 86_400_000;
const CHUNK = 500;

export interface PurgeCounts {
  /** Jobs whose personal fields were deleted in this run. */
  jobs: number;
  /** Appointments whose times were deleted. */
  appointments: number;
  /** Write-back journal entries whose encrypted request bodies were deleted. */
  journalEntries: number;
  /** Jobs closed before this instant were purged (ISO-8601). */
  closedBefore: string;
}

export class PersonalDataRetention {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditLog,
    private readonly retentionDays: number,
    /** Only this seller's jobs; undefined: every seller's (the deployment-wide purge). */
    private readonly sellerId: string | undefined = undefined,
  ) {
    if (!Number.isFinite(retentionDays) || retentionDays < 0) {
      throw new RangeError('retention must be a non-negative number of days');
    }
  }

  async purgeExpired(now: Date, actor = 'retention'): Promise<PurgeCounts> {
    const closedBefore = isoTimestamp(new Date(now.getTime() - this.retentionDays * DAY_MS));
    const purgedAt = isoTimestamp(now);
    const counts: PurgeCounts = { jobs: 0, appointments: 0, journalEntries: 0, closedBefore };
    await this.db.transaction().execute(async (trx) => {
      const expired = await trx
        .selectFrom('service_jobs')
        .select('service_job_id')
        .$if(this.sellerId !== undefined, (q) => q.where('seller_id', '=', this.sellerId!))
        .where('status', 'in', [...CLOSED_STATUSES])
        .where('closed_at', '<=', closedBefore)
        .where('personal_data_purged_at', 'is', null)
        .execute();
      const ids = expired.map((r) => r.service_job_id);
      for (let i = 0; i < ids.length; i += CHUNK) {
        const chunk = ids.slice(i, i + CHUNK);
        const jobs = await trx
          .updateTable('service_jobs')
          .set({
            buyer_id_encrypted: null,
            buyer_name_encrypted: null,
            buyer_phone_encrypted: null,
            buyer_prime_encrypted: null,
            service_address_encrypted: null,
            preferred_times_encrypted: null,
            linked_assets_encrypted: null,
            personal_data_purged_at: purgedAt,
          })
          .where('service_job_id', 'in', chunk)
          .executeTakeFirst();
        counts.jobs += Number(jobs.numUpdatedRows);
        const appointments = await trx
          .updateTable('appointments')
          .set({ appointment_time_encrypted: null })
          .where('service_job_id', 'in', chunk)
          .where('appointment_time_encrypted', 'is not', null)
          .executeTakeFirst();
        counts.appointments += Number(appointments.numUpdatedRows);
        const journal = await trx
          .updateTable('write_back_journal')
          .set({ request_body_encrypted: null })
          .where('service_job_id', 'in', chunk)
          .where('request_body_encrypted', 'is not', null)
          .executeTakeFirst();
        counts.journalEntries += Number(journal.numUpdatedRows);
      }
      await this.audit.record(
        {
          actor,
          action: 'personal_data.purged',
          details: {
            jobs: counts.jobs,
            appointments: counts.appointments,
            journalEntries: counts.journalEntries,
            closedBefore,
            retentionDays: this.retentionDays,
          },
        },
        trx,
      );
    });
    return counts;
  }
}
