/**
 * Loads what the KPIs are computed from: the store's jobs and appointments from Amazon with
 * the fulfilment their data carries (an appointment's proof of appointment), the fulfilment
 * data set through this engine (close-out journal entries, decrypted in memory only), and the
 * routes and shifts of the latest nightly plan of each day. Ids, counts and shares come out.
 */
import { DateTime } from 'luxon';
import type { PlanningConfig } from '../config/index.ts';
import { FULFILLMENT_OPERATION } from '../closeout/index.ts';
import type { Plan, RosterShift } from '../pipeline/write/plan.ts';
import { formatWireTime } from '../schedule/index.ts';
import type { ServicesClient } from '../spapi/index.ts';
import type { Store } from '../store/index.ts';
import { computeKpis, type KpiAppointment, type KpiFulfilment, type KpiReport } from './compute.ts';

export { computeKpis, type KpiFulfilment, type KpiInput } from './compute.ts';
/** The close-out call that completes a job (src/closeout). */
const COMPLETION_OPERATION = 'completeServiceJobByServiceJobId';

export interface KpiDeps {
  client: ServicesClient;
  db: Store;
  config: PlanningConfig;
  marketplaceId: string;
  clock: () => Date;
}

export interface KpiQuery {
  storeId: string;
  from: string;
  to: string;
}

export class KpiQueryError extends Error {
  override readonly name = 'KpiQueryError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Jobs are read back this far before the period: appointments are booked at most this long after a job is created. */
const LOOKBACK_DAYS = 365;
export const MAX_KPI_DAYS = 92;
const GRACE_MINUTES = 15;

type Obj = Record<string, unknown>;
const obj = (x: unknown): Obj => (typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Obj) : {});
const arr = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);

export interface KpiResult extends KpiReport {
  storeId: string;
  from: string;
  to: string;
  timeZone: string;
  generatedAt: string;
}

