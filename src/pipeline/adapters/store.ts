/**
 * Binds the pipeline's store port to the store (SQLite or PostgreSQL): jobs in and out in the
 * Services wire shape, plans, the write-back journal, watermarks, the ledger of capacity
 * writes, locks, audit and the retention purge.
 */
import type { JournalEntry, Store, StoredServiceJob } from '../../store/index.ts';
import { serviceJobRecordsFromWire } from '../../store/index.ts';
import type { LedgerEvent } from '../write/ledger.ts';
import type { CapacityBlock, Plan, ScheduleRecordOut } from '../write/plan.ts';
import type { JournalPort, JournalRecord, PipelineStorePort, StoredPlan } from '../ports.ts';
import type { Interval } from '../setup/planning-setup.ts';

const APPOINTMENT_OPERATIONS = new Set([
  'addAppointmentForServiceJobByServiceJobId',
  'rescheduleAppointmentForServiceJobByServiceJobId',
]);
const CAPACITY_OPERATIONS = new Set([
  'updateSchedule',
  'createReservation',
  'updateReservation',
  'cancelReservation',
]);

/** A journal entry as the pipeline reads it. */
function toRecord(e: {
  entryId: number;
  idempotencyKey: string;
  operation: string;
  state: JournalRecord['state'];
  result: unknown;
  requestBody: unknown;
  personalRequestBody: unknown;
  serviceJobId: string | null;
  errorCode: string | null;
}): JournalRecord {
  return {
    entryId: e.entryId,
    key: e.idempotencyKey,
    operation: e.operation,
    state: e.state,
    result: (e.result ?? null) as JournalRecord['result'],
    body: e.requestBody ?? e.personalRequestBody,
    serviceJobId: e.serviceJobId,
    errorCode: e.errorCode,
  };
}

/** The write-back journal: every call intended, sent and answered. */
function journalPort(store: Store): JournalPort {
  return {
    async intend(planId, intent) {
      const { entry } = await store.journal.intend({
        planId,
        operation: intent.operation,
        idempotencyKey: intent.key,
        ...(intent.serviceJobId !== undefined ? { serviceJobId: intent.serviceJobId } : {}),
        ...(intent.resourceId !== undefined ? { resourceId: intent.resourceId } : {}),
        ...(intent.personal ? { personalRequestBody: intent.body } : { requestBody: intent.body }),
      });
      return toRecord(entry);
    },
    async markSent(entryId) {
      await store.journal.markSent(entryId);
    },
    async markResult(entryId, outcome) {
      const result: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(outcome.result ?? {})) if (v !== undefined) result[k] = v;
      await store.journal.markResult(entryId, {
        state: outcome.state,
        ...(outcome.result !== undefined ? { result } : {}),
        ...(outcome.errorCode !== undefined ? { errorCode: outcome.errorCode } : {}),
      });
    },
    async inDoubt(planId) {
      await store.journal.markInDoubt(planId);
      return (await store.journal.pending(planId)).map(toRecord);
    },
  };
}

/** The plans of these stores, each once. */
async function plansOfStores(store: Store, storeIds: string[]) {
  const seen = new Map<string, Awaited<ReturnType<typeof store.plans.list>>[number]>();
  for (const storeId of storeIds)
    for (const p of await store.plans.list({ storeId, limit: 200 })) seen.set(p.planId, p);
  return [...seen.values()];
}

/** The jobs: saved as pulled, read back in the wire shape, with their preferences and history. */
function jobMethods(
  store: Store,
): Pick<PipelineStorePort, 'saveJobs' | 'plannableJobs' | 'jobPreferences' | 'previousTechnicians'> {
  return {
    async saveJobs(raws) {
      return store.jobs.upsertMany(serviceJobRecordsFromWire(raws));
    },
    async plannableJobs(storeIds: string[], horizon: Interval) {
      const jobs = await store.jobs.listPlannable(storeIds, {
        from: new Date(horizon.start).toISOString(),
        to: new Date(horizon.end).toISOString(),
      });
      return jobs.map(storedJobToWire);
    },
    async jobPreferences(serviceJobIds) {
      const stored = await store.preferences.listFor(serviceJobIds);
      return new Map([...stored].map(([id, p]) => [id, p.preferences]));
    },
    async previousTechnicians(orderIds, since, exceptJobIds) {
      const visits = await store.history.previousVisits(orderIds, { since: new Date(since), exceptJobIds });
      return new Map([...visits].map(([order, v]) => [order, v.technicianIds]));
    },
  };
}

