/**
 * The composition root shared by the command line and the API: how the engine reaches
 * Amazon (the Services client for an endpoint, the local sandbox's own credentials when none
 * are configured), which crews config it plans with, and the geography it measures with.
 * `src/cli/` and `api/` both build their pieces here; neither imports the other's.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './package-root.ts';
import { ConfigError, loadPlanningConfig, type PlanningConfig } from './config/index.ts';
import {
  CachingGeocoder,
  PostalCodeGeocoder,
  postalCodeCacheKey,
  travelMatrixProvider,
} from './geo/index.ts';
import type { Geocoder, TravelMatrixProvider } from './pipeline/solve/geography.ts';
import type { ServicesPort } from './pipeline/ports.ts';
import { servicesPort } from './pipeline/adapters/services.ts';
import { SANDBOX_CREDENTIALS } from './sandbox/auth.ts';
import {
  createServicesClient,
  type RateLimitPlan,
  type RateLimiterRegistry,
  type ServicesClient,
  type ServicesClientOptions,
} from './spapi/index.ts';
import type { LwaCredentials } from './spapi/credentials.ts';
import type { Logger } from './spapi/logger.ts';

/** Crews of the local sandbox's default seeded seller (seed 1), used when no config is given for a local sandbox. */
export const SANDBOX_SELLER_CONFIG = join(PACKAGE_ROOT, 'config/sandbox-seller.yaml');

export interface ConnectionOptions {
  endpoint: string;
  marketplace: string;
  rateLimits?: RateLimitPlan | undefined;
  credentials?: string | undefined;
  /** LWA credentials given directly (a seller's, from the sellers file's sources). */
  lwa?: LwaCredentials | undefined;
  /** Where the client logs (default: the client's own logger). */
  logger?: Logger | undefined;
  /** Rate limiter registry (queue mode: buckets shared by every worker in Redis); default the process's. */
  rateLimiters?: RateLimiterRegistry | undefined;
  /** Usage plans per operation that win over the plan's (benchmarks run them time-scaled). */
  usagePlanOverrides?: ServicesClientOptions['usagePlanOverrides'] | undefined;
}

/** An endpoint that is none of na, eu, fe, amazon-sandbox or an http(s) URL. */
export class EndpointError extends Error {
  override readonly name = 'EndpointError';
}

export function isLocalUrl(endpoint: string): boolean {
  try {
    const url = new URL(endpoint);
    return ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(url.hostname);
  } catch {
    return false;
  }
}

/** The Services client for an endpoint. A local sandbox without configured credentials uses the sandbox's own. */
export function connect(opts: ConnectionOptions, env: NodeJS.ProcessEnv = process.env): ServicesPort {
  return servicesPort(connectClient(opts, env));
}

/** The typed Services client itself (for operations the pipeline port does not carry). */
export function connectClient(opts: ConnectionOptions, env: NodeJS.ProcessEnv = process.env): ServicesClient {
  const e = opts.endpoint;
  const base: ServicesClientOptions = {
    // Job pages are validated job by job in the pipeline, so one bad job never hides a page.
    validateResponses: false,
    ...(opts.rateLimits !== undefined ? { rateLimits: opts.rateLimits } : {}),
    ...(opts.credentials !== undefined ? { configFile: opts.credentials } : {}),
    ...(opts.lwa !== undefined ? { credentials: opts.lwa } : {}),
    ...(opts.logger !== undefined ? { logger: opts.logger } : {}),
    ...(opts.rateLimiters !== undefined ? { rateLimiters: opts.rateLimiters } : {}),
    ...(opts.usagePlanOverrides !== undefined ? { usagePlanOverrides: opts.usagePlanOverrides } : {}),
    env,
  };
  let options: ServicesClientOptions;
  if (e === 'na' || e === 'eu' || e === 'fe') options = { ...base, region: e };
  else if (e === 'amazon-sandbox') options = { ...base, region: 'na', sandbox: true };
  else if (/^https?:\/\//.test(e)) {
    options = { ...base, baseUrl: e };
    const configured =
      env['LWA_CLIENT_ID'] ||
      env['LWA_REFRESH_TOKEN'] ||
      env['SPAPI_CONFIG_FILE'] ||
      opts.credentials ||
      opts.lwa;
    if (isLocalUrl(e) && !configured) {
      options.credentials = { ...SANDBOX_CREDENTIALS, tokenUrl: `${e.replace(/\/+$/, '')}/auth/o2/token` };
    }
  } else throw new EndpointError(`--endpoint must be na, eu, fe, amazon-sandbox or an http(s) URL; got ${e}`);
  return createServicesClient(options);
}

/** The crews config: the file given, or the sandbox seller's for a local sandbox. */
export async function loadConfigFor(endpoint: string, file: string | undefined): Promise<PlanningConfig> {
  if (file !== undefined) return loadPlanningConfig(file);
  if (/^https?:\/\//.test(endpoint) && isLocalUrl(endpoint) && existsSync(SANDBOX_SELLER_CONFIG)) {
    return loadPlanningConfig(SANDBOX_SELLER_CONFIG);
  }
  throw new ConfigError('CONFIG_UNREADABLE', '(none)', [
    { path: '', message: 'no crews config: pass --config <file> (YAML or JSON, see config/example.yaml)' },
  ]);
}

/** Geocoding (postal-code centroids, cached) and travel times as the configuration asks. */
export function planningGeography(
  config: PlanningConfig,
  osrmUrl: string | undefined,
): { geocoder: Geocoder; travel: TravelMatrixProvider } {
  return {
    geocoder: new CachingGeocoder(new PostalCodeGeocoder(), undefined, postalCodeCacheKey),
    travel: travelMatrixProvider(config.planning.travel, { osrmUrl }),
  };
}
