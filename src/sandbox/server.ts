import { randomUUID } from 'node:crypto';
import Fastify, { LogController } from 'fastify';
import { jsonNestsDeeperThan, MAX_NESTING_DEPTH } from '../input/nesting.ts';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { restrictedResourceMatches, TokenAuthority, UNAUTHORIZED_DETAILS } from './auth.ts';
import type { LwaCredentials } from './auth.ts';
import { errorResult } from './errors.ts';
import type { ErrorEnvelope, OperationResult } from './errors.ts';
import { FaultInjector } from './faults.ts';
import type { FaultDecision, FaultSpec } from './faults.ts';
import { OPERATIONS } from './operations/index.ts';
import type { OperationSpec } from './operations/index.ts';
import { isRecord, QueryParams } from './operations/context.ts';
import type { ParsedBody } from './operations/context.ts';
import { receiveUpload } from './operations/documents.ts';
import { createRandom, deriveSeed, type Random } from './random.ts';
import { RateLimiter } from './rate-limit.ts';
import type { RateLimitMode, UsagePlan } from './rate-limit.ts';
import { loggablePath, outcomeOf } from './request-log.ts';
import type { RequestLogEntry, RequestOutcome } from './request-log.ts';
import type { SandboxWorld } from './state.ts';

/** The HTTP face of the sandbox: LWA, the Tokens API, the 17 Services operations and upload URLs. */

export interface SandboxServerOptions {
  readonly world: SandboxWorld;
  readonly seed: number;
  readonly nowMs: () => number;
  readonly rateLimits: RateLimitMode;
  readonly faults: FaultSpec;
  readonly credentials: LwaCredentials;
  readonly tokenTtlSeconds: number;
  readonly logger?: FastifyBaseLogger | boolean;
  /** Settles once the world is fully seeded; every request waits for it (default: seeded already). */
  readonly seeded?: Promise<void>;
}

export interface SandboxServer {
  readonly app: FastifyInstance;
  readonly requestLog: RequestLogEntry[];
  setBaseUrl(url: string): void;
  /** LWA forgets the access tokens and RDTs it issued (a restart of the token issuer). */
  forgetIssuedTokens(): number;
}

const SERVICES_PREFIX = '/service/v1';
const TOKENS_PLAN: UsagePlan = { rate: 1, burst: 10 };
const JSON_BODY_LIMIT = 1024 * 1024;
const UPLOAD_BODY_LIMIT = 6 * 1024 * 1024;

interface Exchange {
  readonly requestId: string;
  readonly started: number;
}

function parseBody(raw: unknown): ParsedBody {
  if (!Buffer.isBuffer(raw) || raw.length === 0) return { kind: 'none' };
  try {
    return { kind: 'json', value: JSON.parse(raw.toString('utf8')) as unknown };
  } catch {
    return { kind: 'invalid' };
  }
}

/**
 * Bodies nesting deeper than MAX_NESTING_DEPTH are refused before any handler parses them:
 * whatever later walks the value (a snapshot, a log line) would recurse once per level.
 */
function nestsTooDeep(raw: unknown): boolean {
  return (
    Buffer.isBuffer(raw) && raw.length > 0 && jsonNestsDeeperThan(raw.toString('utf8'), MAX_NESTING_DEPTH)
  );
}

const TOO_DEEP_MESSAGE = `The request body nests deeper than ${MAX_NESTING_DEPTH} levels of objects and arrays.`;

/** What the sandbox's routes share: its options, log, limiter, faults, token issuer and ids. */
interface Kit {
  readonly options: SandboxServerOptions;
  readonly requestLog: RequestLogEntry[];
  readonly limiter: RateLimiter;
  readonly faults: FaultInjector;
  readonly idRng: Random;
  readonly authority: TokenAuthority;
  readonly exchanges: WeakMap<FastifyRequest, Exchange>;
  /** Where the sandbox listens, for the upload URLs it hands out. */
  baseUrl: string;
}

