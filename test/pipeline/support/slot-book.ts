/**
 * A small stand-in for Amazon's appointment and reservation capacity, for write-back tests:
 * hourly slots of capacity one, taken by active appointments and reservations. A call is
 * decided when it arrives (after its latency), as Amazon does, and answered after.
 *
 * Faults follow the sandbox's kinds as the Services client sees them: a throttled or failed
 * call is retried by the client (more latency) unless repeating it could duplicate what it
 * creates (add, reschedule, create reservation), in which case it surfaces as in doubt.
 */
import { ServicesCallError, type ServicesPort } from '../../../src/pipeline/ports.ts';
import type { CapacityBlock } from '../../../src/pipeline/write/plan.ts';

export const HOUR = 3_600_000;
/** Slot 0; far from any real date, and only a label here. */
const BASE = Date.parse('2031-03-03T14:00:00Z');
export const slotTime = (slot: number): number => BASE + slot * HOUR;
const slotOf = (startTime: string): number => (Date.parse(startTime) - BASE) / HOUR;

type Fault = 'ok' | '429' | '5xx' | 'drop' | 'dropafter';

/** What happens to one attempt of a call: its fault and its latency. */
export type FaultPlan = (call: { operation: string; subject: string; attempt: number }) => {
  fault: Fault;
  latencyMs: number;
};

export const noFaults: FaultPlan = () => ({ fault: 'ok', latencyMs: 1 });

/** Seeded draws with the sandbox's kinds and the given rates (mulberry32). */
export function seededFaults(
  seed: number,
  rates: { '429': number; '5xx': number; drop: number; dropafter: number },
  maxLatencyMs = 3,
): FaultPlan {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => {
    const r = next();
    const latencyMs = Math.floor(next() * (maxLatencyMs + 1));
    let edge = 0;
    for (const fault of ['429', '5xx', 'drop', 'dropafter'] as const) {
      edge += rates[fault];
      if (r < edge) return { fault, latencyMs };
    }
    return { fault: 'ok', latencyMs };
  };
}

const CREATING = new Set(['add', 'reschedule', 'createReservation']);
const CLIENT_ATTEMPTS = 6;

interface Appointment {
  appointmentId: string;
  slot: number;
  status: 'ACTIVE' | 'CANCELLED';
}

export interface SlotBook {
  services: ServicesPort;
  /** Active appointments per job, as slot numbers. */
  appointments(): Map<string, number[]>;
  /** Reservations held, as `resourceId@slot`, sorted. */
  reservations(): string[];
  /** Calls that changed something (for "a second pass writes nothing"). */
  writes(): number;
  /** Calls that got an answer or a fault, per operation. */
  sent: { operation: string; subject: string; outcome: string }[];
}

