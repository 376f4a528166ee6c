import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { localTimeToMinutes } from '../../src/config/fields.ts';
import { localInstant, workingDays } from '../../src/schedule/index.ts';
import { technician } from './fixtures.ts';

const zones = [
  'America/Los_Angeles',
  'America/New_York',
  'America/Phoenix',
  'America/Chicago',
  'Pacific/Honolulu',
  'Europe/London',
  'Australia/Sydney',
];
const hhmm = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

describe('workingDays invariants', () => {
  it('every shift starts and ends at its wall-clock times and lasts its wall-clock length ± the DST change', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: 0, max: 3652 }),
        fc.integer({ min: 0, max: 23 * 4 }).map((q) => q * 15),
        fc.integer({ min: 1, max: 16 * 4 }).map((q) => q * 15),
        (zone, dayOffset, startMinutes, lengthMinutes) => {
          const endMinutes = (startMinutes + lengthMinutes) % (24 * 60);
          const crossesMidnight = startMinutes + lengthMinutes >= 24 * 60;
          const shift = {
            start: hhmm(startMinutes),
            end: hhmm(endMinutes),
            ...(crossesMidnight ? { crossesMidnight } : {}),
          };
          const date = DateTime.fromISO('2020-01-01', { zone: 'utc' }).plus({ days: dayOffset }).toISODate()!;
          const tech = technician({
            timeZone: zone,
            shifts: Object.fromEntries(
              ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].map((d) => [
                d,
                shift,
              ]),
            ),
          });
          const [day] = workingDays(tech, date, date);
          if (day === undefined) {
            // Only a shift wholly inside a spring-forward gap has no real time and is dropped.
            const nextDay = crossesMidnight ? 1 : 0;
            expect(localInstant(date, shift.start, zone)).toBe(localInstant(date, shift.end, zone, nextDay));
            return;
          }
          expect(day.date).toBe(date);
          const start = DateTime.fromMillis(day!.shift.start, { zone });
          const end = DateTime.fromMillis(day!.shift.end, { zone });
          // Outside a DST gap the local clock shows exactly the configured times.
          const dstChange = end.offset - start.offset;
          if (start.toFormat('HH:mm') !== shift.start)
            expect(start.offset).not.toBe(start.minus({ days: 1 }).offset);
          else expect(start.toISODate()).toBe(date);
          if (end.toFormat('HH:mm') === shift.end) {
            expect((day!.shift.end - day!.shift.start) / 60_000).toBe(lengthMinutes - dstChange);
          }
          expect(localTimeToMinutes(shift.start)).toBe(startMinutes);
        },
      ),
      // London's 01:00-02:00 on its spring-forward day lies wholly in the gap.
      { numRuns: 400, examples: [['Europe/London', 1180, 60, 60]] },
    );
  });
});
