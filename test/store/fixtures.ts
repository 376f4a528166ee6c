/**
 * Service jobs in the Services wire shape, with personal data that is easy to spot in a
 * raw database dump.
 */
import {
  serviceJobRecordFromWire,
  type ServiceJobRecord,
  type ServiceJobStatus,
} from '../../src/store/service-job-record.ts';
import type { ServiceJob as ServiceJobWire } from '../../src/spapi/generated/services.ts';

export const BUYER_NAME = 'Zebulon Quillfeather';
export const BUYER_PHONE = '+1-206-555-0147';
export const STREET = '4821 Marigold Terrace';
export const PLAINTEXT_MARKERS = [BUYER_NAME, BUYER_PHONE, STREET, 'Quillfeather', '555-0147', 'Marigold'];

export function wireJob(id: string, overrides: Partial<ServiceJobWire> = {}): ServiceJobWire {
  return {
    serviceJobId: id,
    serviceJobStatus: 'PENDING_SCHEDULE',
    createTime: '2026-11-20T15:04:05Z',
    storeId: 'store-seattle',
    marketplaceId: 'ATVPDKIKX0DER',
    serviceOrderId: '113-1234567-1234567',
    seller: { sellerId: 'A1SELLER' },
    serviceJobProvider: { serviceJobProviderId: 'PROVIDER1' },
    productOrderIds: ['112-7654321-7654321'],
    scopeOfWork: { asin: 'B07PRODUCT', title: 'TV wall mounting', quantity: 1, requiredSkills: ['TV_MOUNT'] },
    buyer: { buyerId: 'BUYER42', name: BUYER_NAME, phone: BUYER_PHONE, isPrimeMember: true },
    serviceLocation: {
      serviceLocationType: 'IN_HOME',
      address: {
        name: BUYER_NAME,
        addressLine1: STREET,
        addressLine2: 'Apt 3B',
        city: 'Seattle',
        stateOrRegion: 'WA',
        postalCode: '98109',
        countryCode: 'US',
        phone: BUYER_PHONE,
      },
    },
    preferredAppointmentTimes: [{ startTime: '2026-11-24T17:00:00Z', durationInMinutes: 120 }],
    associatedItems: [
      {
        asin: 'B07PRODUCT',
        title: '65in television',
        quantity: 1,
        orderId: '112-7654321-7654321',
        itemStatus: 'DELIVERED',
        brandName: 'Acme',
        itemDelivery: { estimatedDeliveryDate: '2026-11-22T00:00:00Z' },
      },
    ],
    ...overrides,
  };
}

export function record(id: string, overrides: Partial<ServiceJobWire> = {}): ServiceJobRecord {
  const mapped = serviceJobRecordFromWire(wireJob(id, overrides));
  if (!mapped.ok) throw new Error(mapped.error.message);
  return mapped.record;
}

/** A job with an active appointment (NOT_SERVICED) at the given start. */
export function scheduledRecord(
  id: string,
  startTime: string,
  status: ServiceJobStatus = 'NOT_SERVICED',
): ServiceJobRecord {
  return record(id, {
    serviceJobStatus: status,
    appointments: [
      {
        appointmentId: `appt-${id}`,
        appointmentStatus: 'ACTIVE',
        appointmentTime: { startTime, durationInMinutes: 90 },
        assignedTechnicians: [{ technicianId: 'tech-7', name: 'Technician Name' }],
      },
    ],
  });
}

/** A settable clock for retention and lock expiry. */
export function manualClock(start: string): {
  now: () => Date;
  set(iso: string): void;
  advance(ms: number): void;
} {
  let t = Date.parse(start);
  return {
    now: () => new Date(t),
    set: (iso) => {
      t = Date.parse(iso);
    },
    advance: (ms) => {
      t += ms;
    },
  };
}
