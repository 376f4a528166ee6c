import { ExponentialBackoff, handleWhen, retry, type RetryPolicy } from 'cockatiel';
import { AuthError, NetworkError, ServicesApiError } from './errors.ts';
import type { OperationId } from './generated/operations.ts';

/**
 * Operations whose repetition can leave a second copy of what they create: a second
 * appointment, a second rescheduled appointment, a second reservation. Every other
 * operation reads, replaces or deletes and can be repeated without harm (a repeated
 * cancel or delete may answer 4xx because the first one already worked).
 */
const creatingOperations: ReadonlySet<OperationId> = new Set<OperationId>([
  'addAppointmentForServiceJobByServiceJobId',
  'rescheduleAppointmentForServiceJobByServiceJobId',
  'createReservation',
]);

/** Statuses worth another attempt; 429 is throttling, the others are Amazon-side trouble. */
const transientStatuses = new Set([429, 500, 502, 503, 504]);

export interface RetryDecisionInput {
  operation: OperationId;
  /** The caller vouches that repeating the call cannot duplicate anything. */
  retrySafe?: boolean | undefined;
}

/**
 * The retry rule. An error is retried when it is transient and repeating the request
 * cannot create a duplicate:
 * - token failures (LWA or RDT endpoint 5xx/429/unreachable) and network failures before
 *   the request was written (connection refused, DNS, connect timeout): always, nothing
 *   reached the Services API;
 * - 429 QuotaExceeded: always, Amazon throttles before the operation runs;
 * - 500/502/503/504 and network failures after the request was written (reset, dropped,
 *   timed out): only for operations outside `creatingOperations`, or when the caller
 *   passes `retrySafe: true`. For a creating operation the error surfaces with
 *   `mayHaveTakenEffect: true` and the caller must reconcile by reading state first.
 * Validation, auth refusals, other 4xx and malformed responses are never retried.
 */
export function isRetryable(error: unknown, input: RetryDecisionInput): boolean {
  const repeatable = input.retrySafe === true || !creatingOperations.has(input.operation);
  if (error instanceof AuthError) return error.retryable;
  if (error instanceof NetworkError) return !error.requestSent || repeatable;
  if (error instanceof ServicesApiError) {
    if (error.status === 429) return true;
    return transientStatuses.has(error.status) && repeatable;
  }
  return false;
}

export interface RetryOptions {
  /** Attempts in total, the first included (default 6). */
  maxAttempts?: number;
  /** First backoff delay (default 250 ms); later delays grow exponentially with jitter. */
  initialDelayMs?: number;
  /** Cap on one delay (default 16 s). */
  maxDelayMs?: number;
  /** No new attempt starts after this long since the first one (default 60 s). */
  maxElapsedMs?: number;
}

const defaultRetryOptions: Required<RetryOptions> = {
  maxAttempts: 6,
  initialDelayMs: 250,
  maxDelayMs: 16_000,
  maxElapsedMs: 60_000,
};

/**
 * A cockatiel retry policy for one call: exponential backoff with decorrelated jitter,
 * bounded in attempts and in total time.
 */
export function retryPolicyFor(
  input: RetryDecisionInput,
  options: RetryOptions = {},
  now: () => number = Date.now,
): RetryPolicy {
  const o = { ...defaultRetryOptions, ...options };
  const started = now();
  return retry(
    handleWhen((error) => isRetryable(error, input) && now() - started < o.maxElapsedMs),
    {
      maxAttempts: Math.max(0, o.maxAttempts - 1),
      backoff: new ExponentialBackoff({ initialDelay: o.initialDelayMs, maxDelay: o.maxDelayMs }),
    },
  );
}
