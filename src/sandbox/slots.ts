import { capacityOf } from './capacity.ts';
import type { CapacityOptions } from './capacity.ts';
import type { Skill } from './catalog.ts';
import type { SandboxWorld } from './state.ts';
import { extremaOver } from './timeline.ts';
import type { Timeline } from './timeline.ts';
import { HOUR_MS, MINUTE_MS } from './time.ts';

/**
 * Appointment slots: windows that start on the hour (all US zones are whole-hour offsets, so the
 * local and UTC grids agree) and last the service's duration. A slot's capacity is how many more
 * appointments the store can take in it: the store's available capacity over the whole window,
 * bounded by the number of technicians with the required skills who are free for all of it.
 */
export const SLOT_GRID_MS = HOUR_MS;

export interface SlotQuery {
  readonly storeId: string;
  readonly requiredSkills: readonly Skill[];
  readonly durationMinutes: number;
}

interface Prepared {
  readonly store: Timeline;
  readonly scheduled: Timeline;
  readonly technicians: Timeline[];
}

function prepare(
  world: SandboxWorld,
  query: SlotQuery,
  from: number,
  to: number,
  options: CapacityOptions,
): Prepared {
  const store = capacityOf(world, { kind: 'store', storeId: query.storeId }, from, to, options);
  const technicians = world.crews
    .filter((c) => c.storeId === query.storeId && query.requiredSkills.every((s) => c.skills.includes(s)))
    .map((crew) => capacityOf(world, { kind: 'technician', crew }, from, to, options).available);
  return { store: store.available, scheduled: store.scheduled, technicians };
}

function capacityIn(p: Prepared, start: number, end: number): number {
  const storeFree = extremaOver(p.store, start, end).min;
  const qualifiedFree = p.technicians.filter((t) => extremaOver(t, start, end).min >= 1).length;
  return Math.max(0, Math.min(storeFree, qualifiedFree));
}

export function slotCapacity(
  world: SandboxWorld,
  query: SlotQuery,
  startMs: number,
  options: CapacityOptions = {},
): number {
  const end = startMs + query.durationMinutes * MINUTE_MS;
  return capacityIn(prepare(world, query, startMs, end, options), startMs, end);
}

export interface Slot {
  readonly startMs: number;
  readonly endMs: number;
  readonly capacity: number;
}

/** Slots starting in [from, to) within the store's working hours. */
export function listSlots(world: SandboxWorld, query: SlotQuery, from: number, to: number): Slot[] {
  const duration = query.durationMinutes * MINUTE_MS;
  const first = Math.ceil(from / SLOT_GRID_MS) * SLOT_GRID_MS;
  if (first >= to) return [];
  const prepared = prepare(world, query, first, to + duration, {});
  const out: Slot[] = [];
  for (let start = first; start < to; start += SLOT_GRID_MS) {
    const end = start + duration;
    if (extremaOver(prepared.scheduled, start, end).min <= 0) continue;
    out.push({ startMs: start, endMs: end, capacity: capacityIn(prepared, start, end) });
  }
  return out;
}
