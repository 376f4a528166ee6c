/**
 * Times on the Services API wire: ISO 8601 in UTC with a `Z` suffix
 * ("2026-03-08T17:00:00Z"). Amazon rejects other offsets for appointment times ("is not in
 * UTC"), so the engine refuses them on the way in too rather than converting silently.
 */
import { DateTime } from 'luxon';

export type WireTimeErrorCode = 'WIRE_TIME_UNPARSEABLE' | 'WIRE_TIME_NOT_UTC';

export type WireTimeResult =
  { ok: true; value: number } | { ok: false; code: WireTimeErrorCode; message: string };

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?Z$/;

/** Epoch milliseconds of a wire time; an error value (never an exception) for bad input. */
export function parseWireTime(text: string): WireTimeResult {
  const parsed = DateTime.fromISO(text, { setZone: true });
  if (!parsed.isValid) {
    return {
      ok: false,
      code: 'WIRE_TIME_UNPARSEABLE',
      message: 'expected an ISO 8601 date-time in UTC such as "2026-03-08T17:00:00Z"',
    };
  }
  if (!ISO_UTC.test(text)) {
    return {
      ok: false,
      code: 'WIRE_TIME_NOT_UTC',
      message:
        'expected a UTC date-time ending in "Z" (e.g. "2026-03-08T17:00:00Z"); offsets are not accepted',
    };
  }
  return { ok: true, value: parsed.toMillis() };
}

/** "2026-03-08T17:00:00Z": whole seconds, UTC, `Z` (the form Amazon's examples use). */
export function formatWireTime(epochMs: number): string {
  return DateTime.fromMillis(epochMs, { zone: 'utc' }).toFormat("yyyy-MM-dd'T'HH:mm:ss'Z'");
}
