/**
 * A job's history in the store, as planning reads it: who served the earlier jobs of the same
 * product order (the delivery before an installation, the installation before a repair). Jobs
 * are linked by Amazon's product order ids, which the store keeps in plain text as ids; no
 * personal field (buyer, address) is read or used as a key.
 */
import type { Kysely } from 'kysely';
import { isoTimestamp, readJson, readNullableTimestamp } from './column-values.ts';
import type { Database } from './database.ts';
import type { ServiceJobDetails } from './service-job-record.ts';

export interface PreviousVisit {
  /** The earlier job. */
  serviceJobId: string;
  /** When it was seen completed (ISO-8601). */
  closedAt: string;
  /** Who served it (its completed appointment's technicians). */
  technicianIds: string[];
}

const CHUNK = 500;

export class JobHistory {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly sellerId: string,
  ) {}

  /**
   * For each product order id given, the most recent completed job of the seller carrying it
   * (closed at or after `since`, not one of `exceptJobIds`) that has technicians on record.
   */
  async previousVisits(
    orderIds: readonly string[],
    options: { since: Date | string; exceptJobIds?: readonly string[] },
  ): Promise<Map<string, PreviousVisit>> {
    const wanted = new Set(orderIds);
    const out = new Map<string, PreviousVisit>();
    if (wanted.size === 0) return out;
    const except = new Set(options.exceptJobIds ?? []);
    const rows = await this.db
      .selectFrom('service_jobs')
      .select(['service_job_id', 'details', 'closed_at'])
      .where('seller_id', '=', this.sellerId)
      .where('status', '=', 'COMPLETED')
      .where('closed_at', '>=', isoTimestamp(options.since))
      .execute();
    const candidates = rows
      .filter((r) => !except.has(r.service_job_id))
      .map((r) => ({
        serviceJobId: r.service_job_id,
        closedAt: readNullableTimestamp(r.closed_at) ?? '',
        orders: ordersOf(readJson<ServiceJobDetails>(r.details as ServiceJobDetails | string)).filter((o) =>
          wanted.has(o),
        ),
      }))
      .filter((c) => c.orders.length > 0);
    const technicians = await this.#techniciansOf(candidates.map((c) => c.serviceJobId));
    // Newest first; ties by id, so the answer does not depend on the database's row order.
    candidates.sort(
      (a, b) => b.closedAt.localeCompare(a.closedAt) || a.serviceJobId.localeCompare(b.serviceJobId),
    );
    for (const c of candidates) {
      const ids = technicians.get(c.serviceJobId);
      if (ids === undefined || ids.length === 0) continue;
      for (const order of c.orders)
        if (!out.has(order))
          out.set(order, { serviceJobId: c.serviceJobId, closedAt: c.closedAt, technicianIds: ids });
    }
    return out;
  }

  /** Technicians of each job's completed appointment (else its latest appointment with any). */
  async #techniciansOf(jobIds: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, { completed: boolean; seen: string; ids: string[] }>();
    for (let i = 0; i < jobIds.length; i += CHUNK) {
      const chunk = jobIds.slice(i, i + CHUNK);
      const rows = await this.db
        .selectFrom('appointments')
        .select(['service_job_id', 'status', 'technician_ids', 'last_seen_at'])
        .where('seller_id', '=', this.sellerId)
        .where('service_job_id', 'in', chunk)
        .execute();
      for (const row of rows) {
        const ids = readJson<string[]>(row.technician_ids);
        if (ids.length === 0) continue;
        const completed = row.status === 'COMPLETED';
        const seen = isoTimestamp(row.last_seen_at);
        const before = out.get(row.service_job_id);
        const better =
          before === undefined ||
          (completed && !before.completed) ||
          (completed === before.completed && seen > before.seen);
        if (better) out.set(row.service_job_id, { completed, seen, ids: [...ids] });
      }
    }
    return new Map([...out].map(([id, v]) => [id, v.ids]));
  }
}

/** The product order ids a job carries (its own list and its items'). */
function ordersOf(details: Pick<ServiceJobDetails, 'productOrderIds' | 'associatedItems'>): string[] {
  const ids = new Set<string>(details.productOrderIds ?? []);
  for (const item of details.associatedItems ?? []) if (item.orderId !== null) ids.add(item.orderId);
  return [...ids];
}
