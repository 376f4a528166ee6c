/**
 * Service jobs and their appointments as last pulled from the Services API. Personal fields
 * are encrypted one by one, each bound to its column and job id; once the retention purge
 * has run on a job, later pulls never bring its personal data back.
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { FieldCipher } from '../privacy/field-cipher.ts';
import { isoTimestamp, readJson, readNullableTimestamp, readTimestamp, writeJson } from './column-values.ts';
import type { AppointmentsTable, Database, ServiceJobsTable } from './database.ts';
import {
  CLOSED_STATUSES,
  PLANNABLE_STATUSES,
  type AppointmentRecord,
  type AppointmentTime,
  type JobPersonalData,
  type LinkedAsset,
  type ServiceAddress,
  type ServiceJobDetails,
  type ServiceJobRecord,
  type ServiceJobStatus,
  type StoredServiceJob,
} from './service-job-record.ts';
import { assertNoPersonalData } from './personal-data-guard.ts';
import { StoreError } from './store-error.ts';

/** A half-open interval of instants, ISO-8601: jobs whose time falls in [from, to). */
export interface PlanningHorizon {
  from: string;
  to: string;
}

export interface UpsertCounts {
  inserted: number;
  updated: number;
}

type PersonalColumns = Pick<
  ServiceJobsTable,
  | 'buyer_id_encrypted'
  | 'buyer_name_encrypted'
  | 'buyer_phone_encrypted'
  | 'buyer_prime_encrypted'
  | 'service_address_encrypted'
  | 'preferred_times_encrypted'
  | 'linked_assets_encrypted'
>;

export const PERSONAL_JOB_COLUMNS = [
  'buyer_id_encrypted',
  'buyer_name_encrypted',
  'buyer_phone_encrypted',
  'buyer_prime_encrypted',
  'service_address_encrypted',
  'preferred_times_encrypted',
  'linked_assets_encrypted',
] as const satisfies readonly (keyof PersonalColumns)[];

const NO_PERSONAL_DATA: PersonalColumns = {
  buyer_id_encrypted: null,
  buyer_name_encrypted: null,
  buyer_phone_encrypted: null,
  buyer_prime_encrypted: null,
  service_address_encrypted: null,
  preferred_times_encrypted: null,
  linked_assets_encrypted: null,
};

/** Encryption context: binds a ciphertext to its column and row. */
export function jobFieldContext(column: string, serviceJobId: string): string {
  return `service_jobs.${column}:${serviceJobId}`;
}
export function appointmentTimeContext(appointmentId: string): string {
  return `appointments.appointment_time:${appointmentId}`;
}

const CHUNK = 500;

