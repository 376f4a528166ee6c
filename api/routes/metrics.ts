/** `GET /metrics` (viewer): Prometheus text. Labels are route patterns, kinds, operations and outcomes: no personal data. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireScope } from '../auth.ts';
import { authenticatedErrors } from '../contract/index.ts';
import type { ApiContext } from '../context.ts';

export async function metricsRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const { ctx } = opts;
  app.get(
    '/metrics',
    {
      onRequest: requireScope('viewer'),
      schema: {
        summary: 'Prometheus metrics (text exposition format)',
        operationId: 'getMetrics',
        tags: ['service'],
        response: {
          200: {
            description: 'Prometheus text exposition format',
            content: { 'text/plain': { schema: z.string() } },
          },
          ...authenticatedErrors(),
        },
      },
    },
    async (_request, reply) => {
      const s = ctx.solver.stats();
      ctx.metrics.solverTasks.set({ state: 'running' }, s.running);
      ctx.metrics.solverTasks.set({ state: 'queued' }, s.queued);
      const text = await ctx.metrics.registry.metrics();
      return reply.type(ctx.metrics.registry.contentType).send(text);
    },
  );
}