/** The capacity changes one succeeded journal entry made, as ledger events. */
function ledgerEventsOf(e: JournalEntry): LedgerEvent[] {
  const body = (e.requestBody ?? {}) as {
    resourceId?: string;
    records?: ScheduleRecordOut[];
    block?: CapacityBlock;
    reservationId?: string;
  };
  const result = (e.result ?? {}) as { reservationId?: string };
  switch (e.operation) {
    case 'updateSchedule':
      return body.resourceId && body.records
        ? [{ op: 'updateSchedule', resourceId: body.resourceId, records: body.records }]
        : [];
    case 'createReservation':
      return body.block
        ? [{ op: 'createReservation', reservationId: result.reservationId, block: body.block }]
        : [];
    case 'updateReservation':
      if (!body.block || !body.reservationId) return [];
      // An update replaces the reservation under a new id (when Amazon answered one).
      return result.reservationId !== undefined && result.reservationId !== body.reservationId
        ? [
            { op: 'cancelReservation', reservationId: body.reservationId },
            { op: 'createReservation', reservationId: result.reservationId, block: body.block },
          ]
        : [{ op: 'updateReservation', reservationId: body.reservationId, block: body.block }];
    case 'cancelReservation':
      return body.reservationId ? [{ op: 'cancelReservation', reservationId: body.reservationId }] : [];
    default:
      return [];
  }
}

/** The appointment times Amazon refused (job and start), less those a later attempt took. */
async function refusedAppointmentTimes(
  store: Store,
  plans: readonly { planId: string }[],
): Promise<Set<string>> {
  // A time refused once and then taken by a later attempt (the write-back retries a
  // refused appointment after the rest of the capacity changes landed) is not refused.
  const refused = new Set<string>();
  const taken = new Set<string>();
  for (const p of plans) {
    for (const e of await store.journal.list(p.planId)) {
      if (!APPOINTMENT_OPERATIONS.has(e.operation)) continue;
      const into =
        e.state === 'succeeded'
          ? taken
          : e.state === 'failed' && e.errorCode !== 'NOT_APPLIED'
            ? refused
            : undefined;
      const body = (e.personalRequestBody ?? {}) as { serviceJobId?: string; startTime?: string };
      if (into !== undefined && body.serviceJobId !== undefined && body.startTime !== undefined)
        into.add(`${body.serviceJobId}|${Date.parse(body.startTime)}`);
    }
  }
  return new Set([...refused].filter((k) => !taken.has(k)));
}

/** The retention purge, the audit log and the locks. */
function upkeepMethods(
  store: Store,
  actor: string,
): Pick<PipelineStorePort, 'purge' | 'audit' | 'acquireLock' | 'releaseLock'> {
  return {
    async purge(now: Date) {
      const r = await store.purgeExpiredPersonalData(now, actor);
      return { jobs: r.jobs };
    },
    async audit(action, details) {
      const planId = typeof details['planId'] === 'string' ? details['planId'] : undefined;
      await store.audit.record({ actor, action, details, ...(planId !== undefined ? { planId } : {}) });
    },
    async acquireLock(name, holder, ttlMs) {
      const attempt = await store.locks.tryAcquire(name, holder, ttlMs);
      return attempt.acquired ? { acquired: true } : { acquired: false, heldBy: attempt.heldBy };
    },
    async releaseLock(name, holder) {
      await store.locks.release(name, holder);
    },
  };
}

