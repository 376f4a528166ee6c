import type { AddressInfo } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { DateTime } from 'luxon';
import { SANDBOX_CREDENTIALS } from './auth.ts';
import type { LwaCredentials } from './auth.ts';
import { earliestStartDate } from './clock.ts';
import { parseFaultSpec } from './faults.ts';
import type { RateLimitMode } from './rate-limit.ts';
import type { RequestLogEntry } from './request-log.ts';
import { seedJobs, seedSeller, seedWorld, unseededWorld } from './seed.ts';
import type { SeedOptions } from './seed.ts';
import { buildSandboxServer } from './server.ts';
import { takeSnapshot } from './snapshot.ts';
import { DEFAULT_MARKETPLACE_ID } from './marketplace.ts';
import type { SandboxSnapshot } from './snapshot.ts';
import type { SeededCrew, Store } from './state.ts';

/**
 * The local Services sandbox: a stateful stand-in for Amazon's Services API v1, LWA and the Tokens
 * API, seeded with one realistic seller. The engine's default endpoint; tests run against it over HTTP.
 */
export { SANDBOX_CREDENTIALS } from './auth.ts';
export { runningClock } from './clock.ts';
export { parseFaultSpec } from './faults.ts';
export type { RateLimitMode } from './rate-limit.ts';
export { SERVICE_CATALOG } from './catalog.ts';
export { DEFAULT_MARKETPLACE_ID } from './marketplace.ts';

export interface SandboxOptions {
  /** 0 = a free port. Default 0. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  readonly seed?: number;
  readonly jobs?: number;
  readonly technicians?: number;
  readonly stores?: number;
  /** Demand as a share of the crews' time over the seeded days, in (0, 1]; default 1 (see seed.ts). */
  readonly load?: number;
  /** Each store's services in proportion to its technicians who can do them (see seed.ts); default false. */
  readonly demandBySkill?: boolean;
  /** Extra orders of two services each (same order id, buyer and address), for linked visits; default 0. */
  readonly linkedOrders?: number;
  /**
   * Pending jobs given an earlier job of their product order, completed by a technician of the
   * store, for the previous visit's technician (`planning.previousTechnician`); default 0.
   */
  readonly previousVisits?: number;
  /**
   * First planning day, YYYY-MM-DD; default: tomorrow (UTC) by the clock. Refused when it lies
   * before the clock's today: every seeded window and appointment would already be over.
   */
  readonly startDate?: string;
  readonly rateLimits?: RateLimitMode;
  /** e.g. `429=0.1,5xx=0.05,drop=0.02,dropafter=0.01,latency=20-200ms`. */
  readonly faults?: string;
  /**
   * The sandbox's notion of now: read once to seed the world (job history, which appointments are
   * booked), then for appointment rules, token expiry, created/updated times and the request log.
   * Pin it together with `startDate`; `runningClock` pins the date and keeps real intervals.
   */
  readonly clock?: () => Date;
  readonly logger?: FastifyBaseLogger | boolean;
  /** Access-token lifetime; default 3600 s (Amazon's). */
  readonly tokenTtlSeconds?: number;
  readonly marketplaceId?: string;
  /**
   * Listen first, then seed the seller and its jobs (default false: seed, then listen). Requests
   * made in the meantime wait until the world is seeded; `ready()` settles then, and the world
   * (`snapshot`, `seededCrews`, `seededStores`) is empty before it. `fieldplan sandbox` listens
   * first: its address is known before the postal-code table is even loaded.
   */
  readonly listenBeforeSeeding?: boolean;
}

export interface Sandbox {
  /** Base URL, e.g. http://127.0.0.1:40123 — Services at /service/v1, LWA at /auth/o2/token. */
  readonly url: string;
  readonly credentials: LwaCredentials;
  readonly requestLog: readonly RequestLogEntry[];
  readonly marketplaceId: string;
  /** Settles when the seller and every seeded job are in place (at once unless `listenBeforeSeeding`). */
  ready(): Promise<void>;
  /** The world as it is now; with `listenBeforeSeeding`, await `ready()` first. */
  snapshot(): SandboxSnapshot;
  seededCrews(): SeededCrew[];
  seededStores(): Store[];
  /**
   * Plays a restart of the token issuer: every access token and RDT issued so far is refused
   * from now on as revoked or invalid; new exchanges work. Returns how many were forgotten.
   */
  forgetIssuedTokens(): number;
  close(): Promise<void>;
}

class SandboxOptionError extends Error {
  readonly code = 'INVALID_SANDBOX_OPTION';
}

