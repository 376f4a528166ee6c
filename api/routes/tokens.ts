/** `GET /v1/tokens` (admin): the API tokens, ids, names and scopes only (secrets are never kept). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireScope } from '../auth.ts';
import { authenticatedErrors, TokenListSchema } from '../contract/index.ts';
import type { ApiContext } from '../context.ts';

export async function tokenRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/tokens',
    {
      onRequest: requireScope('admin'),
      schema: {
        summary: 'API tokens (no secrets)',
        operationId: 'listTokens',
        tags: ['admin'],
        response: { 200: TokenListSchema, ...authenticatedErrors() },
      },
    },
    async () => ({ tokens: await opts.ctx.store.tokens.list() }),
  );
}
