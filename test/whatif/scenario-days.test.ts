/** Scenario changes per weekday and date range: added technicians, shifts, store closures. */
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEEKDAYS, type PlanningConfig } from '../../src/config/index.ts';
import { setupFromConfig } from '../../src/pipeline/setup/from-config.ts';
import { runningClock } from '../../src/sandbox/index.ts';
import {
  addedTechnicianId,
  applyChanges,
  ScenarioError,
  type WhatIfChanges,
} from '../../src/whatif/scenario.ts';
import { startWorld, type World } from '../pipeline/support/world.ts';

const MONDAY = '2031-01-13';
const WORKDAYS = WEEKDAYS.filter((d) => d !== 'saturday' && d !== 'sunday');

let world: World;
let config: PlanningConfig;
let storeId: string;
let like: string;

beforeAll(async () => {
  world = await startWorld({ date: MONDAY, clock: runningClock(Date.parse('2031-01-12T18:00:00Z')) });
  config = world.config;
  storeId = config.stores[0]!.storeId;
  like = config.technicians.find((t) => WORKDAYS.every((d) => t.shifts[d] != null))!.resourceId;
});
afterAll(async () => {
  await world.close();
});

const day = (n: number): string => DateTime.fromISO(MONDAY).plus({ days: n }).toISODate()!;
const weekdayOf = (d: string): string => WEEKDAYS[DateTime.fromISO(d).weekday - 1]!;

function onShift(c: PlanningConfig, technicianId: string, date: string): boolean {
  const setup = setupFromConfig(c, { date, days: 1, storeIds: [storeId] });
  return (setup.technicians.find((t) => t.technicianId === technicianId)?.shifts.length ?? 0) > 0;
}

function fieldOf(changes: WhatIfChanges): string | undefined {
  try {
    applyChanges(config, storeId, changes);
    return undefined;
  } catch (err) {
    if (err instanceof ScenarioError) return err.field;
    throw err;
  }
}

describe('what-if changes by weekday and date range', () => {
  it('an added technician works exactly the given weekdays within the given dates', () => {
    fc.assert(
      fc.property(
        fc.subarray([...WORKDAYS], { minLength: 1 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 13 }),
        (weekdays, fromOffset, length) => {
          const from = day(fromOffset);
          const to = day(fromOffset + length);
          const scenario = applyChanges(config, storeId, {
            addTechnicians: [{ like, count: 2, weekdays, from, to }],
          });
          for (let n = 0; n < 28; n++) {
            const d = day(n);
            const expected = weekdays.includes(weekdayOf(d) as never) && d >= from && d <= to;
            for (const k of [0, 1]) expect(onShift(scenario, addedTechnicianId(k), d)).toBe(expected);
            // The seller's own technicians are untouched.
            expect(onShift(scenario, like, d)).toBe(onShift(config, like, d));
          }
        },
      ),
      { numRuns: 15 },
    );
  });

  it('a shift changed on some weekdays leaves the others as they were', () => {
    const scenario = applyChanges(config, storeId, {
      setShifts: [{ technicianId: like, start: '12:00', end: '16:00', weekdays: ['tuesday'] }],
    });
    const before = config.technicians.find((t) => t.resourceId === like)!;
    const after = scenario.technicians.find((t) => t.resourceId === like)!;
    expect(after.shifts.tuesday).toEqual({ start: '12:00', end: '16:00' });
    for (const d of WEEKDAYS.filter((x) => x !== 'tuesday'))
      expect(after.shifts[d]).toEqual(before.shifts[d]);
  });

  it('a closed store has nobody on shift on the closed dates, and the days around stay', () => {
    const scenario = applyChanges(config, storeId, { closeStore: [{ date: day(1), to: day(2) }] });
    const ids = config.technicians.map((t) => t.resourceId);
    for (const n of [1, 2]) for (const id of ids) expect(onShift(scenario, id, day(n))).toBe(false);
    for (const n of [0, 3])
      for (const id of ids) expect(onShift(scenario, id, day(n))).toBe(onShift(config, id, day(n)));
  });

  it('names the field of a change that cannot apply', () => {
    expect(fieldOf({ addTechnicians: [{ like, weekdays: ['tuesdai' as never] }] })).toBe(
      'changes.addTechnicians[0].weekdays[0]',
    );
    expect(fieldOf({ addTechnicians: [{ like, from: day(5), to: day(2) }] })).toBe(
      'changes.addTechnicians[0].to',
    );
    expect(fieldOf({ addTechnicians: [{ like, from: '2031-13-40' }] })).toBe(
      'changes.addTechnicians[0].from',
    );
    expect(fieldOf({ addTechnicians: [{ like, weekdays: ['saturday'] }] })).toBe(
      'changes.addTechnicians[0].weekdays',
    );
    expect(fieldOf({ closeStore: [{ date: 'tomorrow' }] })).toBe('changes.closeStore[0].date');
    expect(fieldOf({ closeStore: [{ date: day(3), to: day(1) }] })).toBe('changes.closeStore[0].to');
    expect(fieldOf({ setShifts: [{ technicianId: like, start: '08:00', end: '12:00', weekdays: [] }] })).toBe(
      'changes.setShifts[0].weekdays',
    );
  });
});