export async function loadKpis(deps: KpiDeps, q: KpiQuery): Promise<KpiResult> {
  const store = deps.config.stores.find((s) => s.storeId === q.storeId);
  if (store === undefined)
    throw new KpiQueryError('storeId', `store ${q.storeId} is not in the crews config`);
  const first = DateTime.fromISO(q.from, { zone: store.timeZone }).startOf('day');
  const last = DateTime.fromISO(q.to, { zone: store.timeZone }).startOf('day');
  if (last < first) throw new KpiQueryError('to', `expected a date on or after from (${q.from})`);
  if (last.diff(first, 'days').days >= MAX_KPI_DAYS)
    throw new KpiQueryError('to', `expected a range of at most ${MAX_KPI_DAYS} days`);
  const start = first.toMillis();
  const end = last.plus({ days: 1 }).toMillis();
  const now = deps.clock().getTime();

  const appointments: KpiAppointment[] = [];
  const fulfilments: KpiFulfilment[] = [];
  for await (const job of deps.client.serviceJobs({
    marketplaceIds: [deps.marketplaceId],
    storeIds: [q.storeId],
    createdAfter: formatWireTime(start - LOOKBACK_DAYS * 86_400_000),
  })) {
    const j = obj(job);
    for (const a of arr(j.appointments).map(obj)) {
      if (a.appointmentStatus !== 'ACTIVE' && a.appointmentStatus !== 'COMPLETED') continue;
      const t = obj(a.appointmentTime);
      const s = Date.parse(String(t.startTime));
      const minutes = Number(t.durationInMinutes);
      if (!Number.isFinite(s) || !Number.isFinite(minutes) || s < start || s >= end) continue;
      const poa = fulfilmentOnAmazon(String(j.serviceJobId), String(a.appointmentId), a.poa);
      if (poa !== undefined) fulfilments.push(poa);
      appointments.push({
        serviceJobId: String(j.serviceJobId),
        appointmentId: String(a.appointmentId),
        jobStatus: String(j.serviceJobStatus),
        start: s,
        end: s + minutes * 60_000,
        technicianIds: arr(a.assignedTechnicians)
          .map((x) => obj(x).technicianId)
          .filter((x): x is string => typeof x === 'string'),
      });
    }
  }

  const plans = await deps.db.plans.list({ storeId: q.storeId, limit: 5000 });
  const closedHere = new Set<string>();
  for (const p of plans.filter((x) => x.kind === 'manual')) {
    for (const e of await deps.db.journal.list(p.planId)) {
      if (e.state !== 'succeeded' || e.serviceJobId === null) continue;
      if (e.operation === COMPLETION_OPERATION) closedHere.add(e.serviceJobId);
      if (e.operation !== FULFILLMENT_OPERATION) continue;
      const body = obj(e.personalRequestBody);
      const time = obj(body.fulfillmentTime);
      const s = Date.parse(String(time.startTime));
      const f = Date.parse(String(time.endTime));
      if (!Number.isFinite(s) || !Number.isFinite(f)) continue; // purged after retention
      fulfilments.push({
        serviceJobId: e.serviceJobId,
        appointmentId: e.appointmentId ?? '',
        source: 'journal',
        start: s,
        end: f,
        technicianIds: arr(body.technicianIds).filter((x): x is string => typeof x === 'string'),
      });
    }
  }

  // Each day's routes from the latest nightly plan that planned that day.
  const nightly = plans
    .filter(
      (p) => p.kind === 'nightly' && p.status !== 'running' && p.periodEnd >= q.from && p.periodStart <= q.to,
    )
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const routes: Plan['routes'] = [];
  const shifts: RosterShift[] = [];
  let rostered = true;
  const covered = new Set<string>();
  for (const summary of nightly) {
    const record = await deps.db.plans.get(summary.planId);
    const plan = record?.plan as Plan | null | undefined;
    if (plan === null || plan === undefined) continue;
    const days = new Set<string>();
    for (const r of plan.routes) {
      if (r.day < q.from || r.day > q.to || covered.has(r.day)) continue;
      if (!r.stops.some((s) => s.storeId === q.storeId)) continue;
      routes.push(r);
      days.add(r.day);
    }
    for (const d of days) covered.add(d);
    // The shifts of those days, technicians without a route included (plans that recorded them).
    if (plan.roster === undefined) rostered = false;
    for (const x of plan.roster ?? []) if (days.has(x.day) && x.storeId === q.storeId) shifts.push(x);
  }
  for (const a of appointments) if (closedHere.has(a.serviceJobId)) a.closedHere = true;

  const report = computeKpis({
    appointments,
    fulfilments,
    routes,
    ...(rostered ? { shifts } : {}),
    appointmentTime: deps.config.planning.appointmentTime,
    graceMinutes: GRACE_MINUTES,
    now,
  });
  return {
    storeId: q.storeId,
    from: q.from,
    to: q.to,
    timeZone: store.timeZone,
    generatedAt: new Date(now).toISOString(),
    ...report,
  };
}

/**
 * The fulfilment an appointment's proof of appointment (POA) shows at Amazon: that the work was
 * done, and by whom. Amazon's job data carries no fulfilment times (the POA's own appointment
 * time is the booked window, not when the work happened), so those come from the journal.
 */
export function fulfilmentOnAmazon(
  serviceJobId: string,
  appointmentId: string,
  poa: unknown,
): KpiFulfilment | undefined {
  if (typeof poa !== 'object' || poa === null) return undefined;
  const p = obj(poa);
  const technicianIds = arr(p.technicians)
    .map((x) => obj(x).technicianId)
    .filter((x): x is string => typeof x === 'string');
  if (technicianIds.length === 0 && typeof p.uploadingTechnician === 'string')
    technicianIds.push(p.uploadingTechnician);
  if (technicianIds.length === 0 && p.uploadTime === undefined && p.poaType === undefined) return undefined;
  return { serviceJobId, appointmentId, source: 'amazon', technicianIds };
}
