/**
 * Binds the pipeline's ServicesPort to the Services client. Job pages are taken as Amazon
 * sends them (the client's response validation is off for this adapter) so one malformed
 * job is reported on its own by normalise instead of failing its whole page.
 */
import { formatWireTime } from '../../schedule/index.ts';
import {
  AuthError,
  NetworkError,
  ServicesApiError,
  ServicesClientError,
  type ServicesClient,
} from '../../spapi/index.ts';
import type { CapacityBlock, ScheduleRecordOut } from '../write/plan.ts';
import { ServicesCallError, type JobPage, type JobQuery, type ServicesPort } from '../ports.ts';
import type { Interval } from '../setup/planning-setup.ts';

type Obj = Record<string, unknown>;
const obj = (x: unknown): Obj => (typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Obj) : {});
const warningCodes = (x: unknown): string[] =>
  Array.isArray(x) ? x.map((w) => String(obj(w).code ?? '')).filter((c) => c !== '') : [];

/** 200 answers that carry `errors` (as the model allows for capacity writes) are failures. */
function refuseErrors(operation: string, body: unknown): void {
  const errors = obj(body).errors ?? obj(obj(body).payload).errors;
  if (Array.isArray(errors) && errors.length > 0) {
    const first = obj(errors[0]);
    throw new ServicesCallError(
      operation,
      422,
      String(first.code ?? 'InvalidInput'),
      `${operation}: ${String(first.message ?? 'refused')}`,
      undefined,
      first.message !== undefined ? String(first.message) : undefined,
    );
  }
}

async function mapped<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ServicesCallError) throw err;
    if (err instanceof ServicesApiError)
      throw new ServicesCallError(
        operation,
        err.status,
        err.code,
        err.message,
        err.requestId,
        err.errors[0]?.message,
      );
    if (err instanceof AuthError)
      throw new ServicesCallError(operation, 401, `AUTH_${err.code}`, err.message);
    if (err instanceof NetworkError) {
      // Not sent at all: safe to send again; sent: in doubt until reconciled.
      throw new ServicesCallError(operation, err.requestSent ? undefined : 0, err.code, err.message);
    }
    if (err instanceof ServicesClientError) {
      throw new ServicesCallError(
        operation,
        err.kind === 'validation' ? 400 : undefined,
        err.kind,
        err.message,
      );
    }
    throw err;
  }
}

const availability = (b: { start: number; end: number }) => ({
  startTime: formatWireTime(b.start),
  endTime: formatWireTime(b.end),
});

/** Reading the seller's service jobs, a page at a time or one by its id. */
function jobMethods(client: ServicesClient): Pick<ServicesPort, 'listServiceJobs' | 'getServiceJob'> {
  return {
    async *listServiceJobs(query: JobQuery): AsyncIterable<JobPage> {
      const params = {
        marketplaceIds: [query.marketplaceId],
        storeIds: query.storeIds,
        pageSize: 20,
        ...(query.lastUpdatedAfter !== undefined ? { lastUpdatedAfter: query.lastUpdatedAfter } : {}),
        ...(query.createdAfter !== undefined ? { createdAfter: query.createdAfter } : {}),
      };
      const pages = client.serviceJobPages(params);
      const iterator = pages[Symbol.asyncIterator]();
      for (;;) {
        const next = await mapped('getServiceJobs', () => iterator.next());
        if (next.done === true) return;
        const page = obj(next.value);
        yield {
          jobs: Array.isArray(page.jobs) ? (page.jobs as unknown[]) : [],
          totalResultSize: typeof page.totalResultSize === 'number' ? page.totalResultSize : undefined,
        };
      }
    },
    async getServiceJob(serviceJobId: string): Promise<unknown> {
      try {
        const r = await mapped('getServiceJobByServiceJobId', () =>
          client.getServiceJobByServiceJobId({ serviceJobId }),
        );
        return obj(r).payload;
      } catch (err) {
        if (err instanceof ServicesCallError && err.status === 404) return undefined;
        throw err;
      }
    },
  };
}

