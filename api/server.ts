/**
 * The HTTP API: fastify with zod schemas on every route (validated by the zod type
 * provider and published as OpenAPI at /docs), bearer-token scopes, per-token rate
 * limiting, CORS closed unless origins are listed, TLS 1.2+ when given a certificate,
 * Prometheus metrics and one error shape. Route plugins live in api/routes/ and are
 * registered below, each given the shared ApiContext.
 */
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { AccessLogController } from './access-log.ts';
import { registerAuthentication, requireScope, runScopeChecksLast } from './auth.ts';
import type { ApiContext } from './context.ts';
import { registerErrorHandling } from './errors.ts';
import { registerJsonBodyParser } from './json-body.ts';
import { capacityRoutes } from './routes/capacity.ts';
import { healthRoutes } from './routes/health.ts';
import { jobRoutes } from './routes/jobs.ts';
import { kpiRoutes } from './routes/kpis.ts';
import { whatIfRoutes } from './routes/whatif.ts';
import { planRoutes } from './routes/plans.ts';
import { boardPageRoutes } from './routes/board-page.ts';
import { boardRoutes } from './routes/board.ts';
import { rootRoutes } from './routes/root.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { optimizeRoutes } from './routes/optimize.ts';
import { sessionRoutes } from './routes/session.ts';
import { solveRoutes } from './routes/solve.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { registerSellerBinding } from './tenancy.ts';

export interface ServerOptions {
  /** Origins allowed by CORS; none by default (CORS closed). */
  corsOrigins?: string[];
  /** Requests per token (or per client address without one) per window; default 600 a minute. */
  rateLimit?: { max: number; timeWindowMs: number } | false;
  /** PEM certificate and key: serve HTTPS with TLS 1.2 at least. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** One access-log line per request (method, route, status, duration, request and token ids); default false. */
  logRequests?: boolean;
}

const DEFAULT_RATE_LIMIT = { max: 600, timeWindowMs: 60_000 };
/** fastify's default; ids are far shorter. */
const MAX_PARAM_LENGTH = 100;

export async function buildServer(ctx: ApiContext, opts: ServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.logger,
    logController: new AccessLogController({ disableRequestLogging: opts.logRequests !== true }),
    bodyLimit: 1024 * 1024,
    // A URL the router cannot read is refused in the one error shape, without echoing the URL.
    frameworkErrors: (error, _request, reply) => {
      const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      void (reply as FastifyReply).status(tooLong ? 414 : 400).send({
        error: {
          code: tooLong ? 'URI_TOO_LONG' : 'BAD_REQUEST',
          message: tooLong
            ? `a path parameter is longer than ${MAX_PARAM_LENGTH} characters`
            : 'the URL is not valid (bad percent-encoding or characters)',
        },
      });
    },
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    ...(opts.tls !== undefined
      ? { https: { cert: opts.tls.cert, key: opts.tls.key, minVersion: 'TLSv1.2' as const } }
      : {}),
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  registerJsonBodyParser(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'fieldplan API',
        description:
          'Plans, optimize-today, capacity, what-if, KPIs and close-out for in-home service work. Send `Authorization: Bearer <token>` (fieldplan token create).',
        version: 'v1',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(cors, {
    origin: opts.corsOrigins !== undefined && opts.corsOrigins.length > 0 ? opts.corsOrigins : false,
  });

  registerAuthentication(app, ctx.tenants?.tokens ?? ctx.store.tokens, ctx.tenants?.serves);
  if (opts.rateLimit !== false) {
    const limit = opts.rateLimit ?? DEFAULT_RATE_LIMIT;
    await app.register(rateLimit, {
      global: true,
      max: limit.max,
      timeWindow: limit.timeWindowMs,
      keyGenerator: (request) => (request.auth ? `token:${request.auth.tokenId}` : `ip:${request.ip}`),
      allowList: (request) => request.routeOptions.url === '/health',
      errorResponseBuilder: (_request, context) => ({
        statusCode: 429,
        error: 'Too Many Requests',
        message: `rate limit of ${context.max} requests per ${context.after} reached; retry later`,
      }),
    });
  }

  runScopeChecksLast(app);
  registerSellerBinding(app, ctx);

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seller = ctx.tenants !== undefined ? { seller: request.sellerId ?? 'none' } : {};
    ctx.metrics.httpRequests.inc({
      method: request.method,
      route,
      status: String(reply.statusCode),
      ...seller,
    });
    ctx.metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });

  const routes = { ctx };
  // Route plugins, one per area (see notes in each file).
  await app.register(healthRoutes, routes);
  await app.register(planRoutes, routes);
  await app.register(tokenRoutes, routes);
  await app.register(optimizeRoutes, routes);
  await app.register(solveRoutes, routes);
  await app.register(boardRoutes, routes);
  await app.register(metricsRoutes, routes);
  await app.register(sessionRoutes);
  await app.register(boardPageRoutes);
  await app.register(rootRoutes);
  await app.register(capacityRoutes, routes);
  await app.register(whatIfRoutes, routes);
  await app.register(kpiRoutes, routes);
  await app.register(jobRoutes, routes);
  // Queue mode: the BullMQ dashboard, admins only.
  if (ctx.queue !== undefined)
    await (
      await import('../src/queue/operations.ts')
    ).registerQueueDashboard(app, ctx.queue, requireScope('admin'));

  return app.withTypeProvider<ZodTypeProvider>() as unknown as FastifyInstance;
}
