import { describe, expect, it } from 'vitest';
import { StoreSchema } from '../../src/config/store.ts';
import { formatWireTime, storeSlots } from '../../src/schedule/index.ts';

function store(overrides: Record<string, unknown> = {}) {
  return StoreSchema.parse({
    storeId: 'S1',
    timeZone: 'America/New_York',
    location: { postalCode: '10001' },
    ...overrides,
  });
}

describe('storeSlots', () => {
  it('default grid: five 2-hour arrival windows from 08:00 to 18:00 local', () => {
    const slots = storeSlots(store(), '2026-06-01');
    expect(slots.map((s) => s.label)).toEqual([
      '08:00-10:00',
      '10:00-12:00',
      '12:00-14:00',
      '14:00-16:00',
      '16:00-18:00',
    ]);
    expect(formatWireTime(slots[0]!.start)).toBe('2026-06-01T12:00:00Z'); // EDT
    expect(formatWireTime(slots[4]!.end)).toBe('2026-06-01T22:00:00Z');
  });

  it('follows the zone offset change on the fall-back day', () => {
    const before = storeSlots(store(), '2026-10-31');
    const after = storeSlots(store(), '2026-11-01');
    expect(formatWireTime(before[0]!.start)).toBe('2026-10-31T12:00:00Z');
    expect(formatWireTime(after[0]!.start)).toBe('2026-11-01T13:00:00Z');
  });

  it('overlapping windows with a step, only on the grid days', () => {
    const s = store({
      timeZone: 'America/Los_Angeles',
      slotGrid: { start: '09:00', end: '13:00', slotMinutes: 120, stepMinutes: 60, days: ['monday'] },
    });
    expect(storeSlots(s, '2026-06-01').map((x) => x.label)).toEqual([
      '09:00-11:00',
      '10:00-12:00',
      '11:00-13:00',
    ]);
    expect(storeSlots(s, '2026-06-02')).toEqual([]);
  });

  it('a wall-clock window over the spring-forward gap is one real hour shorter', () => {
    const s = store({
      timeZone: 'America/Los_Angeles',
      slotGrid: { start: '01:00', end: '05:00', slotMinutes: 120 },
    });
    const [first, second] = storeSlots(s, '2026-03-08');
    expect(first!.label).toBe('01:00-03:00');
    expect((first!.end - first!.start) / 60_000).toBe(60);
    expect((second!.end - second!.start) / 60_000).toBe(120);
  });
});
