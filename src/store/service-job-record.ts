/**
 * A service job as the store keeps it: the Services wire job split into what planning needs
 * without personal data (ids, status, scope of work, items) and the personal part
 * (`personal`, and each appointment's `time`), which is encrypted at rest and gone after
 * the retention period. Payments and technician names are not kept at all.
 */
import type {
  Address,
  AppointmentTime as WireAppointmentTime,
  LinkedAsset as WireLinkedAsset,
  ServiceJob,
} from '../spapi/generated/services.ts';
import { SERVICE_JOB_STATUSES, type ServiceJobStatus } from '../spapi/statuses.ts';

export { type ServiceJobStatus };

/** Statuses after which a job's personal data starts its retention countdown. */
export const CLOSED_STATUSES: ReadonlySet<string> = new Set(['COMPLETED', 'CANCELLED']);
/** Statuses the planner works on: needs an appointment, or needs a technician and a route. */
export const PLANNABLE_STATUSES: readonly ServiceJobStatus[] = ['PENDING_SCHEDULE', 'NOT_SERVICED'];

/** `startTime` is ISO-8601 UTC. */
export type AppointmentTime = WireAppointmentTime;
export type ServiceAddress = Address;
export type LinkedAsset = WireLinkedAsset;

/** Personal data of one job. Encrypted field by field; deleted by retention. */
export interface JobPersonalData {
  buyerId: string | null;
  buyerName: string | null;
  buyerPhone: string | null;
  isPrimeMember: boolean | null;
  serviceAddress: ServiceAddress | null;
  preferredAppointmentTimes: AppointmentTime[];
  /** Per associated item (same index); vehicle assets can identify a person. */
  linkedAssets: (LinkedAsset[] | null)[];
}

interface ScopeOfWork {
  asin: string | null;
  title: string | null;
  quantity: number | null;
  requiredSkills: string[];
}

interface AssociatedItemRecord {
  asin: string | null;
  title: string | null;
  quantity: number | null;
  orderId: string | null;
  itemStatus: string | null;
  brandName: string | null;
  estimatedDeliveryDate: string | null;
  deliveryPromise: { startTime: string | null; endTime: string | null } | null;
}

export interface AppointmentRecord {
  appointmentId: string;
  status: 'ACTIVE' | 'CANCELLED' | 'COMPLETED' | null;
  rescheduledAppointmentId: string | null;
  technicianIds: string[];
  poaType: string | null;
  /** When a technician is at the buyer's address: personal; null once purged. */
  time: AppointmentTime | null;
}

/** The non-personal remainder of a job, stored as one JSON column. */
export interface ServiceJobDetails {
  sellerId: string | null;
  serviceJobProviderId: string | null;
  productOrderIds: string[];
  trackingIds: string[];
  scopeOfWork: ScopeOfWork | null;
  associatedItems: AssociatedItemRecord[];
}

export interface ServiceJobRecord extends ServiceJobDetails {
  serviceJobId: string;
  storeId: string | null;
  marketplaceId: string | null;
  serviceOrderId: string | null;
  status: ServiceJobStatus;
  serviceLocationType: 'IN_HOME' | 'IN_STORE' | 'ONLINE' | null;
  /** Amazon's createTime, ISO-8601 UTC. */
  createdAt: string | null;
  appointments: AppointmentRecord[];
  /** Null when the job carried none, or once the retention purge removed it. */
  personal: JobPersonalData | null;
}

/** A job as read back from the store, with the store's own bookkeeping. */
export interface StoredServiceJob extends ServiceJobRecord {
  firstPulledAt: string;
  lastPulledAt: string;
  statusChangedAt: string;
  closedAt: string | null;
  personalDataPurgedAt: string | null;
}

export type JobMappingError = { code: 'JOB_ID_MISSING' | 'JOB_STATUS_INVALID'; message: string };

/**
 * The records of the jobs that map (`serviceJobRecordFromWire`), in order; jobs the planner
 * cannot key or classify are left out (the pull has already reported them).
 */
export function serviceJobRecordsFromWire(wires: readonly unknown[]): ServiceJobRecord[] {
  const records: ServiceJobRecord[] = [];
  for (const wire of wires) {
    const mapped = serviceJobRecordFromWire(wire as ServiceJob);
    if (mapped.ok) records.push(mapped.record);
  }
  return records;
}

/**
 * Maps a Services `ServiceJob` to the record the store keeps. Returns an error value for
 * jobs the planner cannot key or classify; the message names no personal data.
 */