export function storePort(store: Store, options: { actor?: string } = {}): PipelineStorePort {
  const actor = options.actor ?? 'cli';
  const plansOf = (storeIds: string[]) => plansOfStores(store, storeIds);

  return {
    journal: journalPort(store),
    ...jobMethods(store),
    getWatermark: (storeId, marketplaceId) => store.watermarks.get(storeId, marketplaceId),
    async setWatermark(storeId, marketplaceId, value) {
      await store.watermarks.advance(storeId, marketplaceId, value);
    },
    async createPlan(input) {
      const record = await store.plans.create({
        ...(input.planId !== undefined ? { planId: input.planId } : {}),
        kind: input.kind ?? 'nightly',
        periodStart: input.days[0]!,
        periodEnd: input.days[input.days.length - 1]!,
        storeIds: input.storeIds,
      });
      return record.planId;
    },
    async savePlan(planId: string, plan: Plan, stats: unknown) {
      await store.plans.saveContent(planId, { plan, solverStats: stats });
    },
    async finishPlan(planId, status, kpis, failure) {
      await store.plans.finish(planId, { status, kpis, ...(failure !== undefined ? { failure } : {}) });
    },
    async latestPlan(days: string[], storeIds: string[]): Promise<StoredPlan | undefined> {
      const wanted = [...storeIds].sort().join(',');
      const candidates = (await plansOf(storeIds.slice(0, 1)))
        .filter(
          (p) =>
            (p.kind === 'nightly' || p.kind === 'optimize_today') &&
            p.periodStart === days[0] &&
            p.periodEnd === days[days.length - 1] &&
            [...p.storeIds].sort().join(',') === wanted,
        )
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      for (const summary of candidates) {
        const record = await store.plans.get(summary.planId);
        if (record?.plan === null || record?.plan === undefined) {
          // A run that stopped before its plan was saved: nothing to resume.
          if (summary.status === 'running') {
            await store.plans.finish(summary.planId, {
              status: 'failed',
              failure: { code: 'STOPPED_BEFORE_PLAN' },
            });
          }
          continue;
        }
        const status =
          summary.status === 'running' ? 'running' : summary.status === 'succeeded' ? 'succeeded' : 'failed';
        return { planId: summary.planId, plan: record.plan as Plan, status };
      }
      return undefined;
    },
    async ledgerEvents(storeIds: string[]): Promise<LedgerEvent[]> {
      const entries = [];
      for (const p of await plansOf(storeIds)) {
        for (const e of await store.journal.list(p.planId)) {
          if (e.state === 'succeeded' && CAPACITY_OPERATIONS.has(e.operation)) entries.push(e);
        }
      }
      entries.sort((a, b) => (a.resolvedAt ?? '').localeCompare(b.resolvedAt ?? '') || a.entryId - b.entryId);
      return entries.flatMap(ledgerEventsOf);
    },
    async refusedAppointmentTimes(storeIds: string[]): Promise<Set<string>> {
      return refusedAppointmentTimes(store, await plansOf(storeIds));
    },
    ...upkeepMethods(store, actor),
    close: () => store.close(),
  };
}

/** A stored job back in the Services wire shape that normalise reads. */
function storedJobToWire(job: StoredServiceJob): Record<string, unknown> {
  const p = job.personal;
  return {
    serviceJobId: job.serviceJobId,
    serviceJobStatus: job.status,
    ...(job.createdAt !== null ? { createTime: job.createdAt } : {}),
    ...(job.storeId !== null ? { storeId: job.storeId } : {}),
    ...(job.marketplaceId !== null ? { marketplaceId: job.marketplaceId } : {}),
    scopeOfWork: {
      ...(job.scopeOfWork?.asin ? { asin: job.scopeOfWork.asin } : {}),
      ...(job.scopeOfWork?.quantity !== null && job.scopeOfWork?.quantity !== undefined
        ? { quantity: job.scopeOfWork.quantity }
        : {}),
      requiredSkills: job.scopeOfWork?.requiredSkills ?? [],
    },
    preferredAppointmentTimes: p?.preferredAppointmentTimes ?? [],
    appointments: job.appointments.map((a) => ({
      appointmentId: a.appointmentId,
      ...(a.status !== null ? { appointmentStatus: a.status } : {}),
      ...(a.time !== null ? { appointmentTime: a.time } : {}),
      ...(a.technicianIds.length > 0
        ? { assignedTechnicians: a.technicianIds.map((technicianId) => ({ technicianId })) }
        : {}),
    })),
    ...(p !== null
      ? { buyer: { ...(p.isPrimeMember !== null ? { isPrimeMember: p.isPrimeMember } : {}) } }
      : {}),
    associatedItems: job.associatedItems.map((i) => ({
      ...(i.asin !== null ? { asin: i.asin } : {}),
      ...(i.orderId !== null ? { orderId: i.orderId } : {}),
      itemDelivery: {
        ...(i.estimatedDeliveryDate !== null ? { estimatedDeliveryDate: i.estimatedDeliveryDate } : {}),
        ...(i.deliveryPromise?.endTime
          ? { itemDeliveryPromise: { endTime: i.deliveryPromise.endTime } }
          : {}),
      },
    })),
    ...(p?.serviceAddress
      ? {
          serviceLocation: {
            ...(job.serviceLocationType !== null ? { serviceLocationType: job.serviceLocationType } : {}),
            address: p.serviceAddress,
          },
        }
      : {}),
  };
}
