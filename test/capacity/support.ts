/** A seeded sandbox with a stored dry-run plan, and the capacity dependencies bound to it. */
import {
  CachingGeocoder,
  GreatCircleMatrixProvider,
  PostalCodeGeocoder,
  postalCodeCacheKey,
} from '../../src/geo/index.ts';
import { amazonCapacityPort, type CapacityDeps } from '../../src/capacity/index.ts';
import type { PipelineStorePort, ServicesPort } from '../../src/pipeline/ports.ts';
import { runPlanning } from '../../src/pipeline/run.ts';
import { createServicesClient, RateLimiterRegistry, type ServicesClient } from '../../src/spapi/index.ts';
import { join } from 'node:path';
import { storePort } from '../../src/pipeline/adapters/store.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { deps, runOptions, servicesFor, startWorld, tempDir, type World } from '../pipeline/support/world.ts';

export interface CapacityWorld {
  world: World;
  store: PipelineStorePort;
  db: Store;
  services: ServicesPort;
  client: ServicesClient;
  deps: CapacityDeps;
  storeId: string;
  /** The SQLite file behind `db`. */
  dbPath: string;
  close(): Promise<void>;
}

export function clientFor(world: World): ServicesClient {
  return createServicesClient({
    baseUrl: world.sandbox.url,
    credentials: { ...world.sandbox.credentials, tokenUrl: `${world.sandbox.url}/auth/o2/token` },
    rateLimits: 'off',
    rateLimiters: new RateLimiterRegistry(),
    retry: { initialDelayMs: 5, maxDelayMs: 50 },
  });
}

export async function capacityWorld(
  options: {
    plan?: boolean;
    apply?: boolean;
    days?: number;
    iterations?: number;
    sandbox?: { seed?: number; technicians?: number; jobs?: number; date?: string; clock?: () => Date };
  } = {},
): Promise<CapacityWorld> {
  const world = await startWorld(options.sandbox ?? {});
  const dbPath = join(tempDir(), 'fieldplan.db');
  const db = await openStore(dbPath);
  const store = storePort(db, { actor: 'test' });
  if (options.plan !== false) {
    await runPlanning(
      runOptions(world, {
        apply: options.apply ?? false,
        solverIterations: options.iterations ?? 200,
        days: options.days ?? 1,
      }),
      deps(world, store),
    );
  }
  const client = clientFor(world);
  const storeId = world.sandbox.seededStores()[0]!.storeId;
  return {
    world,
    store,
    db,
    services: servicesFor(world.sandbox),
    client,
    storeId,
    dbPath,
    deps: {
      config: world.config,
      store,
      geocoder: new CachingGeocoder(new PostalCodeGeocoder(), undefined, postalCodeCacheKey),
      travel: new GreatCircleMatrixProvider({ roadFactor: 1.3, speedKmh: 40 }),
      clock: () => new Date(),
      plans: db.plans,
      amazon: amazonCapacityPort(client),
      marketplaceId: world.sandbox.marketplaceId,
    },
    async close() {
      await store.close();
      await world.close();
    },
  };
}
