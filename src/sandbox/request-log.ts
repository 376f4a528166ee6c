/**
 * What the sandbox records per request: ids and outcomes only, never bodies or query values,
 * so tests and operators can inspect traffic without handling personal data.
 */
export type RequestOutcome =
  | 'ok'
  | 'client-error'
  | 'unauthorized'
  | 'throttled'
  | 'server-error'
  | 'fault-429'
  | 'fault-5xx'
  | 'fault-drop'
  | 'fault-dropafter';

export interface RequestLogEntry {
  /** operationId, or `lwaToken`, `createRestrictedDataToken`, `upload`, `unknown`. */
  readonly operation: string;
  readonly method: string;
  /** Path with the query's parameter names but none of their values. */
  readonly path: string;
  /** HTTP status sent; 0 when the connection was dropped without an answer. */
  readonly status: number;
  /** For `fault-dropafter`: the status the operation produced before the answer was dropped. */
  readonly handledStatus?: number;
  readonly timestamp: number;
  readonly requestId: string;
  readonly outcome: RequestOutcome;
  /** Injected latency, when any. */
  readonly latencyMs?: number;
}

export function loggablePath(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const keys = [...new Set([...new URLSearchParams(url.slice(q + 1)).keys()])];
  return keys.length > 0 ? `${url.slice(0, q)}?${keys.join('&')}` : url.slice(0, q);
}

export function outcomeOf(status: number): RequestOutcome {
  if (status === 429) return 'throttled';
  if (status === 401 || status === 403) return 'unauthorized';
  if (status >= 500) return 'server-error';
  if (status >= 400) return 'client-error';
  return 'ok';
}
