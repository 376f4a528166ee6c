/**
 * Plan → the write calls needed, and no more: compare each planned appointment with the one
 * Amazon has, each resource's schedule and the reservations with the ledger. Pure.
 */
import { blockKey, type AppointmentWrite, type WriteOperation } from './operations.ts';
import { scheduleRecordKey, type Ledger, type LedgerReservation } from './ledger.ts';
import { compareBlocks, type CapacityBlock, type Plan, type PlannedAppointment } from './plan.ts';
import type { PlanningRules } from '../setup/planning-setup.ts';

/**
 * How a planned appointment differs from the one Amazon holds (`current`): its time, its
 * technicians as assigned (in order: what a write would send) and its crew (the same
 * technicians in any order). Undefined for an appointment Amazon does not have yet.
 */
export function appointmentChange(
  a: Pick<PlannedAppointment, 'time' | 'technicianIds' | 'current'>,
): { time: boolean; technicians: boolean; crew: boolean } | undefined {
  const current = a.current;
  if (current === undefined) return undefined;
  const sorted = (ids: readonly string[]): string => [...ids].sort().join(',');
  return {
    time: current.time.start !== a.time.start || current.time.minutes !== a.time.minutes,
    technicians: current.technicianIds.join(',') !== a.technicianIds.join(','),
    crew: sorted(current.technicianIds) !== sorted(a.technicianIds),
  };
}

export function diffPlan(
  plan: Plan,
  ledger: Ledger,
  rules: Pick<PlanningRules, 'rescheduleReasonCode'>,
  now?: number,
): WriteOperation[] {
  const ops: WriteOperation[] = [];

  for (const s of plan.schedules) {
    const written = ledger.schedules.get(s.resourceId);
    const same = written !== undefined && s.records.every((r) => written.has(scheduleRecordKey(r)));
    if (!same) {
      ops.push({
        op: 'updateSchedule',
        key: `schedule|${s.resourceId}|${s.records.map(scheduleRecordKey).join(',')}`,
        resourceId: s.resourceId,
        records: s.records,
      });
    }
  }

  for (const a of plan.appointments) {
    const current = a.current;
    const change = appointmentChange(a);
    const sameTime = change !== undefined && !change.time;
    if (change !== undefined && !change.time && !change.technicians) continue;
    const op: AppointmentWrite = {
      op: 'appointment',
      key: `appointment|${a.serviceJobId}|${a.time.start}|${a.time.minutes}|${a.technicianIds.join('+')}`,
      serviceJobId: a.serviceJobId,
      time: a.time,
      set:
        current === undefined
          ? { kind: 'add' }
          : sameTime
            ? undefined
            : {
                kind: 'reschedule',
                appointmentId: current.appointmentId,
                reasonCode: rules.rescheduleReasonCode,
              },
      appointmentId: sameTime ? current?.appointmentId : undefined,
      // A reschedule drops the technicians, so they are assigned again even when unchanged.
      assign: a.technicianIds,
    };
    ops.push(op);
  }

  if (now !== undefined) ops.push(...releases(plan, rules, now));
  ops.push(...diffReservations(plan, ledger.reservations, now));
  return ops;
}

/**
 * Booked appointments the plan leaves unserved must not stay assigned to technicians the plan
 * uses elsewhere (or who are out): Amazon would show them busy, and send them, where the plan
 * says nobody goes. Amazon has no call that only unassigns (an assignment names at least one
 * technician), but a reschedule drops the technicians, so the appointment is rescheduled to
 * its own time: the buyer's time is unchanged, no technician is assigned, and Amazon goes on
 * counting the appointment against the store's capacity (holds.ts). The dispatcher is told
 * the buyer needs a new time. One that has started already is left as it is.
 */
function releases(
  plan: Plan,
  rules: Pick<PlanningRules, 'rescheduleReasonCode'>,
  now: number,
): AppointmentWrite[] {
  const served = new Set(plan.appointments.map((a) => a.serviceJobId));
  const ops: AppointmentWrite[] = [];
  for (const u of plan.unassigned) {
    const current = u.current;
    if (current === undefined || served.has(u.serviceJobId)) continue;
    if (current.technicianIds.length === 0 || current.time.start <= now) continue;
    ops.push({
      op: 'appointment',
      key: `release|${u.serviceJobId}|${current.appointmentId}`,
      serviceJobId: u.serviceJobId,
      time: current.time,
      set: {
        kind: 'reschedule',
        appointmentId: current.appointmentId,
        reasonCode: rules.rescheduleReasonCode,
      },
      appointmentId: undefined,
      assign: undefined,
    });
  }
  return ops;
}

/**
 * Exact matches stay; the rest are paired in time order per resource and type (update), and
 * what is left is created or cancelled. Only ledger entries inside the plan's horizon and for
 * the plan's resources are considered, so other days are never touched.
 */
function diffReservations(
  plan: Plan,
  existing: readonly LedgerReservation[],
  now: number | undefined,
): WriteOperation[] {
  const resources = new Set(plan.schedules.map((s) => s.resourceId));
  for (const b of plan.blocks) resources.add(b.resourceId);
  const absent = new Set(now !== undefined ? (plan.absentResources ?? []) : []);
  for (const id of resources) absent.delete(id);
  const inScope = existing.filter(
    (r) =>
      (resources.has(r.resourceId) || (absent.has(r.resourceId) && r.start >= now!)) &&
      r.start < plan.horizon.end &&
      r.end > plan.horizon.start,
  );
  const wanted = new Map<string, CapacityBlock[]>();
  for (const b of plan.blocks) {
    const k = blockKey(b);
    wanted.set(k, [...(wanted.get(k) ?? []), b]);
  }
  const leftovers: LedgerReservation[] = [];
  for (const r of [...inScope].sort(compareBlocks)) {
    const list = wanted.get(blockKey(r));
    if (list !== undefined && list.length > 0) list.pop();
    else leftovers.push(r);
  }
  const toCreate = [...wanted.values()].flat().sort(compareBlocks);

  const ops: WriteOperation[] = [];
  const seen = new Map<string, number>();
  // Identical blocks (two technicians of one store travelling at the same time) need distinct keys.
  const createKey = (b: CapacityBlock): string => {
    const k = blockKey(b);
    const n = seen.get(k) ?? 0;
    seen.set(k, n + 1);
    return n === 0 ? `reservation-create|${k}` : `reservation-create|${k}#${n}`;
  };
  const group = (b: CapacityBlock): string => `${b.resourceId}|${b.type}`;
  const spare = new Map<string, LedgerReservation[]>();
  for (const r of leftovers) {
    if (r.reservationId === undefined) continue; // cannot be addressed; left as it is
    spare.set(group(r), [...(spare.get(group(r)) ?? []), r]);
  }
  for (const b of toCreate) {
    const candidates = spare.get(group(b));
    const previous = candidates?.shift();
    if (previous !== undefined && previous.reservationId !== undefined) {
      ops.push({
        op: 'updateReservation',
        key: `reservation-update|${previous.reservationId}|${blockKey(b)}`,
        reservationId: previous.reservationId,
        previous,
        block: b,
      });
    } else {
      ops.push({ op: 'createReservation', key: createKey(b), block: b });
    }
  }
  for (const rest of spare.values()) {
    for (const r of rest) {
      ops.push({
        op: 'cancelReservation',
        key: `reservation-cancel|${r.reservationId}`,
        reservationId: r.reservationId!,
        previous: r,
      });
    }
  }
  return ops;
}