/** Booking, moving and staffing appointments. */
function appointmentMethods(
  client: ServicesClient,
): Pick<ServicesPort, 'addAppointment' | 'rescheduleAppointment' | 'assignAppointmentResources'> {
  return {
    async addAppointment(serviceJobId, time) {
      const r = await mapped('addAppointmentForServiceJobByServiceJobId', () =>
        client.addAppointmentForServiceJobByServiceJobId({ serviceJobId, body: { appointmentTime: time } }),
      );
      refuseErrors('addAppointmentForServiceJobByServiceJobId', r);
      const appointmentId = obj(r).appointmentId;
      if (typeof appointmentId !== 'string') {
        throw new ServicesCallError(
          'addAppointmentForServiceJobByServiceJobId',
          undefined,
          'NO_APPOINTMENT_ID',
          'answer without appointmentId',
        );
      }
      return { appointmentId, warnings: warningCodes(obj(r).warnings) };
    },
    async rescheduleAppointment(serviceJobId, appointmentId, time, reasonCode) {
      const r = await mapped('rescheduleAppointmentForServiceJobByServiceJobId', () =>
        client.rescheduleAppointmentForServiceJobByServiceJobId({
          serviceJobId,
          appointmentId,
          body: { appointmentTime: time, rescheduleReasonCode: reasonCode },
        }),
      );
      refuseErrors('rescheduleAppointmentForServiceJobByServiceJobId', r);
      const id = obj(r).appointmentId;
      if (typeof id !== 'string') {
        throw new ServicesCallError(
          'rescheduleAppointmentForServiceJobByServiceJobId',
          undefined,
          'NO_APPOINTMENT_ID',
          'answer without appointmentId',
        );
      }
      return { appointmentId: id, warnings: warningCodes(obj(r).warnings) };
    },
    async assignAppointmentResources(serviceJobId, appointmentId, resourceIds) {
      const r = await mapped('assignAppointmentResources', () =>
        client.assignAppointmentResources({
          serviceJobId,
          appointmentId,
          body: { resources: resourceIds.map((resourceId) => ({ resourceId })) },
        }),
      );
      refuseErrors('assignAppointmentResources', r);
      return { warnings: warningCodes(obj(obj(r).payload).warnings) };
    },
  };
}

/** The technicians' capacity: schedules, reservations and the reserved slots. */
function capacityMethods(
  client: ServicesClient,
): Pick<
  ServicesPort,
  'updateSchedule' | 'createReservation' | 'updateReservation' | 'cancelReservation' | 'reservedSlots'
> {
  return {
    async updateSchedule(marketplaceId: string, resourceId: string, records: ScheduleRecordOut[]) {
      const r = await mapped('updateSchedule', () =>
        client.updateSchedule({
          resourceId,
          marketplaceIds: [marketplaceId],
          body: { schedules: records.map((x) => ({ ...availability(x), capacity: x.capacity })) },
        }),
      );
      refuseErrors('updateSchedule', r);
      const payload = obj(r).payload;
      const recs = Array.isArray(payload) ? payload : [];
      for (const rec of recs) refuseErrors('updateSchedule', rec);
      return { warnings: recs.flatMap((rec) => warningCodes(obj(rec).warnings)) };
    },
    async createReservation(marketplaceId: string, block: CapacityBlock) {
      const r = await mapped('createReservation', () =>
        client.createReservation({
          marketplaceIds: [marketplaceId],
          body: {
            resourceId: block.resourceId,
            reservation: { type: block.type, availability: availability(block) },
          },
        }),
      );
      refuseErrors('createReservation', r);
      const id = obj(obj(obj(r).payload).reservation).reservationId;
      return { reservationId: typeof id === 'string' ? id : undefined };
    },
    async updateReservation(marketplaceId: string, reservationId: string, block: CapacityBlock) {
      const r = await mapped('updateReservation', () =>
        client.updateReservation({
          reservationId,
          marketplaceIds: [marketplaceId],
          body: {
            resourceId: block.resourceId,
            reservation: { reservationId, type: block.type, availability: availability(block) },
          },
        }),
      );
      refuseErrors('updateReservation', r);
      // The update replaces the reservation: the answer carries only the new reservationId.
      const id = obj(obj(obj(r).payload).reservation).reservationId;
      return { reservationId: typeof id === 'string' ? id : undefined };
    },
    async cancelReservation(marketplaceId: string, reservationId: string) {
      await mapped('cancelReservation', () =>
        client.cancelReservation({ reservationId, marketplaceIds: [marketplaceId] }),
      );
    },
    async reservedSlots(marketplaceId: string, resourceId: string, interval: Interval) {
      const out: { start: number; end: number; capacity: number }[] = [];
      const pages = client.rangeSlotCapacityPages({
        resourceId,
        marketplaceIds: [marketplaceId],
        body: {
          capacityTypes: ['RESERVED_CAPACITY'],
          startDateTime: formatWireTime(interval.start),
          endDateTime: formatWireTime(interval.end),
        },
      });
      const iterator = pages[Symbol.asyncIterator]();
      for (;;) {
        const next = await mapped('getRangeSlotCapacity', () => iterator.next());
        if (next.done === true) break;
        for (const c of (obj(next.value).capacities as unknown[] | undefined) ?? []) {
          for (const slot of (obj(c).slots as unknown[] | undefined) ?? []) {
            const x = obj(slot);
            out.push({
              start: Date.parse(String(x.startDateTime)),
              end: Date.parse(String(x.endDateTime)),
              capacity: Number(x.capacity ?? 0),
            });
          }
        }
      }
      return out;
    },
  };
}

export function servicesPort(client: ServicesClient): ServicesPort {
  return { ...jobMethods(client), ...appointmentMethods(client), ...capacityMethods(client) };
}
