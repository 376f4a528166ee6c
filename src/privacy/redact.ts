/**
 * Keeps personal data out of logs and error reports. `redactPersonalData` replaces every
 * personal-data key (see personal-data-fields.ts) at any depth; `privacyLoggerOptions` wires
 * it into pino for log objects and serialised errors, so a stray `log.info({ job })` logs
 * ids and statuses but no buyer.
 */
import type { LoggerOptions } from 'pino';
import { stdSerializers } from 'pino';
import { PERSONAL_DATA_KEYS } from './personal-data-fields.ts';

export const REDACTED = '[personal data redacted]';

export function redactPersonalData<T>(value: T): T {
  return redactValue(value, new WeakSet()) as T;
}

function redactValue(value: unknown, seen: WeakSet<object>): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, seen));
  if (value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  // Own enumerable keys plus an Error's message/stack/name, which are not enumerable.
  const keys = new Set(Object.keys(value));
  if (value instanceof Error) for (const k of ['name', 'message', 'stack']) keys.add(k);
  for (const key of keys) {
    const child = (value as Record<string, unknown>)[key];
    out[key] = PERSONAL_DATA_KEYS.has(key) && child != null ? REDACTED : redactValue(child, seen);
  }
  return out;
}

/** pino's error serializer, followed by personal-data redaction of the error's own fields. */
export function redactingErrorSerializer(error: unknown): unknown {
  const serialised = error instanceof Error ? stdSerializers.err(error) : error;
  return redactPersonalData(serialised);
}

/** pino options that redact personal data from every log line. Merge with your own options. */
export function privacyLoggerOptions(): Pick<LoggerOptions, 'formatters' | 'serializers'> {
  return {
    serializers: { err: redactingErrorSerializer, error: redactingErrorSerializer },
    formatters: { log: (object) => redactPersonalData(object) },
  };
}
