import type { ServiceJobStatus } from '../spapi/statuses.ts';
import type { Skill } from './catalog.ts';
import type { AvailabilityRule, WeeklyShift } from './schedule-rules.ts';

/** The sandbox's in-memory world: one seller's stores, crews, jobs, schedules and reservations. */

export interface Store {
  readonly storeId: string;
  readonly name: string;
  readonly metro: string;
  readonly timeZone: string;
  readonly postalCode: string;
  readonly city: string;
  readonly stateOrRegion: string;
  readonly latitude: number;
  readonly longitude: number;
}

interface HomeBase {
  readonly postalCode: string;
  readonly city: string;
  readonly stateOrRegion: string;
  readonly latitude: number;
  readonly longitude: number;
}

/** A technician (service resource) as the seller's crew roster knows it. */
export interface SeededCrew {
  readonly resourceId: string;
  readonly name: string;
  readonly storeId: string;
  readonly skills: readonly Skill[];
  readonly homeBase: HomeBase;
  readonly timeZone: string;
  readonly weeklyShifts: readonly WeeklyShift[];
  readonly lunch: { readonly start: string; readonly durationMinutes: number };
}

export type AppointmentStatus = 'ACTIVE' | 'CANCELLED' | 'COMPLETED';

export interface AppointmentRecord {
  appointmentId: string;
  status: AppointmentStatus;
  startMs: number;
  durationMinutes: number;
  technicianIds: string[];
  /** The appointment this one replaced. */
  rescheduledAppointmentId?: string;
}

export interface FulfillmentRecord {
  appointmentId: string;
  recordedMs: number;
  estimatedArrival?: { startMs: number; endMs: number };
  fulfillment?: { startMs: number; endMs: number };
  resourceIds: string[];
  uploadDestinationIds: string[];
}

export type JobStatus = ServiceJobStatus;

export interface JobRecord {
  serviceJobId: string;
  /** Jobs of another seller exist (ids answer 403) but are never listed. */
  sellerId: string;
  status: JobStatus;
  createdMs: number;
  lastUpdatedMs: number;
  storeId: string;
  marketplaceId: string;
  serviceOrderId: string;
  productOrderIds: string[];
  trackingIds: string[];
  scope: { asin: string; title: string; quantity: number; requiredSkills: Skill[] };
  durationMinutes: number;
  buyer: { buyerId: string; name: string; phone: string; isPrimeMember: boolean };
  address: {
    name: string;
    addressLine1: string;
    addressLine2?: string;
    city: string;
    stateOrRegion: string;
    postalCode: string;
    countryCode: string;
    phone: string;
  };
  /** Coordinates of the address's postal code (not on the wire; the geocoder derives them). */
  location: { latitude: number; longitude: number };
  preferredTimes: { startMs: number; durationMinutes: number }[];
  associatedItems: {
    asin: string;
    title: string;
    quantity: number;
    orderId: string;
    itemStatus: 'ACTIVE' | 'CANCELLED' | 'SHIPPED' | 'DELIVERED';
    brandName: string;
    estimatedDeliveryMs: number;
    promise: { startMs: number; endMs: number };
  }[];
  payments: { value: number; currency: string; instrument: string }[];
  appointments: AppointmentRecord[];
  fulfillment: FulfillmentRecord[];
  cancellationReasonCode?: string;
}

export type ReservationType = 'APPOINTMENT' | 'TRAVEL' | 'VACATION' | 'BREAK' | 'TRAINING';

export interface ReservationRecord {
  reservationId: string;
  resourceId: string;
  type: ReservationType;
  rule: AvailabilityRule;
  /** Seeded reservations (crew lunches) versus ones written over the wire. */
  origin: 'seed' | 'api';
}

export interface ScheduleRecord {
  resourceId: string;
  rule: AvailabilityRule;
  writtenMs: number;
  /** Records written by one updateSchedule request share a batch: together they replace the days they cover. */
  batch: number;
}

export interface UploadDestination {
  uploadDestinationId: string;
  token: string;
  contentType: string;
  contentLength: number;
  contentMD5?: string;
  key: Buffer;
  iv: Buffer;
  createdMs: number;
  uploaded?: Buffer;
}

export interface SandboxWorld {
  readonly sellerId: string;
  readonly serviceJobProviderId: string;
  readonly marketplaceId: string;
  readonly stores: Store[];
  readonly crews: SeededCrew[];
  readonly jobs: Map<string, JobRecord>;
  /** Schedule records written with updateSchedule, in write order (later ones override earlier). */
  readonly schedules: ScheduleRecord[];
  readonly reservations: Map<string, ReservationRecord>;
  readonly uploads: Map<string, UploadDestination>;
  /** Counter behind generated ids, so ids stay deterministic for a seed. */
  sequence: number;
}

export function activeAppointment(job: JobRecord): AppointmentRecord | undefined {
  return job.appointments.find((a) => a.status === 'ACTIVE');
}