function positiveInt(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min)
    throw new SandboxOptionError(`${name} must be an integer of at least ${min}, got ${value}`);
  return value;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const clock = options.clock ?? (() => new Date());
  const nowMs = (): number => clock().getTime();
  const seed = positiveInt('seed', options.seed, 1, 0);
  const stores = positiveInt('stores', options.stores, 3, 1);
  const technicians = positiveInt('technicians', options.technicians, 12, 1);
  const jobs = positiveInt('jobs', options.jobs, 300, 0);
  const startDate =
    options.startDate ?? DateTime.fromMillis(nowMs(), { zone: 'UTC' }).plus({ days: 1 }).toISODate();
  if (!startDate || !/^\d{4}-\d{2}-\d{2}$/.test(startDate) || !DateTime.fromISO(startDate).isValid) {
    throw new SandboxOptionError(`startDate must be a date as YYYY-MM-DD, got ${String(startDate)}`);
  }
  const seededAtMs = nowMs();
  const earliest = earliestStartDate(seededAtMs);
  if (startDate < earliest) {
    throw new SandboxOptionError(
      `startDate ${startDate} is before the sandbox clock's today (${new Date(seededAtMs).toISOString().slice(0, 10)} UTC): ` +
        `pass a startDate from ${earliest} on, or a clock set before the start date`,
    );
  }
  const rateLimits = options.rateLimits ?? 'amazon';
  if (!['amazon', 'amazon-sandbox', 'off'].includes(rateLimits)) {
    throw new SandboxOptionError(`rateLimits must be amazon, amazon-sandbox or off, got ${rateLimits}`);
  }
  const faults = parseFaultSpec(options.faults);
  const marketplaceId = options.marketplaceId ?? DEFAULT_MARKETPLACE_ID;
  const load = options.load ?? 1;
  if (!(load > 0 && load <= 1))
    throw new SandboxOptionError(`load must be a share of the crews' time in (0, 1], got ${String(load)}`);
  const seedOptions: SeedOptions = {
    seed,
    jobs,
    technicians,
    stores,
    startDate,
    nowMs: seededAtMs,
    marketplaceId,
    load,
    ...(options.demandBySkill !== undefined ? { demandBySkill: options.demandBySkill } : {}),
    ...(options.linkedOrders !== undefined
      ? { linkedOrders: positiveInt('linkedOrders', options.linkedOrders, 0, 0) }
      : {}),
    ...(options.previousVisits !== undefined
      ? { previousVisits: positiveInt('previousVisits', options.previousVisits, 0, 0) }
      : {}),
  };
  const later = options.listenBeforeSeeding === true;
  const world = later ? unseededWorld(marketplaceId) : seedWorld(seedOptions);
  let markSeeded: (error?: unknown) => void = () => {};
  const seeded = later
    ? new Promise<void>((resolve, reject) => {
        markSeeded = (error) => (error === undefined ? resolve() : reject(error as Error));
      })
    : Promise.resolve();
  // Requests that wait on a failed seeding fail with it; nothing else awaits it.
  seeded.catch(() => {});
  const server = buildSandboxServer({
    ...(later ? { seeded } : {}),
    world,
    seed,
    nowMs,
    rateLimits,
    faults,
    credentials: SANDBOX_CREDENTIALS,
    tokenTtlSeconds: positiveInt('tokenTtlSeconds', options.tokenTtlSeconds, 3600, 1),
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
  });
  const host = options.host ?? '127.0.0.1';
  await server.app.listen({ port: options.port ?? 0, host });
  const address = server.app.server.address() as AddressInfo;
  const publicHost =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${publicHost}:${address.port}`;
  server.setBaseUrl(url);
  if (later)
    // After this tick: the caller can report the address before the seeding holds the thread.
    setImmediate(() => {
      try {
        // The server holds this world: it is filled in place (no request reads it before `seeded`).
        Object.assign(world, seedSeller(seedOptions));
        seedJobs(world, seedOptions);
        markSeeded();
      } catch (error) {
        markSeeded(error);
      }
    });
  return {
    ready: () => seeded,
    url,
    credentials: SANDBOX_CREDENTIALS,
    requestLog: server.requestLog,
    marketplaceId,
    snapshot: () => takeSnapshot(world),
    seededCrews: () => structuredClone(world.crews) as SeededCrew[],
    seededStores: () => structuredClone(world.stores),
    forgetIssuedTokens: () => server.forgetIssuedTokens(),
    close: () => server.app.close(),
  };
}
