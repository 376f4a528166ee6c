import { describe, expect, it } from 'vitest';
import {
  formatWireTime,
  intervalMinutes,
  SolverClock,
  solverShift,
  workingDays,
} from '../../src/schedule/index.ts';
import { technician } from './fixtures.ts';

const wire = (ms: number) => formatWireTime(ms);

describe('workingDays', () => {
  it('expands the weekly pattern into UTC intervals in the technician zone', () => {
    // 2026-06-01 is a Monday; Los Angeles is on PDT (UTC-7).
    const days = workingDays(technician(), '2026-06-01', '2026-06-07');
    expect(days.map((d) => d.date)).toEqual([
      '2026-06-01',
      '2026-06-02',
      '2026-06-03',
      '2026-06-04',
      '2026-06-05',
      '2026-06-07',
    ]);
    expect(wire(days[0]!.shift.start)).toBe('2026-06-01T15:00:00Z');
    expect(wire(days[0]!.shift.end)).toBe('2026-06-02T00:00:00Z');
  });

  it('keeps wall-clock hours across the spring-forward day (America/Los_Angeles)', () => {
    // Sunday 2026-03-08: 02:00 PST becomes 03:00 PDT.
    const [sunday, monday] = workingDays(technician(), '2026-03-08', '2026-03-09');
    expect(sunday!.date).toBe('2026-03-08');
    expect(wire(sunday!.shift.start)).toBe('2026-03-08T08:00:00Z'); // 00:00 PST
    expect(wire(sunday!.shift.end)).toBe('2026-03-08T15:00:00Z'); // 08:00 PDT
    expect(intervalMinutes(sunday!.shift)).toBe(7 * 60);
    expect(wire(monday!.shift.start)).toBe('2026-03-09T15:00:00Z'); // 08:00 PDT
  });

  it('keeps wall-clock hours across the fall-back day (America/New_York)', () => {
    const tech = technician({ timeZone: 'America/New_York' });
    // Sunday 2026-11-01: 02:00 EDT becomes 01:00 EST.
    const [sunday, monday] = workingDays(tech, '2026-11-01', '2026-11-02');
    expect(wire(sunday!.shift.start)).toBe('2026-11-01T04:00:00Z'); // 00:00 EDT
    expect(wire(sunday!.shift.end)).toBe('2026-11-01T13:00:00Z'); // 08:00 EST
    expect(intervalMinutes(sunday!.shift)).toBe(9 * 60);
    expect(wire(monday!.shift.start)).toBe('2026-11-02T13:00:00Z'); // 08:00 EST
  });

  it('a night shift crossing midnight ends on the next day, also over a DST change', () => {
    const tech = technician({
      shifts: { saturday: { start: '22:00', end: '06:00', crossesMidnight: true } },
    });
    const [normal] = workingDays(tech, '2026-06-06', '2026-06-06');
    expect(intervalMinutes(normal!.shift)).toBe(8 * 60);
    expect(wire(normal!.shift.end)).toBe('2026-06-07T13:00:00Z');
    // Saturday 2026-03-07 22:00 PST to Sunday 06:00 PDT: one hour shorter.
    const [spring] = workingDays(tech, '2026-03-07', '2026-03-07');
    expect(intervalMinutes(spring!.shift)).toBe(7 * 60);
    // Saturday 2026-10-31 22:00 PDT to Sunday 06:00 PST: one hour longer.
    const [fall] = workingDays(tech, '2026-10-31', '2026-10-31');
    expect(intervalMinutes(fall!.shift)).toBe(9 * 60);
  });

  it('applies exceptions: days off, date ranges and changed hours; the last listed wins', () => {
    const tech = technician({
      exceptions: [
        { date: '2026-06-01', off: true },
        { date: '2026-06-02', to: '2026-06-04', off: true },
        { date: '2026-06-04', shift: { start: '10:00', end: '14:00' } },
        { date: '2026-06-06', shift: { start: '09:00', end: '12:00' } },
      ],
    });
    const days = workingDays(tech, '2026-06-01', '2026-06-06');
    expect(days.map((d) => d.date)).toEqual(['2026-06-04', '2026-06-05', '2026-06-06']);
    expect(wire(days[0]!.shift.start)).toBe('2026-06-04T17:00:00Z');
    expect(days[0]!.changedBy?.shift?.start).toBe('10:00');
    // Saturday is normally off; the exception makes it a working day.
    expect(wire(days[2]!.shift.end)).toBe('2026-06-06T19:00:00Z');
    expect(days[1]!.changedBy).toBeUndefined();
  });

  it('places lunch inside the shift and drops it when the day ends before lunchtime', () => {
    const tech = technician({
      lunch: { earliest: '11:30', latest: '13:30', minutes: 30 },
      maxHoursPerDay: 8,
      exceptions: [
        { date: '2026-06-02', shift: { start: '08:00', end: '12:00' } },
        { date: '2026-06-03', shift: { start: '08:00', end: '11:45' } },
      ],
    });
    const [monday, tuesday, wednesday] = workingDays(tech, '2026-06-01', '2026-06-03');
    expect(wire(monday!.lunch!.startWindow.start)).toBe('2026-06-01T18:30:00Z');
    expect(wire(monday!.lunch!.startWindow.end)).toBe('2026-06-01T20:00:00Z'); // 13:00 local: ends by 13:30
    expect(monday!.maxWorkSeconds).toBe(8 * 3600);
    expect(wire(tuesday!.lunch!.startWindow.start)).toBe('2026-06-02T18:30:00Z');
    expect(tuesday!.lunch!.startWindow.end).toBe(tuesday!.lunch!.startWindow.start);
    expect(wednesday!.lunch).toBeUndefined();
  });
});

describe('solverShift', () => {
  it('converts a working day to solver seconds from the reference', () => {
    const tech = technician({
      lunch: { earliest: '12:00', latest: '13:00', minutes: 30 },
      maxHoursPerDay: 9,
    });
    const [day] = workingDays(tech, '2026-06-01', '2026-06-01');
    const clock = new SolverClock(Date.parse('2026-06-01T07:00:00Z')); // local midnight
    expect(solverShift(day!, clock)).toEqual({
      shift: { start: 8 * 3600, end: 17 * 3600 },
      breaks: [{ id: 'T1:2026-06-01:lunch', duration: 1800, window: { start: 12 * 3600, end: 12.5 * 3600 } }],
      maxWorkTime: 9 * 3600,
    });
    // Re-planning at 10:00 local: the shift's past is cut, the lunch still ahead.
    const late = solverShift(day!, new SolverClock(Date.parse('2026-06-01T17:00:00Z')));
    expect(late?.shift).toEqual({ start: 0, end: 7 * 3600 });
    expect(solverShift(day!, new SolverClock(Date.parse('2026-06-02T07:00:00Z')))).toBeUndefined();
  });
});
