/**
 * One error shape for every answer that is not a success:
 * `{ error: { code, message, issues?: [{ path, message }] } }`. Validation failures name each
 * wrong field (`body.timeBudgetMs`, `query.date`, `params.id`) and the rule; client mistakes
 * are 4xx; only a fault of the server itself is a 500, and its message carries no detail.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatIssuePath } from '../solver/issue-path.ts';

export interface IssueOut {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly issues?: IssueOut[],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Issues listed in one answer; a body of 100 000 bad items would otherwise answer megabytes. */
const MAX_ISSUES = 50;

export function badRequest(message: string, issues: IssueOut[]): ApiError {
  return new ApiError(400, 'BAD_REQUEST', message, issues);
}

/** The first MAX_ISSUES issues, the last of them saying how many more there were. */
function capIssues(issues: IssueOut[]): IssueOut[] {
  if (issues.length <= MAX_ISSUES) return issues;
  const kept = issues.slice(0, MAX_ISSUES - 1);
  const where = kept[0]?.path.split(/[.[]/)[0] ?? '';
  kept.push({ path: where, message: `and ${issues.length - kept.length} more issues not listed` });
  return kept;
}

export function describeIssues(issues: IssueOut[]): string {
  const first = issues
    .slice(0, 3)
    .map((i) => `${i.path}: ${i.message}`)
    .join('; ');
  return `invalid request: ${first}${issues.length > 3 ? `; and ${issues.length - 3} more` : ''}`;
}

function send(reply: FastifyReply, error: ApiError): FastifyReply {
  return reply.status(error.statusCode).send({
    error: {
      code: error.code,
      message: error.message,
      ...(error.issues !== undefined ? { issues: capIssues(error.issues) } : {}),
    },
  });
}

const CLIENT_ERROR_CODES: Record<string, { status: number; code: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'PAYLOAD_TOO_LARGE' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'BAD_REQUEST' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'BAD_REQUEST' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'BAD_REQUEST' },
};

export function registerErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) =>
    send(reply, new ApiError(404, 'NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`)),
  );
  app.setErrorHandler((error: FastifyError | ApiError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof ApiError) return send(reply, error);
    const fe = error as FastifyError;
    if (fe.validation !== undefined) {
      const where = fe.validationContext === 'querystring' ? 'query' : (fe.validationContext ?? 'body');
      const issues = fe.validation.flatMap((v) => {
        const at = [where, ...v.instancePath.split('/').filter(Boolean).map(segment)];
        const keys = (v.params as { keys?: unknown } | undefined)?.keys;
        if (v.keyword === 'unrecognized_keys' && Array.isArray(keys)) {
          return keys.map((k) => ({
            path: formatIssuePath([...at, String(k)]),
            message: 'unknown field; remove it',
          }));
        }
        return [{ path: formatIssuePath(at), message: v.message ?? 'is invalid' }];
      });
      return send(reply, badRequest(describeIssues(issues), issues));
    }
    const known = fe.code !== undefined ? CLIENT_ERROR_CODES[fe.code] : undefined;
    if (known !== undefined) return send(reply, new ApiError(known.status, known.code, fe.message));
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      const code = fe.statusCode === 429 ? 'RATE_LIMITED' : 'BAD_REQUEST';
      return send(reply, new ApiError(fe.statusCode, code, fe.message));
    }
    request.log.error({ err: error, route: request.routeOptions.url }, 'request failed');
    return send(reply, new ApiError(500, 'INTERNAL', 'the server failed to answer; see its log'));
  });
}

/** A JSON-pointer segment back to a key or an index. */
function segment(s: string): string | number {
  const unescaped = s.replace(/~1/g, '/').replace(/~0/g, '~');
  return /^\d+$/.test(unescaped) ? Number(unescaped) : unescaped;
}