function exchangeOf(k: Kit, request: FastifyRequest): Exchange {
  let e = k.exchanges.get(request);
  if (!e) {
    e = { requestId: randomUUID(), started: k.options.nowMs() };
    k.exchanges.set(request, e);
  }
  return e;
}

function record(
  k: Kit,
  request: FastifyRequest,
  entry: Omit<RequestLogEntry, 'requestId' | 'timestamp' | 'method' | 'path'>,
): void {
  const e = exchangeOf(k, request);
  k.requestLog.push({
    ...entry,
    method: request.method,
    path: loggablePath(request.url),
    timestamp: k.options.nowMs(),
    requestId: e.requestId,
  });
}

function send(
  k: Kit,
  reply: FastifyReply,
  request: FastifyRequest,
  e: Exchange,
  operation: string,
  result: OperationResult,
  plan: UsagePlan | undefined,
  extra: {
    outcome?: RequestOutcome;
    latencyMs?: number;
    rateLimitHeaderStatuses?: ReadonlySet<number>;
  } = {},
): FastifyReply {
  // Set here too: framework errors (a malformed URL) skip the onRequest hook.
  reply.header('x-amzn-RequestId', e.requestId);
  for (const [k, v] of Object.entries(result.headers ?? {})) reply.header(k, v);
  const declared = extra.rateLimitHeaderStatuses;
  if (
    plan &&
    (declared
      ? declared.has(result.status)
      : result.status < 300 || result.status === 400 || result.status === 404)
  ) {
    reply.header('x-amzn-RateLimit-Limit', plan.rate.toFixed(1));
  }
  record(k, request, {
    operation,
    status: result.status,
    outcome: extra.outcome ?? outcomeOf(result.status),
    ...(extra.latencyMs ? { latencyMs: extra.latencyMs } : {}),
  });
  reply.code(result.status);
  if (result.body === undefined || result.status === 204) return reply.send();
  reply.header('content-type', 'application/json');
  return reply.send(JSON.stringify(result.body));
}

