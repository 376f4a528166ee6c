/**
 * `GET /`: where to go from the API's address. A browser gets a small page linking the
 * dispatch board and the API documentation; any other client the same addresses as JSON.
 * No auth: it holds no data.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorAnswers } from '../contract/index.ts';

const RootSchema = z.object({
  name: z.literal('fieldplan API'),
  board: z.string(),
  docs: z.string(),
  health: z.string(),
});

/** The board, docs and health addresses under `base` (the server's URL, no trailing slash). */
export function apiAddresses(base: string): { board: string; docs: string; health: string } {
  return { board: `${base}/board/`, docs: `${base}/docs`, health: `${base}/health` };
}

function baseOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>fieldplan API</title></head>
<body>
<h1>fieldplan API</h1>
<ul>
<li><a href="/board/">Dispatch board</a>: routes, jobs not planned, optimize-today, what-if</li>
<li><a href="/docs">API documentation</a> (OpenAPI)</li>
<li><a href="/health">Health</a></li>
</ul>
</body>
</html>
`;

export async function rootRoutes(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/',
    {
      schema: {
        summary: 'Where to go: the dispatch board and the API documentation',
        operationId: 'getRoot',
        tags: ['service'],
        security: [],
        response: { 200: RootSchema.or(z.string()), ...errorAnswers(500) },
      },
    },
    async (request, reply) => {
      // A browser asks for HTML first; curl and scripts send */* or JSON.
      if ((request.headers.accept ?? '').split(',')[0]?.trim().startsWith('text/html'))
        return reply.type('text/html; charset=utf-8').send(PAGE);
      return { name: 'fieldplan API' as const, ...apiAddresses(baseOf(request)) };
    },
  );
}
