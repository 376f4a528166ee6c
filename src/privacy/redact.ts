/**
 * Keeps personal data out of logs and error reports. `redactPersonalData` replaces every
 * personal-data key (see personal-data-fields.ts) at any depth; `privacyLoggerOptions` wires
 * it into pino for log objects and serialised errors, so a stray `log.info({ job })` logs
 * ids and statuses but no buyer.
 *
 * Log objects can hold client data (a request body that failed validation), so the walk is
 * iterative and bounded: nesting beyond MAX_REDACT_DEPTH and values beyond MAX_REDACT_NODES
 * are replaced by a marker instead of being copied. Nothing a client sends can exhaust the
 * stack or stall the logger.
 */
import type { LoggerOptions } from 'pino';
import { stdSerializers } from 'pino';
import { PERSONAL_DATA_KEYS } from './personal-data-fields.ts';

export const REDACTED = '[personal data redacted]';
/** Levels of objects copied: deeper than anything logged on purpose; deeper ones become TOO_DEEP. */
export const MAX_REDACT_DEPTH = 32;
/** Objects and arrays copied per call; the rest become TRUNCATED. */
export const MAX_REDACT_NODES = 20_000;
export const TOO_DEEP = `[nested deeper than ${MAX_REDACT_DEPTH} levels]`;
export const TRUNCATED = '[truncated]';

interface Pending {
  source: object;
  target: Record<string, unknown> | unknown[];
  depth: number;
}

export function redactPersonalData<T>(value: T): T {
  const seen = new WeakSet<object>();
  const pending: Pending[] = [];
  let nodes = 0;
  // Copies one value shallowly; its object children are queued, so the stack never grows.
  const copy = (child: unknown, depth: number): unknown => {
    if (child === null || typeof child !== 'object') return child;
    if (child instanceof Date) return child;
    if (seen.has(child)) return '[circular]';
    if (depth >= MAX_REDACT_DEPTH) return TOO_DEEP;
    if (++nodes > MAX_REDACT_NODES) return TRUNCATED;
    seen.add(child);
    const target: Record<string, unknown> | unknown[] = Array.isArray(child)
      ? new Array<unknown>(child.length)
      : {};
    pending.push({ source: child, target, depth });
    return target;
  };
  const root = copy(value, 0);
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    const { source, target, depth } = item;
    if (Array.isArray(source)) {
      const out = target as unknown[];
      for (let i = 0; i < source.length; i++) out[i] = copy(source[i], depth + 1);
      continue;
    }
    const out = target as Record<string, unknown>;
    // Own enumerable keys plus an Error's message/stack/name, which are not enumerable.
    const keys = new Set(Object.keys(source));
    if (source instanceof Error) for (const k of ['name', 'message', 'stack']) keys.add(k);
    for (const key of keys) {
      const child = (source as Record<string, unknown>)[key];
      const redacted = PERSONAL_DATA_KEYS.has(key) && child != null ? REDACTED : copy(child, depth + 1);
      // A client's "__proto__" key stays a plain field of the copy, never its prototype.
      if (key === '__proto__') {
        Object.defineProperty(out, key, {
          value: redacted,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else out[key] = redacted;
    }
  }
  return root as T;
}

/** pino's error serializer, followed by personal-data redaction of the error's own fields. */
function redactingErrorSerializer(error: unknown): unknown {
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
