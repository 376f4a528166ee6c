/**
 * Several sellers behind one server. Each seller has a context of its own: its crews
 * config, its view of the store (every query confined to its rows), its Services client
 * (its own LWA credentials and so its own rate limits), its marketplace and its planner.
 * The context the routes are given is a router: its seller-specific members are the
 * seller's whose token made the request (bound per request with AsyncLocalStorage), so a
 * route cannot reach another seller's data: a plan, job or store of seller B is simply not
 * there for a token of seller A (404, as for an id that never existed). A token across every
 * seller (admin) names the seller with the `Fieldplan-Seller` header. A request naming a store
 * that is not its seller's (`storeId`, `storeIds`) is answered 404 before its handler runs.
 *
 * The solver pool, the geocoder, the clock, the logger and the metrics registry are shared;
 * metrics carry a `seller` label.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import {
  CachingGeocoder,
  PostalCodeGeocoder,
  postalCodeCacheKey,
  travelMatrixProvider,
} from '../src/geo/index.ts';
import { connectClient, type ConnectionOptions } from '../src/connect.ts';
import { servicesPort } from '../src/pipeline/adapters/services.ts';
import { storePort } from '../src/pipeline/adapters/store.ts';
import type { ServicesPort } from '../src/pipeline/ports.ts';
import type { ServicesClient } from '../src/spapi/index.ts';
import type { QueueClient } from '../src/queue/client.ts';
import { openStore, type Store } from '../src/store/index.ts';
import { sellerEnvironment } from '../src/tenants/seller-secrets.ts';
import type { ResolvedSeller } from '../src/tenants/sellers.ts';
import type { ApiContext, CreateContextOptions, SellerDirectory } from './context.ts';
import { createLogger } from './logger.ts';
import { ApiError } from './errors.ts';
import { createMetrics, instrumentServices, sellerMetrics } from './metrics.ts';
import { Planner } from './planner.ts';
import { createSolverPool } from './solver/pool.ts';

/** The header an admin token across every seller names the seller with. */
export const SELLER_HEADER = 'fieldplan-seller';

const SELLER_MEMBERS = [
  'config',
  'store',
  'pipelineStore',
  'marketplaceId',
  'travel',
  'planner',
  'sellerId',
] as const;

export interface SellersContextOptions extends CreateContextOptions {
  sellers: readonly ResolvedSeller[];
  /**
   * What one seller's Services client adds to the shared connection options: in queue mode,
   * the seller's rate-limit buckets in Redis (Amazon's usage plans are per seller).
   */
  sellerConnection?: ((sellerId: string) => Partial<ConnectionOptions>) | undefined;
}

export async function createSellersContext(options: SellersContextOptions): Promise<ApiContext> {
  if (options.sellers.length === 0) throw new RangeError('a sellers context needs at least one seller');
  const env = options.env ?? process.env;
  const clock = options.clock ?? (() => new Date());
  const als = new AsyncLocalStorage<ApiContext>();
  // Queue mode: one client for every seller; the runs it adds are the bound seller's.
  let queue: QueueClient | undefined;
  if (options.queue !== undefined) {
    const { QueueClient } = await import('../src/queue/client.ts');
    queue = await QueueClient.open({
      ...options.queue,
      dbUrl: options.db,
      schema: options.storeOptions?.schema,
      sellerId: () => current().sellerId,
    });
  }
  let root: Store;
  try {
    root = await openStore(options.db, { env, clock, ...options.storeOptions });
  } catch (error) {
    await queue?.close();
    throw error;
  }
  const metrics = createMetrics({ defaultMetrics: options.defaultMetrics ?? true, sellerLabel: true });
  if (queue !== undefined)
    (await import('../src/queue/operations.ts')).registerQueueMetrics(metrics.registry, queue);
  const solver = createSolverPool(
    options.solverThreads !== undefined ? { threads: options.solverThreads } : {},
  );
  const logger: Logger = options.logger ?? createLogger();
  const geocoder = new CachingGeocoder(new PostalCodeGeocoder(), undefined, postalCodeCacheKey);
  const bySeller = new Map<string, ApiContext>();
  try {
    for (const seller of options.sellers) {
      const store: Store = await root.forSeller(seller.id, {
        ...(seller.dataKeys !== undefined ? { dataKeys: seller.dataKeys } : {}),
      });
      bySeller.set(
        seller.id,
        sellerContext(seller, store, { options, env, clock, metrics, solver, logger, geocoder }),
      );
    }
  } catch (error) {
    await solver.close();
    await queue?.close();
    await root.close();
    throw error;
  }

  const directory: SellerDirectory = {
    sellerIds: options.sellers.map((s) => s.id),
    get: (id) => bySeller.get(id),
    serves: (id) => bySeller.has(id),
    tokens: root.tokens,
    current: () => als.getStore(),
    run: (seller, fn) => als.run(seller, fn),
  };
  function current(): ApiContext {
    const seller = als.getStore();
    if (seller === undefined)
      throw new ApiError(
        400,
        'SELLER_REQUIRED',
        `this token reaches every seller: name one with the ${SELLER_HEADER} header (one of ${options.sellers.map((s) => s.id).join(', ')})`,
      );
    return seller;
  }
  const router = {
    services: () => current().services(),
    servicesClient: () => current().servicesClient(),
    geocoder,
    clock,
    logger,
    solver,
    metrics,
    queue,
    tenants: directory,
    async close() {
      for (const seller of bySeller.values()) await seller.planner.drain();
      await solver.close();
      await queue?.close();
      await root.close();
    },
  } as unknown as ApiContext;
  for (const member of SELLER_MEMBERS) {
    Object.defineProperty(router, member, { enumerable: true, get: () => current()[member] });
  }
  return router;
}