export class ServiceJobs {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly cipher: FieldCipher,
    private readonly clock: () => Date,
    /** Every read and write is confined to this seller's rows. */
    private readonly sellerId: string,
  ) {}

  /** Inserts or refreshes jobs from a pull, in one transaction. */
  async upsertMany(records: readonly ServiceJobRecord[]): Promise<UpsertCounts> {
    const now = isoTimestamp(this.clock());
    const counts: UpsertCounts = { inserted: 0, updated: 0 };
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < records.length; i += CHUNK) {
        const chunk = records.slice(i, i + CHUNK);
        const existing = new Map(
          (
            await trx
              .selectFrom('service_jobs')
              .select(['service_job_id', 'seller_id', 'status', 'closed_at', 'personal_data_purged_at'])
              .where(
                'service_job_id',
                'in',
                chunk.map((r) => r.serviceJobId),
              )
              .execute()
          ).map((row) => [row.service_job_id, row]),
        );
        for (const record of chunk) {
          const before = existing.get(record.serviceJobId);
          if (before !== undefined && before.seller_id !== this.sellerId)
            throw new StoreError(
              'SELLER_MISMATCH',
              `service job ${record.serviceJobId} is stored for another seller; nothing of this pull was stored`,
            );
          await this.#upsertOne(trx, record, before, now);
          if (before === undefined) counts.inserted++;
          else counts.updated++;
        }
      }
    });
    return counts;
  }

  async #upsertOne(
    trx: Transaction<Database>,
    record: ServiceJobRecord,
    before:
      Pick<Selectable<ServiceJobsTable>, 'status' | 'closed_at' | 'personal_data_purged_at'> | undefined,
    now: string,
  ): Promise<void> {
    const details: ServiceJobDetails = {
      sellerId: record.sellerId,
      serviceJobProviderId: record.serviceJobProviderId,
      productOrderIds: record.productOrderIds,
      trackingIds: record.trackingIds,
      scopeOfWork: record.scopeOfWork,
      associatedItems: record.associatedItems,
    };
    assertNoPersonalData(details, `service job ${record.serviceJobId} details`);
    const purged = before?.personal_data_purged_at != null;
    const closed = CLOSED_STATUSES.has(record.status);
    const closedAt = closed
      ? before?.closed_at != null && CLOSED_STATUSES.has(before.status)
        ? isoTimestamp(before.closed_at)
        : now
      : null;
    const statusChanged = before === undefined || before.status !== record.status;
    const personal = purged ? NO_PERSONAL_DATA : this.#sealPersonal(record.serviceJobId, record.personal);
    const row = {
      store_id: record.storeId,
      marketplace_id: record.marketplaceId,
      service_order_id: record.serviceOrderId,
      status: record.status,
      service_location_type: record.serviceLocationType,
      job_created_at: record.createdAt === null ? null : isoTimestamp(record.createdAt),
      last_pulled_at: now,
      closed_at: closedAt,
      details: writeJson(details),
      ...personal,
    };
    await trx
      .insertInto('service_jobs')
      .values({
        service_job_id: record.serviceJobId,
        seller_id: this.sellerId,
        first_pulled_at: now,
        status_changed_at: now,
        personal_data_purged_at: null,
        ...row,
      })
      .onConflict((oc) =>
        oc
          .column('service_job_id')
          .doUpdateSet(statusChanged ? { ...row, status_changed_at: now } : row)
          .where('service_jobs.seller_id', '=', this.sellerId),
      )
      .execute();

    for (const appointment of record.appointments) {
      const time =
        purged || appointment.time === null
          ? null
          : this.cipher.sealJson(appointment.time, appointmentTimeContext(appointment.appointmentId));
      const values = {
        service_job_id: record.serviceJobId,
        status: appointment.status,
        rescheduled_appointment_id: appointment.rescheduledAppointmentId,
        technician_ids: writeJson(appointment.technicianIds),
        poa_type: appointment.poaType,
        appointment_time_encrypted: time,
        last_seen_at: now,
      };
      await trx
        .insertInto('appointments')
        .values({
          appointment_id: appointment.appointmentId,
          seller_id: this.sellerId,
          first_seen_at: now,
          ...values,
        })
        .onConflict((oc) =>
          oc.column('appointment_id').doUpdateSet(values).where('appointments.seller_id', '=', this.sellerId),
        )
        .execute();
    }
  }

  #sealPersonal(jobId: string, personal: JobPersonalData | null): PersonalColumns {
    if (personal === null) return NO_PERSONAL_DATA;
    const seal = (column: keyof PersonalColumns, value: unknown): string | null =>
      value === null || value === undefined
        ? null
        : this.cipher.sealJson(value, jobFieldContext(column, jobId));
    return {
      buyer_id_encrypted: seal('buyer_id_encrypted', personal.buyerId),
      buyer_name_encrypted: seal('buyer_name_encrypted', personal.buyerName),
      buyer_phone_encrypted: seal('buyer_phone_encrypted', personal.buyerPhone),
      buyer_prime_encrypted: seal('buyer_prime_encrypted', personal.isPrimeMember),
      service_address_encrypted: seal('service_address_encrypted', personal.serviceAddress),
      preferred_times_encrypted: seal(
        'preferred_times_encrypted',
        personal.preferredAppointmentTimes.length > 0 ? personal.preferredAppointmentTimes : null,
      ),
      linked_assets_encrypted: seal(
        'linked_assets_encrypted',
        personal.linkedAssets.some((a) => a !== null) ? personal.linkedAssets : null,
      ),
    };
  }

  /** One job with its personal data decrypted, or undefined. */
  async get(serviceJobId: string): Promise<StoredServiceJob | undefined> {
    const row = await this.db
      .selectFrom('service_jobs')
      .selectAll()
      .where('seller_id', '=', this.sellerId)
      .where('service_job_id', '=', serviceJobId)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    const appointments = await this.#appointmentsOf([serviceJobId]);
    return this.#toStored(row, appointments.get(serviceJobId) ?? []);
  }

  /**
   * Jobs the planner works on for these stores: PENDING_SCHEDULE jobs with a preferred time
   * in the horizon (or none given at all), and NOT_SERVICED jobs whose active appointment
   * falls in the horizon (or that have no active appointment on record). Times are
   * encrypted, so the horizon is applied after decryption.
   */
  async listPlannable(storeIds: readonly string[], horizon: PlanningHorizon): Promise<StoredServiceJob[]> {
    if (storeIds.length === 0) return [];
    const from = Date.parse(horizon.from);
    const to = Date.parse(horizon.to);
    if (Number.isNaN(from) || Number.isNaN(to) || to <= from) {
      throw new RangeError('planning horizon must be two ISO-8601 instants with from < to');
    }
    const rows = await this.db
      .selectFrom('service_jobs')
      .selectAll()
      .where('seller_id', '=', this.sellerId)
      .where('store_id', 'in', [...storeIds])
      .where('status', 'in', [...PLANNABLE_STATUSES])
      .orderBy('service_job_id')
      .execute();
    const appointments = await this.#appointmentsOf(rows.map((r) => r.service_job_id));
    const inHorizon = (t: AppointmentTime): boolean => {
      const start = Date.parse(t.startTime);
      const end = start + t.durationInMinutes * 60_000;
      return start < to && end > from;
    };
    return rows
      .map((row) => this.#toStored(row, appointments.get(row.service_job_id) ?? []))
      .filter((job) => {
        if (job.status === 'PENDING_SCHEDULE') {
          const preferred = job.personal?.preferredAppointmentTimes ?? [];
          return preferred.length === 0 || preferred.some(inHorizon);
        }
        const active = job.appointments.filter((a) => a.status === 'ACTIVE' && a.time !== null);
        return active.length === 0 || active.some((a) => a.time !== null && inHorizon(a.time));
      });
  }

  /** Ids and statuses of every stored job of these stores, without decrypting anything. */
  async listStatuses(storeIds: readonly string[]): Promise<{ serviceJobId: string; status: string }[]> {
    if (storeIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('service_jobs')
      .select(['service_job_id', 'status'])
      .where('seller_id', '=', this.sellerId)
      .where('store_id', 'in', [...storeIds])
      .orderBy('service_job_id')
      .execute();
    return rows.map((r) => ({ serviceJobId: r.service_job_id, status: r.status }));
  }

  /** Records a status the engine itself caused (complete, cancel) before the next pull sees it. */
  async setStatus(serviceJobId: string, status: ServiceJobStatus): Promise<void> {
    const now = isoTimestamp(this.clock());
    await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('service_jobs')
        .select(['status', 'closed_at'])
        .where('seller_id', '=', this.sellerId)
        .where('service_job_id', '=', serviceJobId)
        .executeTakeFirst();
      if (row === undefined) throw new StoreError('JOB_NOT_FOUND', `no stored service job ${serviceJobId}`);
      if (row.status === status) return;
      const closedAt = CLOSED_STATUSES.has(status)
        ? row.closed_at !== null && CLOSED_STATUSES.has(row.status)
          ? isoTimestamp(row.closed_at)
          : now
        : null;
      await trx
        .updateTable('service_jobs')
        .set({ status, status_changed_at: now, closed_at: closedAt })
        .where('seller_id', '=', this.sellerId)
        .where('service_job_id', '=', serviceJobId)
        .execute();
    });
  }

  async #appointmentsOf(jobIds: readonly string[]): Promise<Map<string, Selectable<AppointmentsTable>[]>> {
    const byJob = new Map<string, Selectable<AppointmentsTable>[]>();
    for (let i = 0; i < jobIds.length; i += CHUNK) {
      const chunk = jobIds.slice(i, i + CHUNK);
      if (chunk.length === 0) continue;
      const rows = await this.db
        .selectFrom('appointments')
        .selectAll()
        .where('seller_id', '=', this.sellerId)
        .where('service_job_id', 'in', chunk)
        .orderBy('first_seen_at')
        .orderBy('appointment_id')
        .execute();
      for (const row of rows) {
        const list = byJob.get(row.service_job_id) ?? [];
        list.push(row);
        byJob.set(row.service_job_id, list);
      }
    }
    return byJob;
  }

  #toStored(
    row: Selectable<ServiceJobsTable>,
    appointmentRows: Selectable<AppointmentsTable>[],
  ): StoredServiceJob {
    const id = row.service_job_id;
    const open = <T>(column: keyof PersonalColumns): T | null => {
      const envelope = row[column];
      return envelope === null ? null : this.cipher.openJson<T>(envelope, jobFieldContext(column, id));
    };
    const hasPersonal = PERSONAL_JOB_COLUMNS.some((c) => row[c] !== null);
    const personal: JobPersonalData | null = hasPersonal
      ? {
          buyerId: open<string>('buyer_id_encrypted'),
          buyerName: open<string>('buyer_name_encrypted'),
          buyerPhone: open<string>('buyer_phone_encrypted'),
          isPrimeMember: open<boolean>('buyer_prime_encrypted'),
          serviceAddress: open<ServiceAddress>('service_address_encrypted'),
          preferredAppointmentTimes: open<AppointmentTime[]>('preferred_times_encrypted') ?? [],
          linkedAssets: open<(LinkedAsset[] | null)[]>('linked_assets_encrypted') ?? [],
        }
      : null;
    const details = readJson(row.details as ServiceJobDetails | string);
    const appointments: AppointmentRecord[] = appointmentRows.map((a) => ({
      appointmentId: a.appointment_id,
      status: a.status as AppointmentRecord['status'],
      rescheduledAppointmentId: a.rescheduled_appointment_id,
      technicianIds: readJson<string[]>(a.technician_ids),
      poaType: a.poa_type,
      time:
        a.appointment_time_encrypted === null
          ? null
          : this.cipher.openJson<AppointmentTime>(
              a.appointment_time_encrypted,
              appointmentTimeContext(a.appointment_id),
            ),
    }));
    return {
      serviceJobId: id,
      storeId: row.store_id,
      marketplaceId: row.marketplace_id,
      serviceOrderId: row.service_order_id,
      status: row.status as ServiceJobStatus,
      serviceLocationType: row.service_location_type as StoredServiceJob['serviceLocationType'],
      createdAt: readNullableTimestamp(row.job_created_at),
      ...details,
      appointments,
      personal,
      firstPulledAt: readTimestamp(row.first_pulled_at),
      lastPulledAt: readTimestamp(row.last_pulled_at),
      statusChangedAt: readTimestamp(row.status_changed_at),
      closedAt: readNullableTimestamp(row.closed_at),
      personalDataPurgedAt: readNullableTimestamp(row.personal_data_purged_at),
    };
  }
}
