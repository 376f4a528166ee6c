/** The arrival windows a store offers buyers on one local date. */
import { localTimeToMinutes, weekdayName } from '../config/fields.ts';
import type { IsoDate, LocalTime } from '../config/fields.ts';
import type { Store } from '../config/store.ts';
import { localInstant, weekdayOf } from './localDate.ts';
import type { UtcInterval } from './utcInterval.ts';

export interface Slot extends UtcInterval {
  /** Local wall-clock label, e.g. "08:00-10:00", as the buyer sees it. */
  label: string;
}

/**
 * Slots on `date` in the store's zone: every `stepMinutes` from the grid's start, each
 * `slotMinutes` long on the wall clock, the last one ending by the grid's end. Wall-clock
 * arithmetic keeps "10:00-12:00" meaning 10 to 12 local on DST days too.
 */
export function storeSlots(store: Store, date: IsoDate): Slot[] {
  const grid = store.slotGrid;
  if (!grid.days.includes(weekdayName(weekdayOf(date)))) return [];
  const first = localTimeToMinutes(grid.start);
  const last = localTimeToMinutes(grid.end);
  const step = grid.stepMinutes ?? grid.slotMinutes;
  const slots: Slot[] = [];
  for (let start = first; start + grid.slotMinutes <= last; start += step) {
    const from = clock(start);
    const to = clock(start + grid.slotMinutes);
    const slot = {
      start: localInstant(date, from, store.timeZone),
      end: localInstant(date, to, store.timeZone),
      label: `${from}-${to}`,
    };
    // A slot wholly inside a spring-forward gap has no real time: skip it.
    if (slot.end > slot.start) slots.push(slot);
  }
  return slots;
}

function clock(minutes: number): LocalTime {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  // The grid ends at most at 23:59, so h < 24 here.
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}
