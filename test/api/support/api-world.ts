/** The API started over real HTTP against a seeded local sandbox, with one token per scope. */
import { join } from 'node:path';
import pino from 'pino';
import { startApi, type RunningApi, type StartApiOptions } from '../../../api/start.ts';
import type { TokenScope } from '../../../src/store/index.ts';
import { cliEnv, startWorld, tempDir, type World } from '../../pipeline/support/world.ts';
import type { SandboxOptions } from '../../../src/sandbox/index.ts';

export interface ApiWorld {
  world: World;
  api: RunningApi;
  url: string;
  tokens: Record<TokenScope, string>;
  call(
    method: string,
    path: string,
    options?: {
      token?: TokenScope | string | null;
      body?: unknown;
      rawBody?: string;
      headers?: Record<string, string>;
    },
  ): Promise<{ status: number; body: unknown; text: string; headers: Headers }>;
  close(): Promise<void>;
}

/** Polls GET /v1/plans/:id until the run has finished; returns its last answer. */
export async function waitForPlan(
  w: ApiWorld,
  planId: string,
  timeoutMs = 120_000,
): Promise<Record<string, unknown>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await w.call('GET', `/v1/plans/${planId}`);
    const body = r.body as Record<string, unknown>;
    if (r.status === 200 && body['status'] !== 'running') return body;
    if (Date.now() > until) throw new Error(`plan ${planId} still running after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function startApiWorld(
  options: {
    sandbox?: SandboxOptions & { date?: string };
    api?: Partial<StartApiOptions>;
  } = {},
): Promise<ApiWorld> {
  const world = await startWorld(options.sandbox);
  const dir = tempDir('fieldplan-api-');
  const api = await startApi({
    endpoint: world.sandbox.url,
    marketplaceId: world.sandbox.marketplaceId,
    db: join(dir, 'fieldplan.db'),
    config: world.config,
    connection: { rateLimits: 'off' },
    env: cliEnv(),
    logger: pino({ level: 'silent' }),
    defaultMetrics: false,
    solverThreads: 2,
    ...options.api,
  });
  const tokens = {} as Record<TokenScope, string>;
  for (const scope of ['viewer', 'planner', 'admin'] as const) {
    tokens[scope] = (await api.ctx.store.tokens.create({ scope, name: `test ${scope}` })).token;
  }
  const call: ApiWorld['call'] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...o.headers };
    const token =
      o.token === null
        ? undefined
        : o.token === undefined
          ? tokens.viewer
          : o.token in tokens
            ? tokens[o.token as TokenScope]
            : o.token;
    if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
    let body: string | undefined;
    if (o.rawBody !== undefined) body = o.rawBody;
    else if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, text, headers: res.headers };
  };
  return {
    world,
    api,
    url: api.url,
    tokens,
    call,
    async close() {
      await api.close();
      await world.close();
    },
  };
}
