/**
 * Conversions between domain values and column values that read the same on both dialects.
 * Timestamps are written as `Date#toISOString()` (fixed width, UTC), so text comparison on
 * SQLite orders them exactly as timestamptz does on PostgreSQL.
 */

export function isoTimestamp(value: Date | string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new RangeError('not a valid timestamp');
  return date.toISOString();
}

export function readTimestamp(value: Date | string): string {
  return isoTimestamp(value);
}

export function readNullableTimestamp(value: Date | string | null): string | null {
  return value === null ? null : isoTimestamp(value);
}

export function writeJson(value: unknown): string {
  return JSON.stringify(value);
}

export function readJson<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

export function readNullableJson<T>(value: T | string | null): T | null {
  return value === null ? null : readJson<T>(value);
}
