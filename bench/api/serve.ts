/**
 * The API the API benchmarks measure: against a local sandbox, with the sandbox's default
 * credentials (no LWA variables from the environment), a silent logger, no per-token rate
 * limit and no client pacing, on a fresh SQLite file; plus a planner token for it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startApi, type RunningApi } from '../../api/start.ts';
import type { PlanningConfig } from '../../src/config/index.ts';

export async function startBenchApi(
  sandbox: { url: string; marketplaceId: string },
  config: PlanningConfig,
  options: { prefix: string; clock?: () => Date; readAhead?: boolean },
): Promise<{ api: RunningApi; token: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), options.prefix));
  const api = await startApi({
    endpoint: sandbox.url,
    marketplaceId: sandbox.marketplaceId,
    db: join(dir, 'fieldplan.db'),
    config,
    ...(options.clock !== undefined ? { clock: options.clock } : {}),
    connection: { rateLimits: 'off' },
    env: {
      ...process.env,
      LWA_CLIENT_ID: '',
      LWA_CLIENT_SECRET: '',
      LWA_REFRESH_TOKEN: '',
      SPAPI_CONFIG_FILE: '',
    },
    logger: pino({ level: 'silent' }),
    server: { rateLimit: false },
    ...(options.readAhead === true ? { readAhead: true } : {}),
  });
  const token = (await api.ctx.store.tokens.create({ scope: 'planner', name: 'bench' })).token;
  return { api, token, dir };
}
