import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appointmentWindow, formatWireTime, parseWireTime, SolverClock } from '../../src/schedule/index.ts';

describe('wire times', () => {
  it('parses UTC ISO 8601 with Z, with or without fractions', () => {
    expect(parseWireTime('2026-03-08T17:00:00Z')).toEqual({ ok: true, value: Date.UTC(2026, 2, 8, 17) });
    expect(parseWireTime('2026-03-08T17:00:00.000Z')).toEqual({ ok: true, value: Date.UTC(2026, 2, 8, 17) });
  });

  it('rejects offsets and local times as not UTC, and garbage as unparseable', () => {
    for (const text of [
      '2026-03-08T17:00:00+05:30',
      '2026-03-08T17:00:00-07:00',
      '2026-03-08T17:00:00',
      '2026-03-08T17:00:00+00:00',
    ]) {
      expect(parseWireTime(text)).toMatchObject({ ok: false, code: 'WIRE_TIME_NOT_UTC' });
    }
    for (const text of ['', 'tomorrow', '2026-13-01T00:00:00Z', '2026-02-30T10:00:00Z']) {
      expect(parseWireTime(text)).toMatchObject({ ok: false, code: 'WIRE_TIME_UNPARSEABLE' });
    }
  });

  it('formats whole-second UTC with Z, and round-trips', () => {
    expect(formatWireTime(Date.UTC(2026, 10, 1, 9, 30, 15, 400))).toBe('2026-11-01T09:30:15Z');
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1) / 1000, max: Date.UTC(2100, 0, 1) / 1000 }), (s) => {
        const text = formatWireTime(s * 1000);
        expect(parseWireTime(text)).toEqual({ ok: true, value: s * 1000 });
      }),
    );
  });
});

describe('appointmentWindow', () => {
  const time = { startTime: '2026-06-01T16:00:00Z', durationInMinutes: 120 };

  it('arrival-window: arrive any time in the interval, duration from the rules', () => {
    expect(appointmentWindow(time, 'arrival-window')).toEqual({
      ok: true,
      value: { arrival: { start: Date.UTC(2026, 5, 1, 16), end: Date.UTC(2026, 5, 1, 18) } },
    });
  });

  it('service-interval: arrive at the start, the work fills the interval', () => {
    expect(appointmentWindow(time, 'service-interval')).toEqual({
      ok: true,
      value: {
        arrival: { start: Date.UTC(2026, 5, 1, 16), end: Date.UTC(2026, 5, 1, 16) },
        serviceMinutes: 120,
      },
    });
  });

  it('refuses non-UTC start times and bad durations as values', () => {
    expect(
      appointmentWindow({ ...time, startTime: '2026-06-01T09:00:00-07:00' }, 'arrival-window'),
    ).toMatchObject({
      ok: false,
      code: 'WIRE_TIME_NOT_UTC',
    });
    expect(appointmentWindow({ ...time, durationInMinutes: 0 }, 'arrival-window')).toMatchObject({
      ok: false,
      code: 'APPOINTMENT_DURATION_INVALID',
    });
  });

  it('solver seconds convert both ways', () => {
    const clock = new SolverClock(Date.UTC(2026, 5, 1, 7));
    expect(clock.toSeconds(Date.UTC(2026, 5, 1, 16))).toBe(9 * 3600);
    expect(clock.toEpochMs(9 * 3600)).toBe(Date.UTC(2026, 5, 1, 16));
    expect(clock.window({ start: Date.UTC(2026, 5, 1, 6), end: Date.UTC(2026, 5, 1, 8) })).toEqual({
      start: 0,
      end: 3600,
    });
    expect(clock.window({ start: Date.UTC(2026, 5, 1, 5), end: Date.UTC(2026, 5, 1, 6) })).toBeUndefined();
  });
});
