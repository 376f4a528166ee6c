/**
 * `GET /v1/session` (viewer): the calling token's scope and name, so a client (the board)
 * can check a token at sign-in and offer only what the token may do. The routes themselves
 * still enforce their scopes.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireScope } from '../auth.ts';
import { authenticatedErrors, SessionSchema } from '../contract/index.ts';
import { ApiError } from '../errors.ts';

export async function sessionRoutes(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/session',
    {
      onRequest: requireScope('viewer'),
      schema: {
        summary: "The calling token's scope and name",
        operationId: 'getSession',
        tags: ['auth'],
        querystring: z.object({}).strict(),
        response: { 200: SessionSchema, ...authenticatedErrors() },
      },
    },
    async (request) => {
      const auth = request.auth;
      if (auth === undefined) throw new ApiError(401, 'UNAUTHORIZED', 'a bearer token is required');
      return { scope: auth.scope, name: auth.name };
    },
  );
}
