/** `GET /health`: no auth, no database round trip; says whether the server answers and how busy the solver is. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { errorAnswers, HealthSchema } from '../contract/index.ts';
import type { ApiContext } from '../context.ts';

export async function healthRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const started = Date.now();
  app.withTypeProvider<ZodTypeProvider>().get(
    '/health',
    {
      schema: {
        summary: 'Liveness and solver load',
        operationId: 'getHealth',
        tags: ['service'],
        security: [],
        response: { 200: HealthSchema, ...errorAnswers(500) },
      },
      config: { rateLimit: false },
    },
    async () => ({
      status: 'ok' as const,
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
      solver: opts.ctx.solver.stats(),
    }),
  );
}
