import { envelopeOf, expandRule, expandWeeklyShifts } from './schedule-rules.ts';
import type { Interval } from './schedule-rules.ts';
import type { SandboxWorld, ScheduleRecord, SeededCrew } from './state.ts';
import { combine, overlay, sumIntervals } from './timeline.ts';
import type { Timeline } from './timeline.ts';

/**
 * Capacity of a resource (a store or one of its technicians) over a window, in Amazon's four kinds:
 * SCHEDULED (the schedule), RESERVED (breaks, travel, leave, training), ENCUMBERED (appointments)
 * and AVAILABLE = max(0, SCHEDULED - RESERVED - ENCUMBERED). A store's schedule is the sum of its
 * technicians' unless a schedule record was written for the store itself; its reservations and
 * encumbrance include its technicians'.
 */
export interface CapacityTimelines {
  readonly scheduled: Timeline;
  readonly reserved: Timeline;
  readonly encumbered: Timeline;
  readonly available: Timeline;
}

export type ResourceKind = { kind: 'store'; storeId: string } | { kind: 'technician'; crew: SeededCrew };

export function resolveResource(world: SandboxWorld, resourceId: string): ResourceKind | undefined {
  if (world.stores.some((s) => s.storeId === resourceId)) return { kind: 'store', storeId: resourceId };
  const crew = world.crews.find((c) => c.resourceId === resourceId);
  return crew ? { kind: 'technician', crew } : undefined;
}

export interface CapacityOptions {
  /** Leave this appointment out of the encumbrance (a reschedule frees its own old slot). */
  readonly ignoreAppointmentId?: string;
}

/**
 * Schedule records replace the derived schedule on the days they cover (in the record's zone).
 * The records of one request are read together: a shift that runs past midnight is not cut
 * off by the next day's record of the same request. Later requests override earlier ones.
 */
function applyScheduleRecords(
  world: SandboxWorld,
  resourceId: string,
  base: Timeline,
  from: number,
  to: number,
): Timeline {
  const batches = new Map<number, ScheduleRecord[]>();
  for (const record of world.schedules) {
    if (record.resourceId !== resourceId) continue;
    batches.set(record.batch, [...(batches.get(record.batch) ?? []), record]);
  }
  let timeline = base;
  for (const records of batches.values()) {
    const envelopes = records
      .map((r) => envelopeOf(r.rule))
      .filter((env) => env.end > from && env.start < to);
    if (envelopes.length === 0) continue;
    const top = sumIntervals(
      records.flatMap((r) => expandRule(r.rule, from, to)),
      from,
      to,
    );
    for (const env of envelopes) {
      timeline = overlay(timeline, top, Math.max(env.start, from), Math.min(env.end, to));
    }
  }
  return timeline;
}

function technicianScheduled(world: SandboxWorld, crew: SeededCrew, from: number, to: number): Timeline {
  const base = sumIntervals(expandWeeklyShifts(crew.weeklyShifts, crew.timeZone, from, to), from, to);
  return applyScheduleRecords(world, crew.resourceId, base, from, to);
}

function reservationIntervals(
  world: SandboxWorld,
  resourceIds: ReadonlySet<string>,
  appointmentType: boolean,
  from: number,
  to: number,
): Interval[] {
  const out: Interval[] = [];
  for (const r of world.reservations.values()) {
    if (!resourceIds.has(r.resourceId)) continue;
    if ((r.type === 'APPOINTMENT') !== appointmentType) continue;
    out.push(...expandRule(r.rule, from, to));
  }
  return out;
}

function appointmentIntervals(
  world: SandboxWorld,
  filter: { storeId?: string; technicianId?: string },
  options: CapacityOptions,
): Interval[] {
  const out: Interval[] = [];
  for (const job of world.jobs.values()) {
    if (job.sellerId !== world.sellerId) continue;
    if (filter.storeId !== undefined && job.storeId !== filter.storeId) continue;
    for (const a of job.appointments) {
      if (a.status !== 'ACTIVE' || a.appointmentId === options.ignoreAppointmentId) continue;
      const start = a.startMs;
      const end = a.startMs + a.durationMinutes * 60_000;
      if (filter.technicianId !== undefined) {
        if (a.technicianIds.includes(filter.technicianId)) out.push({ start, end, value: 1 });
      } else out.push({ start, end, value: Math.max(1, a.technicianIds.length) });
    }
  }
  return out;
}

function finish(scheduled: Timeline, reserved: Timeline, encumbered: Timeline): CapacityTimelines {
  const used = combine(reserved, encumbered, (r, e) => r + e);
  const available = combine(scheduled, used, (s, u) => Math.max(0, s - u));
  return { scheduled, reserved, encumbered, available };
}

export function capacityOf(
  world: SandboxWorld,
  resource: ResourceKind,
  from: number,
  to: number,
  options: CapacityOptions = {},
): CapacityTimelines {
  if (resource.kind === 'technician') {
    const id = resource.crew.resourceId;
    const ids = new Set([id]);
    const scheduled = technicianScheduled(world, resource.crew, from, to);
    const reserved = sumIntervals(reservationIntervals(world, ids, false, from, to), from, to);
    const encumbered = sumIntervals(
      [
        ...appointmentIntervals(world, { technicianId: id }, options),
        ...reservationIntervals(world, ids, true, from, to),
      ],
      from,
      to,
    );
    return finish(scheduled, reserved, encumbered);
  }
  const crews = world.crews.filter((c) => c.storeId === resource.storeId);
  let derived: Timeline = sumIntervals([], from, to);
  for (const crew of crews)
    derived = combine(derived, technicianScheduled(world, crew, from, to), (a, b) => a + b);
  const scheduled = applyScheduleRecords(world, resource.storeId, derived, from, to);
  const ids = new Set([resource.storeId, ...crews.map((c) => c.resourceId)]);
  const reserved = sumIntervals(reservationIntervals(world, ids, false, from, to), from, to);
  const encumbered = sumIntervals(
    [
      ...appointmentIntervals(world, { storeId: resource.storeId }, options),
      ...reservationIntervals(world, ids, true, from, to),
    ],
    from,
    to,
  );
  return finish(scheduled, reserved, encumbered);
}

/** Whether the technician is scheduled, not reserved and not booked for all of [start, end). */
export function technicianFree(
  world: SandboxWorld,
  crew: SeededCrew,
  start: number,
  end: number,
  options: CapacityOptions = {},
): { scheduled: boolean; free: boolean } {
  const c = capacityOf(world, { kind: 'technician', crew }, start, end, options);
  const scheduledMin = Math.min(...c.scheduled.map((s) => s.value));
  const reservedMax = Math.max(...c.reserved.map((s) => s.value));
  const availableMin = Math.min(...c.available.map((s) => s.value));
  return { scheduled: scheduledMin >= 1 && reservedMax === 0, free: availableMin >= 1 };
}

/** Reservation types on the resource that overlap [start, end). */
export function overlappingReservationTypes(
  world: SandboxWorld,
  resourceId: string,
  start: number,
  end: number,
): Set<string> {
  const types = new Set<string>();
  for (const r of world.reservations.values()) {
    if (r.resourceId === resourceId && expandRule(r.rule, start, end).length > 0) types.add(r.type);
  }
  return types;
}
