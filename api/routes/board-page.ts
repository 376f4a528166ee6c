/**
 * Serves the dispatch board's built page (`api/board/dist`, made by `npm run build:board`) at
 * `/board/`. No auth here: the page holds no data; it signs in to the `/v1` routes with a token.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { PACKAGE_ROOT } from '../../src/package-root.ts';

const BOARD_DIST = join(PACKAGE_ROOT, 'api', 'board', 'dist');

/**
 * The page loads only its own scripts and styles and talks only to this server, except for
 * the raster tiles of a base map the user names (http/https images and fetches).
 */
export const BOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob: http: https:",
  "connect-src 'self' http: https:",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

function securityHeaders(reply: FastifyReply): void {
  reply.header('content-security-policy', BOARD_CSP);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'no-referrer');
}

export async function boardPageRoutes(app: FastifyInstance, opts: { distDir?: string } = {}): Promise<void> {
  const root = opts.distDir ?? BOARD_DIST;
  // The page is public (it asks for a token itself); say so in the OpenAPI document.
  app.get(
    '/board',
    {
      schema: {
        summary: 'The dispatch board page',
        operationId: 'openBoardPage',
        tags: ['board'],
        security: [],
        response: { 301: z.null().describe('Redirects to /board/, the page itself (HTML)') },
      },
    },
    (_request, reply) => reply.redirect('/board/', 301),
  );

  if (!existsSync(join(root, 'index.html'))) {
    const notBuilt = (_request: unknown, reply: FastifyReply): FastifyReply =>
      reply.code(503).send({
        error: {
          code: 'BOARD_NOT_BUILT',
          message:
            'the dispatch board is not built; run `npm run build:board` (npm start and npm test do it)',
        },
      });
    app.get('/board/', notBuilt);
    app.get('/board/*', notBuilt);
    return;
  }

  await app.register(async (scope) => {
    scope.addHook('onSend', async (_request, reply, payload) => {
      securityHeaders(reply);
      return payload;
    });
    await scope.register(fastifyStatic, {
      root,
      prefix: '/board/',
      decorateReply: false,
      index: ['index.html'],
      wildcard: true,
      cacheControl: false,
      setHeaders: (res, path) => {
        // Built assets carry a content hash in their names; the page itself must be fresh.
        res.setHeader(
          'cache-control',
          path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
        );
      },
    });
  });
}
