/**
 * Strict ISO 8601 handling for the wire. Amazon rejects appointment times that are not UTC and
 * anything that does not parse; Date.parse is far too lenient for that, so the grammar is explicit.
 */
export interface ParsedInstant {
  /** Epoch milliseconds. */
  readonly ms: number;
  /** True when the literal ends in `Z` (or an explicit zero offset). */
  readonly isUtc: boolean;
  /** The literal's offset from UTC in minutes (east positive). */
  readonly offsetMinutes: number;
}

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)$/;

export function parseIsoInstant(value: unknown): ParsedInstant | undefined {
  if (typeof value !== 'string') return undefined;
  const m = ISO_DATE_TIME.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const millis = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  const local = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return undefined;
  let offsetMinutes = 0;
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = sign * (oh * 60 + om);
  }
  const ms = local - offsetMinutes * 60_000;
  if (!Number.isFinite(ms)) return undefined;
  return { ms, isUtc: zone === 'Z' || offsetMinutes === 0, offsetMinutes };
}

/** ISO 8601 in UTC, without a fractional part when it is zero (as Amazon's examples print it). */
export function toIso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
