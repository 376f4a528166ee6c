/**
 * Technician preferences of single jobs, set through the API: required, excluded and
 * preferred technicians and minimum skill levels. Ids and levels only (no personal data);
 * every change is recorded in the audit log in the same transaction, with who made it.
 */
import type { Kysely } from 'kysely';
import type { AuditLog } from './audit-log.ts';
import { isoTimestamp, readJson, readTimestamp, writeJson } from './column-values.ts';
import type { Database } from './database.ts';
import { assertNoPersonalData } from './personal-data-guard.ts';

export interface JobPreferenceSet {
  /** One of these technicians must serve the job (replaces what the config's rules require). */
  required?: string[] | undefined;
  /** None of these may serve it (added to the rules' exclusions). */
  excluded?: string[] | undefined;
  /** Wished-for technicians, each worth this many minutes of driving (wins over a rule's weight for the same one). */
  preferred?: { technician: string; weightMinutes: number }[] | undefined;
  /** Minimum skill levels (replace the rules' level for the same skill). */
  minSkillLevels?: Record<string, number> | undefined;
}

export interface StoredJobPreferences {
  serviceJobId: string;
  preferences: JobPreferenceSet;
  updatedAt: string;
  updatedBy: string;
}

/** Whether a preference set says nothing (storing it clears the job's preferences). */
export function isEmptyPreferenceSet(p: JobPreferenceSet): boolean {
  return (
    (p.required?.length ?? 0) === 0 &&
    (p.excluded?.length ?? 0) === 0 &&
    (p.preferred?.length ?? 0) === 0 &&
    Object.keys(p.minSkillLevels ?? {}).length === 0
  );
}

const CHUNK = 500;

export class JobPreferences {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: () => Date,
    private readonly sellerId: string,
    private readonly audit: AuditLog,
  ) {}

  async get(serviceJobId: string): Promise<StoredJobPreferences | undefined> {
    return (await this.listFor([serviceJobId])).get(serviceJobId);
  }

  /** The stored preferences of these jobs (jobs without any are absent from the map). */
  async listFor(serviceJobIds: readonly string[]): Promise<Map<string, StoredJobPreferences>> {
    const out = new Map<string, StoredJobPreferences>();
    for (let i = 0; i < serviceJobIds.length; i += CHUNK) {
      const chunk = serviceJobIds.slice(i, i + CHUNK);
      if (chunk.length === 0) continue;
      const rows = await this.db
        .selectFrom('job_preferences')
        .selectAll()
        .where('seller_id', '=', this.sellerId)
        .where('service_job_id', 'in', chunk)
        .execute();
      for (const row of rows)
        out.set(row.service_job_id, {
          serviceJobId: row.service_job_id,
          preferences: readJson<JobPreferenceSet>(row.preferences as JobPreferenceSet | string),
          updatedAt: readTimestamp(row.updated_at),
          updatedBy: row.updated_by,
        });
    }
    return out;
  }

  /**
   * Replaces the job's preferences (an empty set clears them) and audits the change
   * (`job.preferences_set` or `job.preferences_cleared`, subject the job).
   */
  async set(
    serviceJobId: string,
    preferences: JobPreferenceSet,
    actor: string,
  ): Promise<StoredJobPreferences> {
    assertNoPersonalData(preferences, 'job preferences');
    const at = isoTimestamp(this.clock());
    const cleared = isEmptyPreferenceSet(preferences);
    const stored: JobPreferenceSet = cleared ? {} : normalised(preferences);
    await this.db.transaction().execute(async (trx) => {
      if (cleared) {
        await trx
          .deleteFrom('job_preferences')
          .where('seller_id', '=', this.sellerId)
          .where('service_job_id', '=', serviceJobId)
          .execute();
      } else {
        const values = { preferences: writeJson(stored), updated_at: at, updated_by: actor };
        await trx
          .insertInto('job_preferences')
          .values({ seller_id: this.sellerId, service_job_id: serviceJobId, ...values })
          .onConflict((oc) => oc.columns(['seller_id', 'service_job_id']).doUpdateSet(values))
          .execute();
      }
      await this.audit.record(
        {
          actor,
          action: cleared ? 'job.preferences_cleared' : 'job.preferences_set',
          subjectType: 'service_job',
          subjectId: serviceJobId,
          ...(cleared
            ? {}
            : {
                details: {
                  required: stored.required?.length ?? 0,
                  excluded: stored.excluded?.length ?? 0,
                  preferred: stored.preferred?.length ?? 0,
                  minSkillLevels: Object.keys(stored.minSkillLevels ?? {}).length,
                },
              }),
        },
        trx,
      );
    });
    return { serviceJobId, preferences: stored, updatedAt: at, updatedBy: actor };
  }
}

/** Only the fields that say something, lists without repeats. */
function normalised(p: JobPreferenceSet): JobPreferenceSet {
  const uniq = (ids: string[] | undefined) => (ids === undefined ? [] : [...new Set(ids)]);
  const out: JobPreferenceSet = {};
  if ((p.required?.length ?? 0) > 0) out.required = uniq(p.required);
  if ((p.excluded?.length ?? 0) > 0) out.excluded = uniq(p.excluded);
  if ((p.preferred?.length ?? 0) > 0) out.preferred = p.preferred!.map((x) => ({ ...x }));
  if (Object.keys(p.minSkillLevels ?? {}).length > 0) out.minSkillLevels = { ...p.minSkillLevels };
  return out;
}
