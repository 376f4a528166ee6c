/** `GET /health`: no auth, no database round trip; says whether the server answers and how busy the solver is. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiContext } from '../context.ts';

const HealthSchema = z.object({
  status: z.literal('ok'),
  uptimeSeconds: z.number(),
  solver: z.object({ threads: z.number(), running: z.number(), queued: z.number() }),
});

export async function healthRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const started = Date.now();
  app.withTypeProvider<ZodTypeProvider>().get(
    '/health',
    {
      schema: {
        summary: 'Liveness and solver load',
        tags: ['service'],
        security: [],
        response: { 200: HealthSchema },
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
