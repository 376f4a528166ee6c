/**
 * What Amazon holds of this engine's capacity writes. The Services API can read jobs back but
 * has no call that lists schedules or reservations, so their state is folded from the
 * write-back journal: every confirmed updateSchedule, createReservation, updateReservation
 * and cancelReservation, in order.
 */
import type { CapacityBlock, ScheduleRecordOut } from './plan.ts';

export interface LedgerReservation extends CapacityBlock {
  /** Undefined when a create was confirmed on Amazon's side but its answer was lost in a crash. */
  reservationId: string | undefined;
}

export interface Ledger {
  /** Schedule records written per resource id (`start-endxcapacity`); a later write over the same span replaces earlier ones. */
  schedules: Map<string, Set<string>>;
  reservations: LedgerReservation[];
}

export type LedgerEvent =
  | { op: 'updateSchedule'; resourceId: string; records: ScheduleRecordOut[] }
  | { op: 'createReservation'; reservationId: string | undefined; block: CapacityBlock }
  | { op: 'updateReservation'; reservationId: string; block: CapacityBlock }
  | { op: 'cancelReservation'; reservationId: string };

export const scheduleRecordKey = (r: ScheduleRecordOut): string => `${r.start}-${r.end}x${r.capacity}`;

function spanOf(key: string): [number, number] {
  const [span] = key.split('x');
  const [start, end] = span!.split('-').map(Number) as [number, number];
  return [start, end];
}

export function foldLedger(events: Iterable<LedgerEvent>): Ledger {
  const schedules = new Map<string, Set<string>>();
  const reservations = new Map<string, LedgerReservation>();
  let unknown = 0;
  for (const e of events) {
    switch (e.op) {
      case 'updateSchedule':
        {
          const written = schedules.get(e.resourceId) ?? new Set<string>();
          const lo = Math.min(...e.records.map((r) => r.start));
          const hi = Math.max(...e.records.map((r) => r.end));
          for (const k of [...written]) {
            const [s, t] = spanOf(k);
            if (s < hi && t > lo) written.delete(k);
          }
          for (const r of e.records) written.add(scheduleRecordKey(r));
          schedules.set(e.resourceId, written);
        }
        break;
      case 'createReservation': {
        const id = e.reservationId ?? `?${unknown++}`;
        reservations.set(id, { ...e.block, reservationId: e.reservationId });
        break;
      }
      case 'updateReservation':
        reservations.set(e.reservationId, { ...e.block, reservationId: e.reservationId });
        break;
      case 'cancelReservation':
        reservations.delete(e.reservationId);
        break;
    }
  }
  return { schedules, reservations: [...reservations.values()] };
}
