import { z } from 'zod';
import { ResponseShapeError, ServicesApiError, type ApiErrorEntry } from './errors.ts';
import type { OperationDefinition } from './generated/operations.ts';
import type { RawResponse } from './transport.ts';
import { issuesOf } from './validation.ts';

const entry = z.object({
  code: z.string(),
  message: z.string(),
  details: z.string().optional(),
  errorLevel: z.string().optional(),
});
const entries = z.array(entry);

/** ISO times inside Amazon's messages can tie a person to a visit time; they stay out of messages. */
const isoTime = /\d{4}-\d{2}-\d{2}T[0-9:.-]+(Z|[+-]\d{2}(:?\d{2})?)?/g;
const redactTimes = (s: string): string => s.replace(isoTime, '<time>');

/** Error entries from `{errors: [...]}` or a bare array (setAppointmentFulfillmentData). */
function errorEntries(body: unknown): ApiErrorEntry[] {
  const list = Array.isArray(body) ? body : (body as { errors?: unknown } | undefined)?.errors;
  const parsed = entries.safeParse(list);
  return parsed.success ? parsed.data : [];
}

/**
 * Amazon refused the access token itself: expired, or revoked, malformed or unknown (a token
 * issuer that restarted forgets what it issued). Amazon answers 403 `Unauthorized`; 401 and
 * other codes whose text names the access token are read the same way. A 403
 * `UnauthorizedAction` is about the application's role, not the token, and is not included.
 */
export function isRejectedTokenError(error: ServicesApiError): boolean {
  if (error.status !== 401 && error.status !== 403) return false;
  return error.errors.some(
    (e) =>
      e.code === 'Unauthorized' ||
      /\b(access|restricted data) token\b/i.test(`${e.message} ${e.details ?? ''}`),
  );
}

function apiError(operation: string, raw: RawResponse, list: ApiErrorEntry[]): ServicesApiError {
  const safe = list.map((e) => ({
    ...e,
    message: redactTimes(e.message),
    details: e.details === undefined ? undefined : redactTimes(e.details),
  }));
  return new ServicesApiError({ operation, status: raw.status, errors: safe, requestId: raw.requestId });
}

/**
 * Turns an HTTP answer into the operation's result or a typed error. A 2xx that carries
 * only a non-empty top-level `errors` list (the model allows it) did not succeed and is
 * reported as a ServicesApiError.
 */
export function interpret(definition: OperationDefinition, raw: RawResponse, validate: boolean): unknown {
  const op = definition.operationId;
  if (raw.status < 200 || raw.status >= 300) throw apiError(op, raw, errorEntries(raw.body));
  if (raw.status === 204 || definition.successStatus === 204) return undefined;
  const body = raw.body ?? {};
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const record = body as Record<string, unknown>;
    const list = errorEntries(record);
    if (
      list.length > 0 &&
      record['payload'] === undefined &&
      Object.keys(record).every((k) => k === 'errors')
    ) {
      throw apiError(op, raw, list);
    }
  }
  const schema = definition.responses[definition.successStatus]?.schema;
  if (!validate || !schema) return body;
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ResponseShapeError(op, raw.status, raw.requestId, issuesOf(parsed.error));
  return parsed.data;
}