export function serviceJobRecordFromWire(
  wire: ServiceJob,
): { ok: true; record: ServiceJobRecord } | { ok: false; error: JobMappingError } {
  if (wire.serviceJobId === undefined || wire.serviceJobId === '') {
    return { ok: false, error: { code: 'JOB_ID_MISSING', message: 'service job without serviceJobId' } };
  }
  const status = wire.serviceJobStatus;
  if (status === undefined || !(SERVICE_JOB_STATUSES as readonly string[]).includes(status)) {
    return {
      ok: false,
      error: {
        code: 'JOB_STATUS_INVALID',
        message: `service job ${wire.serviceJobId}: status ${String(status)} is not one of ${SERVICE_JOB_STATUSES.join(', ')}`,
      },
    };
  }
  const items = wire.associatedItems ?? [];
  const buyer = wire.buyer;
  const address = wire.serviceLocation?.address;
  const personal: JobPersonalData = {
    buyerId: buyer?.buyerId ?? null,
    buyerName: buyer?.name ?? null,
    buyerPhone: buyer?.phone ?? null,
    isPrimeMember: buyer?.isPrimeMember ?? null,
    serviceAddress: address === undefined ? null : stripUndefined({ ...address }),
    preferredAppointmentTimes: (wire.preferredAppointmentTimes ?? []).map(appointmentTime),
    linkedAssets: items.some((item) => item.linkedAssets !== undefined)
      ? items.map((item) => item.linkedAssets ?? null)
      : [],
  };
  const hasPersonal =
    buyer !== undefined ||
    address !== undefined ||
    personal.preferredAppointmentTimes.length > 0 ||
    personal.linkedAssets.length > 0;
  return {
    ok: true,
    record: {
      serviceJobId: wire.serviceJobId,
      storeId: wire.storeId ?? null,
      marketplaceId: wire.marketplaceId ?? null,
      serviceOrderId: wire.serviceOrderId ?? null,
      status: status as ServiceJobStatus,
      serviceLocationType: wire.serviceLocation?.serviceLocationType ?? null,
      createdAt: isoOrNull(wire.createTime),
      sellerId: wire.seller?.sellerId ?? null,
      serviceJobProviderId: wire.serviceJobProvider?.serviceJobProviderId ?? null,
      productOrderIds: wire.productOrderIds ?? [],
      trackingIds: wire.trackingIds ?? [],
      scopeOfWork:
        wire.scopeOfWork === undefined
          ? null
          : {
              asin: wire.scopeOfWork.asin ?? null,
              title: wire.scopeOfWork.title ?? null,
              quantity: wire.scopeOfWork.quantity ?? null,
              requiredSkills: wire.scopeOfWork.requiredSkills ?? [],
            },
      associatedItems: items.map((item) => ({
        asin: item.asin ?? null,
        title: item.title ?? null,
        quantity: item.quantity ?? null,
        orderId: item.orderId ?? null,
        itemStatus: item.itemStatus ?? null,
        brandName: item.brandName ?? null,
        estimatedDeliveryDate: item.itemDelivery?.estimatedDeliveryDate ?? null,
        deliveryPromise:
          item.itemDelivery?.itemDeliveryPromise === undefined
            ? null
            : {
                startTime: item.itemDelivery.itemDeliveryPromise.startTime ?? null,
                endTime: item.itemDelivery.itemDeliveryPromise.endTime ?? null,
              },
      })),
      appointments: (wire.appointments ?? [])
        .filter((a): a is typeof a & { appointmentId: string } => a.appointmentId !== undefined)
        .map((a) => ({
          appointmentId: a.appointmentId,
          status: a.appointmentStatus ?? null,
          rescheduledAppointmentId: a.rescheduledAppointmentId ?? null,
          technicianIds: (a.assignedTechnicians ?? [])
            .map((t) => t.technicianId)
            .filter((id): id is string => id !== undefined),
          poaType: a.poa?.poaType ?? null,
          time: a.appointmentTime === undefined ? null : appointmentTime(a.appointmentTime),
        })),
      personal: hasPersonal ? personal : null,
    },
  };
}

function appointmentTime(time: { startTime: string; durationInMinutes: number }): AppointmentTime {
  return { startTime: time.startTime, durationInMinutes: time.durationInMinutes };
}

/** Normalised to `toISOString()` form so it reads back identically from either dialect. */
function isoOrNull(value: string | undefined): string | null {
  if (value === undefined) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