function sellerContext(
  seller: ResolvedSeller,
  store: Store,
  shared: {
    options: SellersContextOptions;
    env: NodeJS.ProcessEnv;
    clock: () => Date;
    metrics: ReturnType<typeof createMetrics>;
    solver: ReturnType<typeof createSolverPool>;
    logger: Logger;
    geocoder: CachingGeocoder;
  },
): ApiContext {
  const { options, clock, solver, geocoder } = shared;
  const metrics = sellerMetrics(shared.metrics, seller.id);
  let services: ServicesPort | undefined;
  let client: ServicesClient | undefined;
  const servicesClient = (): ServicesClient =>
    (client ??= connectClient(
      {
        endpoint: seller.endpoint,
        marketplace: seller.marketplaceId,
        ...(options.connection?.rateLimits !== undefined
          ? { rateLimits: options.connection.rateLimits }
          : {}),
        ...(options.connection?.logger !== undefined ? { logger: options.connection.logger } : {}),
        ...(options.connection?.usagePlanOverrides !== undefined
          ? { usagePlanOverrides: options.connection.usagePlanOverrides }
          : {}),
        ...options.sellerConnection?.(seller.id),
        lwa: seller.lwa,
      },
      // A seller never falls back on the deployment's own LWA variables.
      sellerEnvironment(shared.env),
    ));
  const deps: Omit<ApiContext, 'planner' | 'close'> = {
    sellerId: seller.id,
    config: seller.config,
    store,
    pipelineStore: storePort(store, { actor: 'api' }),
    services() {
      services ??= instrumentServices(servicesPort(servicesClient()), metrics);
      return services;
    },
    servicesClient,
    marketplaceId: seller.marketplaceId,
    geocoder,
    travel: travelMatrixProvider(seller.config.planning.travel, { osrmUrl: options.osrmUrl }),
    clock,
    logger: shared.logger.child({ sellerId: seller.id }),
    solver,
    metrics,
  };
  const ctx: ApiContext = Object.assign(deps, {
    planner: new Planner(deps),
    async close() {
      await ctx.planner.drain();
    },
  });
  return ctx;
}

/**
 * Binds each authenticated request to its seller before its handler runs. A seller's token
 * is bound to its seller (a `Fieldplan-Seller` header naming another is answered 404, as an
 * unknown seller is); an admin token across sellers to the seller its header names, or to
 * the only seller when there is one.
 */
export function registerSellerBinding(app: FastifyInstance, ctx: ApiContext): void {
  const directory = ctx.tenants;
  if (directory === undefined) return;
  app.decorateRequest('sellerId', undefined);
  app.addHook('preHandler', (request, _reply, done) => {
    const auth = request.auth;
    if (auth === undefined) return done();
    const raw = request.headers[SELLER_HEADER];
    const named = Array.isArray(raw) ? raw[0] : raw;
    let sellerId: string | undefined;
    if (auth.sellerId !== null) {
      if (named !== undefined && named !== auth.sellerId)
        return done(new ApiError(404, 'NOT_FOUND', 'no such seller for this token'));
      sellerId = auth.sellerId;
    } else if (named !== undefined) {
      if (!directory.serves(named)) return done(new ApiError(404, 'NOT_FOUND', 'no such seller'));
      sellerId = named;
    } else if (directory.sellerIds.length === 1) {
      sellerId = directory.sellerIds[0];
    }
    const seller = sellerId === undefined ? undefined : directory.get(sellerId);
    if (seller === undefined) return done();
    request.sellerId = seller.sellerId;
    // Another seller's store is not there for this seller, like a store that never existed.
    const foreign = storesNamed(request).find(
      ({ storeId }) => !seller.config.stores.some((s) => s.storeId === storeId),
    );
    if (foreign !== undefined)
      return done(
        new ApiError(404, 'NOT_FOUND', `no store ${foreign.storeId}`, [
          { path: foreign.path, message: "not a store of this seller's crews config" },
        ]),
      );
    directory.run(seller, () => done());
  });
}

/** The store ids a request names: `storeId` in its query or body, `storeIds` in its body. */
function storesNamed(request: { query: unknown; body: unknown }): { path: string; storeId: string }[] {
  const out: { path: string; storeId: string }[] = [];
  const query = request.query as Record<string, unknown> | null | undefined;
  if (typeof query?.['storeId'] === 'string') out.push({ path: 'query.storeId', storeId: query['storeId'] });
  const body = request.body as Record<string, unknown> | null | undefined;
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    if (typeof body['storeId'] === 'string') out.push({ path: 'body.storeId', storeId: body['storeId'] });
    const ids = body['storeIds'];
    if (Array.isArray(ids))
      ids.forEach((id, i) => {
        if (typeof id === 'string') out.push({ path: `body.storeIds[${i}]`, storeId: id });
      });
  }
  return out;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The seller the request was bound to (multi-seller servers). */
    sellerId: string | undefined;
  }
}
