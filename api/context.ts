/**
 * What every route needs, built once per server: the planning configuration, the store, the
 * Services client, geography, the clock, a logger that carries ids only, the solver worker
 * pool and the metrics registry.
 */
import type { Logger } from 'pino';
import type { PlanningConfig } from '../src/config/index.ts';
import { connectClient, loadConfigFor, planningGeography, type ConnectionOptions } from '../src/connect.ts';
import type { Geocoder, TravelMatrixProvider } from '../src/pipeline/solve/geography.ts';
import type { PipelineStorePort, ServicesPort } from '../src/pipeline/ports.ts';
import { storePort } from '../src/pipeline/adapters/store.ts';
import { openStore, type OpenStoreOptions, type Store } from '../src/store/index.ts';
import { servicesPort } from '../src/pipeline/adapters/services.ts';
import type { ServicesClient } from '../src/spapi/index.ts';
import { createLogger } from './logger.ts';
import { createMetrics, instrumentServices, type ApiMetrics } from './metrics.ts';
import { Planner } from './planner.ts';
import { createSolverPool, type SolverPool } from './solver/pool.ts';
import type { ApiTokens } from '../src/store/api-tokens.ts';
import { DEFAULT_SELLER_ID } from '../src/tenants/index.ts';
import type { ResolvedSeller } from '../src/tenants/sellers.ts';
import type { QueueClient, QueueConnectionOptions } from '../src/queue/client.ts';

/** Several sellers behind one server (api/tenancy.ts builds it). */
export interface SellerDirectory {
  /** The sellers served, in the sellers file's order. */
  readonly sellerIds: readonly string[];
  /** A seller's own context. */
  get(sellerId: string): ApiContext | undefined;
  /** Whether tokens of this seller are accepted. */
  serves(sellerId: string): boolean;
  /** Verifies tokens of every seller. */
  readonly tokens: Pick<ApiTokens, 'verify'>;
  /** The seller context bound to the running request, if any. */
  current(): ApiContext | undefined;
  /** Runs `fn` with `seller` bound as the current seller. */
  run<T>(seller: ApiContext, fn: () => T): T;
}

export interface ApiContext {
  /** The seller this context serves (`default` without a sellers file); see tenancy.ts. */
  sellerId: string;
  /** Several sellers behind this server: the members above are the requesting seller's. */
  tenants?: SellerDirectory | undefined;
  config: PlanningConfig;
  /** The store: plans, jobs, journal, tokens, locks, audit. */
  store: Store;
  /** The same store as the planning pipeline sees it. */
  pipelineStore: PipelineStorePort;
  /** The Services client (writes counted in the metrics); made once, on first use. */
  services(): ServicesPort;
  /** The typed Services client behind it, for the operations the pipeline port does not carry (capacity reads, close-out). */
  servicesClient(): ServicesClient;
  marketplaceId: string;
  geocoder: Geocoder;
  travel: TravelMatrixProvider;
  clock: () => Date;
  /** Logs ids, statuses and timings; personal-data keys are redacted at any depth. */
  logger: Logger;
  solver: SolverPool;
  metrics: ApiMetrics;
  /** Planning runs started by the API (progress while they run). */
  planner: Planner;
  /** Queue mode (`serve --queue`): runs go to workers over Redis, their state is in PostgreSQL. */
  queue?: QueueClient | undefined;
  close(): Promise<void>;
}

export interface CreateContextOptions {
  /** Services endpoint: na | eu | fe | amazon-sandbox | a URL (the local sandbox). */
  endpoint: string;
  marketplaceId: string;
  /** SQLite file, `:memory:` or postgres:// URL. */
  db: string;
  /** Crews config file; a local sandbox endpoint without one uses the sandbox seller's. */
  configFile?: string | undefined;
  /** An already loaded configuration (wins over configFile). */
  config?: PlanningConfig | undefined;
  connection?: Partial<ConnectionOptions>;
  storeOptions?: OpenStoreOptions;
  env?: NodeJS.ProcessEnv;
  clock?: () => Date;
  logger?: Logger;
  solverThreads?: number;
  osrmUrl?: string | undefined;
  /** Also collect Node's default process metrics (default true). */
  defaultMetrics?: boolean;
  /** Serve these sellers (a sellers file) instead of the one seller of `config`. */
  sellers?: readonly ResolvedSeller[] | undefined;
  /** Queue mode: Redis and the shared PostgreSQL store (`db` must be that store). */
  queue?: Omit<QueueConnectionOptions, 'dbUrl'> | undefined;
}

export { createLogger };

export async function createApiContext(options: CreateContextOptions): Promise<ApiContext> {
  const env = options.env ?? process.env;
  const config = options.config ?? (await loadConfigFor(options.endpoint, options.configFile));
  const clock = options.clock ?? (() => new Date());
  // Queue mode's libraries load only in queue mode.
  const queue =
    options.queue !== undefined
      ? await (
          await import('../src/queue/client.ts')
        ).QueueClient.open({ ...options.queue, dbUrl: options.db, schema: options.storeOptions?.schema })
      : undefined;
  const store = await openStore(options.db, { env, clock, ...options.storeOptions });
  const metrics = createMetrics({ defaultMetrics: options.defaultMetrics ?? true });
  if (queue !== undefined)
    (await import('../src/queue/operations.ts')).registerQueueMetrics(metrics.registry, queue);
  const solver = createSolverPool(
    options.solverThreads !== undefined ? { threads: options.solverThreads } : {},
  );
  let services: ServicesPort | undefined;
  let client: ServicesClient | undefined;
  const servicesClient = (): ServicesClient =>
    (client ??= connectClient(
      { endpoint: options.endpoint, marketplace: options.marketplaceId, ...options.connection },
      env,
    ));
  const deps: Omit<ApiContext, 'planner' | 'close'> = {
    sellerId: DEFAULT_SELLER_ID,
    config,
    store,
    pipelineStore: storePort(store, { actor: 'api' }),
    services() {
      services ??= instrumentServices(servicesPort(servicesClient()), metrics);
      return services;
    },
    servicesClient,
    marketplaceId: options.marketplaceId,
    ...planningGeography(config, options.osrmUrl),
    clock,
    logger: options.logger ?? createLogger(),
    solver,
    metrics,
    queue,
  };
  const ctx: ApiContext = Object.assign(deps, {
    // The context itself is what the planner gets (it keys the board cache the routes read).
    planner: new Planner(deps),
    async close() {
      await ctx.planner.drain();
      await solver.close();
      await queue?.close();
      await store.close();
    },
  });
  return ctx;
}