function drop(
  k: Kit,
  reply: FastifyReply,
  request: FastifyRequest,
  operation: string,
  outcome: RequestOutcome,
  extra: { handledStatus?: number; latencyMs?: number },
): void {
  record(k, request, { operation, status: 0, outcome, ...extra });
  reply.hijack();
  request.raw.socket.destroy();
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Auth, throttling and faults shared by the Services and Tokens routes. Returns a result to send, or the fault to apply. */
function gate(
  k: Kit,
  request: FastifyRequest,
  operation: string,
  plan: UsagePlan,
  envelope: ErrorEnvelope,
  acceptRestricted: boolean,
): { result: OperationResult } | { fault: FaultDecision } {
  const header = request.headers['x-amz-access-token'];
  const token = typeof header === 'string' ? header : undefined;
  const check = k.authority.check(token);
  const denied = (details: string): { result: OperationResult } => ({
    result: errorResult(
      403,
      [{ code: 'Unauthorized', message: 'Access to requested resource is denied.', details }],
      envelope,
    ),
  });
  if (!check.ok) return denied(UNAUTHORIZED_DETAILS[check.reason]);
  if (check.restrictedTo) {
    const path = request.url.split('?')[0] ?? '';
    if (
      !acceptRestricted ||
      !check.restrictedTo.some((r) => restrictedResourceMatches(r, request.method, path))
    ) {
      return denied('The restricted data token does not grant access to this resource.');
    }
  }
  if (!k.limiter.take(operation, plan)) {
    return {
      result: errorResult(
        429,
        [
          {
            code: 'QuotaExceeded',
            message: 'You exceeded your quota for the requested resource.',
            details: '',
          },
        ],
        envelope,
      ),
    };
  }
  return { fault: k.faults.active ? k.faults.decide() : { latencyMs: 0 } };
}

/** One operation's call: the gate, then the fault drawn (if any), then the operation itself. */
async function serve(
  k: Kit,
  request: FastifyRequest,
  reply: FastifyReply,
  operation: string,
  operationPlan: UsagePlan,
  envelope: ErrorEnvelope,
  acceptRestricted: boolean,
  run: () => OperationResult,
  rateLimitHeaderStatuses?: ReadonlySet<number>,
): Promise<FastifyReply | void> {
  const e = exchangeOf(k, request);
  const plan = k.limiter.planFor(operationPlan);
  const gated = gate(k, request, operation, operationPlan, envelope, acceptRestricted);
  if ('result' in gated) return send(k, reply, request, e, operation, gated.result, undefined);
  const fault = gated.fault;
  if (fault.latencyMs > 0) await sleep(fault.latencyMs);
  const latency = fault.latencyMs > 0 ? { latencyMs: fault.latencyMs } : {};
  if (fault.kind === '429') {
    return send(
      k,
      reply,
      request,
      e,
      operation,
      errorResult(
        429,
        [
          {
            code: 'QuotaExceeded',
            message: 'You exceeded your quota for the requested resource.',
            details: '',
          },
        ],
        envelope,
      ),
      undefined,
      { outcome: 'fault-429', ...latency },
    );
  }
  if (fault.kind === '5xx') {
    const status = fault.status ?? 500;
    const error =
      status === 503
        ? {
            code: 'ServiceUnavailable',
            message: 'Service temporarily unavailable. Please try again.',
            details: '',
          }
        : {
            code: 'InternalFailure',
            message: 'We encountered an internal error. Please try again.',
            details: '',
          };
    return send(k, reply, request, e, operation, errorResult(status, [error], envelope), undefined, {
      outcome: 'fault-5xx',
      ...latency,
    });
  }
  if (fault.kind === 'drop') return drop(k, reply, request, operation, 'fault-drop', latency);
  let result: OperationResult;
  try {
    result = run();
  } catch (error) {
    request.log.error(
      { operation, requestId: e.requestId, err: error instanceof Error ? error.name : 'unknown' },
      'operation failed',
    );
    result = errorResult(
      500,
      [{ code: 'InternalFailure', message: 'We encountered an internal error. Please try again.' }],
      envelope,
    );
  }
  if (fault.kind === 'dropafter')
    return drop(k, reply, request, operation, 'fault-dropafter', {
      handledStatus: result.status,
      ...latency,
    });
  return send(k, reply, request, e, operation, result, plan, {
    ...latency,
    ...(rateLimitHeaderStatuses ? { rateLimitHeaderStatuses } : {}),
  });
}

/** The Fastify instance, answering what never reaches a route in the model's shape too. */
function createApp(k: Kit): FastifyInstance {
  return Fastify({
    logger: k.options.logger ?? false,
    // Request lines can carry ids only, but the sandbox keeps its own id-only log (requestLog) instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: JSON_BODY_LIMIT,
    routerOptions: {
      ignoreTrailingSlash: false,
      maxParamLength: 500,
      // Query strings are read from the raw URL (CSV arrays, repeated keys); never let the parser throw.
      querystringParser: () => ({}),
    },
    // Requests Node's HTTP parser cannot read never reach a route; answer them in the model's shape too.
    clientErrorHandler: (error, socket) => {
      if (!socket.writable) return;
      const status = (error as { code?: string }).code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
      const body = JSON.stringify({
        errors: [
          { code: 'InvalidInput', message: 'The request could not be read: malformed HTTP.', details: '' },
        ],
      });
      socket.end(
        `HTTP/1.1 ${status} Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
          `x-amzn-RequestId: ${randomUUID()}\r\nx-amzn-ErrorType: ValidationException\r\nConnection: close\r\n\r\n${body}`,
      );
    },
    frameworkErrors: (error, request, reply) => {
      const status =
        typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500
          ? error.statusCode
          : 400;
      const result = errorResult(status, [
        { code: 'InvalidInput', message: 'The request could not be read: malformed URL or headers.' },
      ]);
      void send(k, reply, request, exchangeOf(k, request), 'unknown', result, undefined);
    },
  });
}

/** The route of one Services operation: body checks, then the operation's handler. */
function serviceRoute(app: FastifyInstance, k: Kit, spec: OperationSpec): void {
  const bodyless = spec.method === 'GET' || spec.method === 'DELETE';
  app.route({
    method: spec.method,
    url: `${SERVICES_PREFIX}${spec.path}`,
    handler: (request, reply) =>
      serve(
        k,
        request,
        reply,
        spec.operationId,
        spec,
        spec.errorEnvelope,
        true,
        () => {
          if (!bodyless && nestsTooDeep(request.body)) {
            return errorResult(
              400,
              [{ code: 'InvalidInput', message: TOO_DEEP_MESSAGE }],
              spec.errorEnvelope,
            );
          }
          const body = bodyless ? ({ kind: 'none' } as const) : parseBody(request.body);
          if (body.kind === 'invalid') {
            return errorResult(
              400,
              [{ code: 'InvalidInput', message: 'The request body is not valid JSON.' }],
              spec.errorEnvelope,
            );
          }
          const q = request.url.indexOf('?');
          return spec.handler({
            world: k.options.world,
            nowMs: k.options.nowMs(),
            rng: k.idRng,
            baseUrl: k.baseUrl,
            params: (request.params ?? {}) as Record<string, string>,
            query: new QueryParams(q < 0 ? '' : request.url.slice(q + 1)),
            body,
          });
        },
        spec.rateLimitHeaderStatuses,
      ),
  });
}

/** LWA's token exchange and the Tokens API's restricted data tokens. */
function tokenRoutes(app: FastifyInstance, k: Kit): void {
  app.post('/auth/o2/token', async (request, reply) => {
    const raw = Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
    const type = String(request.headers['content-type'] ?? '');
    let fields: Record<string, unknown> = {};
    if (nestsTooDeep(request.body)) fields = {};
    else if (type.includes('application/json')) {
      try {
        const parsed: unknown = JSON.parse(raw);
        if (isRecord(parsed)) fields = parsed;
      } catch {
        fields = {};
      }
    } else fields = Object.fromEntries(new URLSearchParams(raw));
    const answer = k.authority.exchange(fields);
    reply.header('cache-control', 'no-store');
    record(k, request, { operation: 'lwaToken', status: answer.status, outcome: outcomeOf(answer.status) });
    return reply
      .code(answer.status)
      .header('content-type', 'application/json;charset=UTF-8')
      .send(JSON.stringify(answer.body));
  });

  app.post('/tokens/2021-03-01/restrictedDataToken', (request, reply) =>
    serve(k, request, reply, 'createRestrictedDataToken', TOKENS_PLAN, 'wrapped', false, () => {
      if (nestsTooDeep(request.body)) {
        return errorResult(400, [{ code: 'InvalidRequest', message: TOO_DEEP_MESSAGE }]);
      }
      const body = parseBody(request.body);
      const value = body.kind === 'json' ? body.value : undefined;
      const resources = isRecord(value) ? value.restrictedResources : undefined;
      const valid =
        Array.isArray(resources) &&
        resources.length >= 1 &&
        resources.length <= 50 &&
        resources.every(
          (r) =>
            isRecord(r) &&
            ['GET', 'PUT', 'POST', 'DELETE'].includes(r.method as string) &&
            typeof r.path === 'string' &&
            r.path.startsWith('/'),
        );
      if (!valid) {
        return errorResult(400, [
          {
            code: 'InvalidRequest',
            message: 'Request is missing or has invalid parameters',
            details: 'Resource not provided.',
          },
        ]);
      }
      const issued = k.authority.issueRestricted(
        (resources as { method: string; path: string }[]).map((r) => ({ method: r.method, path: r.path })),
      );
      return { status: 200, body: { restrictedDataToken: issued.token, expiresIn: issued.expiresIn } };
    }),
  );
}

/** The upload destinations' PUT: stores the document when the signature matches. */
function uploadRoute(app: FastifyInstance, k: Kit): void {
  app.put('/uploads/:id', { bodyLimit: UPLOAD_BODY_LIMIT }, async (request, reply) => {
    const id = (request.params as { id?: string }).id ?? '';
    const q = request.url.indexOf('?');
    const signature =
      new URLSearchParams(q < 0 ? '' : request.url.slice(q + 1)).get('X-Amz-Signature') ?? undefined;
    const content = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const outcome = receiveUpload(k.options.world.uploads, id, signature, content, k.options.nowMs());
    const status =
      outcome === 'stored' ? 200 : outcome === 'not-found' ? 404 : outcome === 'too-large' ? 400 : 403;
    record(k, request, { operation: 'upload', status, outcome: outcomeOf(status) });
    return reply.code(status).send();
  });
}

/** What answers when no route matches or a request fails before its handler. */
function errorAnswers(app: FastifyInstance, k: Kit): void {
  app.setNotFoundHandler((request, reply) =>
    send(
      k,
      reply,
      request,
      exchangeOf(k, request),
      'unknown',
      errorResult(404, [{ code: 'NotFound', message: 'No operation matches this method and path.' }]),
      undefined,
    ),
  );

  app.setErrorHandler((error: { statusCode?: number; code?: string }, request, reply) => {
    const status =
      typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500
        ? error.statusCode
        : 500;
    const message =
      status === 413
        ? 'The request body is too large.'
        : status === 415
          ? 'The request content type is not supported.'
          : status < 500
            ? 'The request could not be read.'
            : 'We encountered an internal error. Please try again.';
    const code =
      status === 413
        ? 'RequestEntityTooLarge'
        : status === 415
          ? 'UnsupportedMediaType'
          : status < 500
            ? 'InvalidInput'
            : 'InternalFailure';
    if (status >= 500) request.log.error({ code: error.code }, 'unexpected sandbox error');
    if (request.url.startsWith('/auth/o2/token')) {
      record(k, request, { operation: 'lwaToken', status: 400, outcome: 'client-error' });
      return reply
        .code(400)
        .header('content-type', 'application/json;charset=UTF-8')
        .send(
          JSON.stringify({ error_description: 'The request could not be read.', error: 'invalid_request' }),
        );
    }
    const bare = request.url.includes('/fulfillment');
    return send(
      k,
      reply,
      request,
      exchangeOf(k, request),
      'unknown',
      errorResult(status, [{ code, message }], bare ? 'bare' : 'wrapped'),
      undefined,
    );
  });
}

export function buildSandboxServer(options: SandboxServerOptions): SandboxServer {
  const k: Kit = {
    options,
    requestLog: [],
    limiter: new RateLimiter(options.rateLimits),
    faults: new FaultInjector(options.faults, options.seed),
    idRng: createRandom(deriveSeed(options.seed, 'ids')),
    authority: new TokenAuthority(
      options.credentials,
      options.nowMs,
      options.tokenTtlSeconds,
      createRandom(deriveSeed(options.seed, 'tokens')),
    ),
    exchanges: new WeakMap<FastifyRequest, Exchange>(),
    baseUrl: '',
  };
  const app = createApp(k);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  // A sandbox that listens while its jobs are still being seeded answers once they are.
  const seeded = k.options.seeded;
  if (seeded !== undefined) app.addHook('onRequest', async () => seeded);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-amzn-RequestId', exchangeOf(k, request).requestId);
  });

  for (const spec of OPERATIONS) serviceRoute(app, k, spec);
  tokenRoutes(app, k);
  uploadRoute(app, k);
  errorAnswers(app, k);

  return {
    app,
    requestLog: k.requestLog,
    setBaseUrl: (url) => {
      k.baseUrl = url;
    },
    forgetIssuedTokens: () => k.authority.forgetIssued(),
  };
}