export function slotBook(input: {
  appointments: Record<string, number>;
  reservations?: Record<string, number>;
  faults?: FaultPlan;
}): SlotBook {
  const faults = input.faults ?? noFaults;
  const jobs = new Map<string, Appointment[]>();
  const reservations = new Map<string, { resourceId: string; slot: number }>();
  let ids = 0;
  let writes = 0;
  for (const [job, slot] of Object.entries(input.appointments))
    jobs.set(job, [{ appointmentId: `${job}-0`, slot, status: 'ACTIVE' }]);
  for (const [id, slot] of Object.entries(input.reservations ?? {}))
    reservations.set(id, { resourceId: 'T1', slot });
  const sent: SlotBook['sent'] = [];

  const taken = (slot: number, except?: string): boolean =>
    [...jobs.values()].some((as) =>
      as.some((a) => a.status === 'ACTIVE' && a.slot === slot && a.appointmentId !== except),
    ) || [...reservations.entries()].some(([id, r]) => r.slot === slot && id !== except);
  const refuse = (operation: string): never => {
    throw new ServicesCallError(operation, 422, 'InvalidInput', 'slot is not available');
  };

  /** One call as the client makes it: attempts with faults, the effect decided on arrival. */
  async function exchange<T>(operation: string, subject: string, effect: () => T): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const { fault, latencyMs } = faults({ operation, subject, attempt });
      await new Promise((r) => setTimeout(r, latencyMs));
      const repeatable = !CREATING.has(operation);
      const last = attempt >= CLIENT_ATTEMPTS;
      if (fault === '429') {
        sent.push({ operation, subject, outcome: '429' });
        if (last) throw new ServicesCallError(operation, 429, 'QuotaExceeded', 'throttled');
        continue;
      }
      if (fault === '5xx' || fault === 'drop') {
        sent.push({ operation, subject, outcome: fault });
        if (repeatable && !last) continue;
        throw new ServicesCallError(operation, fault === '5xx' ? 503 : undefined, fault, 'no answer');
      }
      let value: T;
      try {
        value = effect();
      } catch (err) {
        sent.push({ operation, subject, outcome: 'refused' });
        throw err;
      }
      writes += 1;
      sent.push({ operation, subject, outcome: fault === 'dropafter' ? 'dropafter' : 'ok' });
      if (fault === 'dropafter') {
        if (repeatable && !last) continue;
        throw new ServicesCallError(operation, undefined, 'drop', 'answer lost');
      }
      return value;
    }
  }

  const jobOf = (id: string): Appointment[] => {
    const j = jobs.get(id);
    if (j === undefined) throw new ServicesCallError('job', 404, 'NotFound', 'no such job');
    return j;
  };

  const services = {
    listServiceJobs: () => {
      throw new Error('not used');
    },
    getServiceJob: async (id: string) => {
      const as = jobs.get(id);
      if (as === undefined) return undefined;
      return {
        serviceJobId: id,
        serviceJobStatus: 'NOT_SERVICED',
        appointments: as.map((a) => ({
          appointmentId: a.appointmentId,
          appointmentStatus: a.status,
          appointmentTime: { startTime: new Date(slotTime(a.slot)).toISOString(), durationInMinutes: 60 },
        })),
      };
    },
    addAppointment: (id: string, time: { startTime: string }) =>
      exchange('add', id, () => {
        const as = jobs.get(id) ?? [];
        const slot = slotOf(time.startTime);
        if (as.some((a) => a.status === 'ACTIVE') || taken(slot)) refuse('add');
        const a: Appointment = { appointmentId: `${id}-a${ids++}`, slot, status: 'ACTIVE' };
        jobs.set(id, [...as, a]);
        return { appointmentId: a.appointmentId, warnings: [] };
      }),
    rescheduleAppointment: (id: string, appointmentId: string, time: { startTime: string }) =>
      exchange('reschedule', id, () => {
        const as = jobOf(id);
        const old = as.find((a) => a.appointmentId === appointmentId && a.status === 'ACTIVE');
        const slot = slotOf(time.startTime);
        if (old === undefined || taken(slot, appointmentId)) refuse('reschedule');
        old!.status = 'CANCELLED';
        const a: Appointment = { appointmentId: `${id}-a${ids++}`, slot, status: 'ACTIVE' };
        as.push(a);
        return { appointmentId: a.appointmentId, warnings: [] };
      }),
    assignAppointmentResources: (id: string) => exchange('assign', id, () => ({ warnings: [] })),
    updateSchedule: (_m: string, resourceId: string) =>
      exchange('updateSchedule', resourceId, () => ({ warnings: [] })),
    createReservation: (_m: string, block: CapacityBlock) =>
      exchange('createReservation', String(block.start), () => {
        const slot = (block.start - BASE) / HOUR;
        if (taken(slot)) refuse('createReservation');
        const reservationId = `NEW${ids++}`;
        reservations.set(reservationId, { resourceId: block.resourceId, slot });
        return { reservationId };
      }),
    updateReservation: (_m: string, reservationId: string, block: CapacityBlock) =>
      exchange('updateReservation', reservationId, () => {
        const slot = (block.start - BASE) / HOUR;
        if (!reservations.has(reservationId) || taken(slot, reservationId)) refuse('updateReservation');
        reservations.set(reservationId, { resourceId: block.resourceId, slot });
      }),
    cancelReservation: (_m: string, reservationId: string) =>
      exchange('cancelReservation', reservationId, () => {
        if (!reservations.delete(reservationId))
          throw new ServicesCallError('cancelReservation', 404, 'NotFound', 'no such reservation');
      }),
    reservedSlots: async (_m: string, resourceId: string, interval: { start: number; end: number }) => {
      const slot = (interval.start - BASE) / HOUR;
      const n = [...reservations.values()].filter(
        (r) => r.resourceId === resourceId && r.slot === slot,
      ).length;
      return [{ start: interval.start, end: interval.end, capacity: n }];
    },
  } as unknown as ServicesPort;

  return {
    services,
    sent,
    writes: () => writes,
    appointments: () =>
      new Map([...jobs].map(([id, as]) => [id, as.filter((a) => a.status === 'ACTIVE').map((a) => a.slot)])),
    reservations: () => [...reservations.values()].map((r) => `${r.resourceId}@${r.slot}`).sort(),
  };
}
