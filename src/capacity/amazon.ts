/**
 * What Amazon reports about a store's capacity: the fixed-slot capacity of the store resource
 * (scheduled, reserved, encumbered, available; the minimum available over each slot) and the
 * appointment slots it offers buyers for a service ASIN. Read-only.
 */
import { formatWireTime } from '../schedule/index.ts';
import type { ServicesClient } from '../spapi/index.ts';

export interface FixedSlot {
  start: number;
  scheduled: number;
  reserved: number;
  encumbered: number;
  available: number;
}

export interface AppointmentSlot {
  start: number;
  end: number;
  capacity: number;
}

/** A piecewise-constant capacity over time, as Amazon's range read returns it. */
export interface CapacitySegment {
  start: number;
  end: number;
  capacity: number;
}

export interface RangeCapacity {
  scheduled: CapacitySegment[];
  reserved: CapacitySegment[];
  encumbered: CapacitySegment[];
}

export interface AmazonCapacityPort {
  /** Exact SCHEDULED, RESERVED and ENCUMBERED timelines of one resource (store or technician). */
  rangeCapacity(
    marketplaceId: string,
    resourceId: string,
    start: number,
    end: number,
  ): Promise<RangeCapacity>;
  fixedSlots(
    marketplaceId: string,
    resourceId: string,
    start: number,
    end: number,
    slotMinutes: number,
  ): Promise<FixedSlot[]>;
  appointmentSlots(
    marketplaceId: string,
    storeId: string,
    asin: string,
    start: number,
    end: number,
  ): Promise<AppointmentSlot[]>;
}

type Obj = Record<string, unknown>;
const obj = (x: unknown): Obj => (typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Obj) : {});
const num = (x: unknown): number => (typeof x === 'number' && Number.isFinite(x) ? x : 0);

export function amazonCapacityPort(client: ServicesClient): AmazonCapacityPort {
  return {
    async rangeCapacity(marketplaceId, resourceId, start, end) {
      const out: RangeCapacity = { scheduled: [], reserved: [], encumbered: [] };
      const pages = client.rangeSlotCapacityPages({
        resourceId,
        marketplaceIds: [marketplaceId],
        body: {
          capacityTypes: ['SCHEDULED_CAPACITY', 'RESERVED_CAPACITY', 'ENCUMBERED_CAPACITY'],
          startDateTime: formatWireTime(start),
          endDateTime: formatWireTime(end),
        },
      });
      const into: Record<string, CapacitySegment[]> = {
        SCHEDULED_CAPACITY: out.scheduled,
        RESERVED_CAPACITY: out.reserved,
        ENCUMBERED_CAPACITY: out.encumbered,
      };
      for await (const page of pages) {
        for (const c of (obj(page).capacities as unknown[] | undefined) ?? []) {
          const x = obj(c);
          const list = into[String(x.capacityType)];
          if (list === undefined) continue;
          for (const s of (x.slots as unknown[] | undefined) ?? []) {
            const y = obj(s);
            list.push({
              start: Date.parse(String(y.startDateTime)),
              end: Date.parse(String(y.endDateTime)),
              capacity: num(y.capacity),
            });
          }
        }
      }
      return out;
    },
    async fixedSlots(marketplaceId, resourceId, start, end, slotMinutes) {
      const out: FixedSlot[] = [];
      const pages = client.fixedSlotCapacityPages({
        resourceId,
        marketplaceIds: [marketplaceId],
        body: {
          capacityTypes: [
            'SCHEDULED_CAPACITY',
            'AVAILABLE_CAPACITY',
            'ENCUMBERED_CAPACITY',
            'RESERVED_CAPACITY',
          ],
          slotDuration: slotMinutes,
          startDateTime: formatWireTime(start),
          endDateTime: formatWireTime(end),
        },
      });
      for await (const page of pages) {
        for (const c of (obj(page).capacities as unknown[] | undefined) ?? []) {
          const x = obj(c);
          out.push({
            start: Date.parse(String(x.startDateTime)),
            scheduled: num(x.scheduledCapacity),
            reserved: num(x.reservedCapacity),
            encumbered: num(x.encumberedCapacity),
            available: num(x.availableCapacity),
          });
        }
      }
      return out;
    },
    async appointmentSlots(marketplaceId, storeId, asin, start, end) {
      const r = await client.getAppointmentSlots({
        asin,
        storeId,
        marketplaceIds: [marketplaceId],
        startTime: formatWireTime(start),
        endTime: formatWireTime(end),
      });
      const slots = (obj(obj(r).payload).appointmentSlots as unknown[] | undefined) ?? [];
      return slots.map((s) => {
        const x = obj(s);
        return {
          start: Date.parse(String(x.startTime)),
          end: Date.parse(String(x.endTime)),
          capacity: num(x.capacity),
        };
      });
    },
  };
}
