/** `GET /v1/tokens` (admin): the API tokens, ids, names and scopes only (secrets are never kept). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireScope } from '../auth.ts';
import type { ApiContext } from '../context.ts';

const TokenSchema = z.object({
  tokenId: z.string(),
  sellerId: z.string().nullable(),
  name: z.string().nullable(),
  scope: z.enum(['viewer', 'planner', 'admin']),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});

export async function tokenRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/tokens',
    {
      onRequest: requireScope('admin'),
      schema: {
        summary: 'API tokens (no secrets)',
        tags: ['admin'],
        response: { 200: z.object({ tokens: z.array(TokenSchema) }) },
      },
    },
    async () => ({ tokens: await opts.ctx.store.tokens.list() }),
  );
}
