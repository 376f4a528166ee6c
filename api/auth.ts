/**
 * Bearer-token authentication and scopes. `viewer` < `planner` < `admin`: a higher scope
 * includes the lower ones. Tokens are verified against their hash in the store on every
 * request (an `onRequest` hook, so the rate limiter can key on the token id); routes state
 * the scope they need with `onRequest: requireScope(...)`. Both run before the body is read,
 * so a request without a valid token is a 401 and a scope too low a 403 whatever its body
 * holds: nothing about the route's fields reaches a client that may not call it, and no
 * unauthenticated body is ever parsed. `request.auth.scope` tells a handler whether personal
 * data may be returned (`planner`, `admin`).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { ApiTokens, TokenScope } from '../src/store/api-tokens.ts';
import { ApiError } from './errors.ts';
import { DEFAULT_SELLER_ID } from '../src/tenants/index.ts';

export type { TokenScope } from '../src/store/api-tokens.ts';

interface RequestAuth {
  tokenId: string;
  /** The token's seller; null: an admin token across every seller. */
  sellerId: string | null;
  scope: TokenScope;
  name: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified token, when the request carried a valid one. */
    auth: RequestAuth | undefined;
    /** Why the Authorization header was not accepted, when it was present but bad. */
    authProblem: string | undefined;
  }
}

const RANK: Record<TokenScope, number> = { viewer: 1, planner: 2, admin: 3 };

function scopeIncludes(have: TokenScope, need: TokenScope): boolean {
  return RANK[have] >= RANK[need];
}

/** planner and admin may see buyers' names and addresses; viewer sees ids, times and postal-centroid points. */
export function maySeePersonalData(request: FastifyRequest): boolean {
  return request.auth !== undefined && scopeIncludes(request.auth.scope, 'planner');
}

/** Scope checks made by requireScope, so a route that runs one too late is refused at startup. */
const scopeChecks = new WeakSet<object>();

/** Installs the hook that reads `Authorization: Bearer <token>` on every request. */
export function registerAuthentication(
  app: FastifyInstance,
  tokens: Pick<ApiTokens, 'verify'>,
  /** Sellers whose tokens this server accepts (default: the implicit seller only). */
  serves: (sellerId: string) => boolean = (id) => id === DEFAULT_SELLER_ID,
): void {
  app.decorateRequest('auth', undefined);
  app.decorateRequest('authProblem', undefined);
  app.addHook('onRoute', (route) => {
    for (const stage of ['preParsing', 'preValidation', 'preHandler'] as const) {
      const hooks = [route[stage] ?? []].flat();
      if (hooks.some((hook) => scopeChecks.has(hook))) {
        throw new Error(
          `${route.method} ${route.url} checks its scope in ${stage}; use onRequest: requireScope(...) so no body is read first`,
        );
      }
    }
  });
  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    if (header === undefined || header === '') return;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match === null) {
      request.authProblem = 'the Authorization header must be "Bearer <token>"';
      return;
    }
    const info = await tokens.verify(match[1]!);
    if (info === undefined) {
      request.authProblem = 'the token is unknown, revoked or malformed';
      return;
    }
    if (info.sellerId !== null && !serves(info.sellerId)) {
      request.authProblem = 'the token belongs to a seller this server does not serve';
      return;
    }
    request.auth = { tokenId: info.tokenId, sellerId: info.sellerId, scope: info.scope, name: info.name };
  });
}

/**
 * Moves each route's scope check behind the other onRequest hooks given to it so far (the
 * rate limiter's): a flood without a token is limited per address before it is refused.
 * Install after the rate limiter and before the routes.
 */
export function runScopeChecksLast(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const hooks = [route.onRequest ?? []].flat();
    const checks = hooks.filter((hook) => scopeChecks.has(hook));
    if (checks.length > 0) route.onRequest = [...hooks.filter((hook) => !scopeChecks.has(hook)), ...checks];
  });
}

/** onRequest hook: 401 without a valid token, 403 when its scope is below `need`. */
export function requireScope(need: TokenScope): onRequestAsyncHookHandler {
  const check = async function checkScope(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    void reply;
    if (request.auth === undefined) {
      throw new ApiError(
        401,
        'UNAUTHORIZED',
        request.authProblem ?? 'a bearer token is required (Authorization: Bearer <token>)',
      );
    }
    if (!scopeIncludes(request.auth.scope, need)) {
      throw new ApiError(
        403,
        'FORBIDDEN',
        `this route needs the ${need} scope; the token has ${request.auth.scope}`,
      );
    }
  };
  scopeChecks.add(check);
  return check;
}
