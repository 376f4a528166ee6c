/**
 * One access-log line per request, written when the answer has gone out: method, route
 * pattern, status, duration, request id (the logger's `reqId`) and the token id. Never the
 * token, the body, the raw URL or its query values: those can carry personal data (a buyer's
 * name in a search, an address in a body). fastify's own lines log the whole request and reply
 * objects, which the privacy formatter would then walk; this controller logs plain fields only.
 */
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

interface AccessLogFields {
  method: string;
  /** The route pattern (`/v1/plans/:id`), or `unmatched` when no route answered. */
  route: string;
  status: number;
  durationMs: number;
  /** The verified token's id, or null when the request carried no valid token. */
  tokenId: string | null;
}

function accessLogFields(request: FastifyRequest, reply: FastifyReply): AccessLogFields {
  return {
    method: request.method,
    route: request.routeOptions.url ?? 'unmatched',
    status: reply.statusCode,
    durationMs: Math.round(reply.elapsedTime * 1000) / 1000,
    tokenId: request.auth?.tokenId ?? null,
  };
}

export class AccessLogController extends LogController {
  // One line per request, at completion; the start of a request adds nothing an operator needs.
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (this.isLogDisabled(request)) return;
    const fields = accessLogFields(request, reply);
    if (error) reply.log.error({ ...fields, err: error }, 'request errored');
    else reply.log.info(fields, 'request completed');
  }

  override defaultErrorLog(error: Error, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const fields = accessLogFields(request, reply);
    if (reply.statusCode >= 500) reply.log.error({ ...fields, err: error }, 'request failed');
    else reply.log.info({ ...fields, code: (error as { code?: unknown }).code }, 'request refused');
  }

  override streamError(error: Error, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    reply.log.warn({ ...accessLogFields(request, reply), err: error }, 'response stream failed');
  }

  override routeNotFound(request: FastifyRequest): void {
    if (this.isLogDisabled(request)) return;
    request.log.info({ method: request.method, route: 'unmatched' }, 'no route');
  }

  override writeHeadError(error: Error, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    reply.log.warn({ ...accessLogFields(request, reply), err: error }, 'writing the answer failed');
  }
}
