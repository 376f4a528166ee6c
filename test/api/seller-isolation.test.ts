/**
 * Isolation of sellers on one server, over every route of the server's own OpenAPI document,
 * on SQLite and (when DATABASE_URL is set) PostgreSQL. Two sellers, each with its own local
 * sandbox: seller B has a plan, jobs, a what-if run and a store. Every request that names
 * one of B's plans, jobs, what-if runs or stores, made with a token of seller A (or with the
 * admin token across sellers, naming A), is answered 404, exactly as an id that never
 * existed, and reaches nothing of B at Amazon (B's sandbox sees no request). B's own token
 * reads the same things (so the ids are real). A new route in the document must be given a
 * request here, or the test fails.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NightlyScheduler } from '../../api/scheduler.ts';
import { startApi, type RunningApi } from '../../api/start.ts';
import { SELLER_HEADER } from '../../api/tenancy.ts';
import { generateDataKey, type DataKeyRing } from '../../src/privacy/data-key.ts';
import type { ResolvedSeller } from '../../src/tenants/sellers.ts';
import { cliEnv, startWorld, tempDir, type World } from '../pipeline/support/world.ts';

const keys = (): DataKeyRing => ({ current: generateDataKey(), previous: [], source: 'test' });

function sellerOf(id: string, world: World, dataKeys?: DataKeyRing): ResolvedSeller {
  return {
    id,
    name: undefined,
    marketplaceId: world.sandbox.marketplaceId,
    endpoint: world.sandbox.url,
    configFile: '(test)',
    config: world.config,
    lwa: { ...world.sandbox.credentials, tokenUrl: `${world.sandbox.url}/auth/o2/token` },
    dataKeys,
  };
}

interface Doc {
  paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
}

/** Routes that hold no seller's data: checked apart (tokens) or not at all. */
const NOT_SELLER_DATA = new Set([
  'GET /',
  'GET /health',
  'GET /metrics',
  'GET /v1/session',
  'GET /board',
  'GET /board/',
  'GET /board/{*}',
  'POST /v1/solve',
  'GET /v1/tokens',
  // A list of the requesting seller's own stores: checked apart (lists).
  'GET /v1/board/stores',
]);

const stores: {
  name: string;
  db: () => Promise<{ target: string; schema?: string; drop(): Promise<void> }>;
}[] = [
  {
    name: 'SQLite',
    db: async () => ({
      target: join(tempDir('fieldplan-sellers-'), 'fieldplan.db'),
      drop: async () => undefined,
    }),
  },
];
const DATABASE_URL = process.env['DATABASE_URL'];
if (DATABASE_URL !== undefined && DATABASE_URL !== '') {
  stores.push({
    name: 'PostgreSQL',
    db: async () => {
      const schema = `sellers_iso_${randomBytes(5).toString('hex')}`;
      return {
        target: DATABASE_URL,
        schema,
        drop: async () => {
          const client = new pg.Client({ connectionString: DATABASE_URL });
          await client.connect();
          try {
            await client.query(`drop schema if exists ${schema} cascade`);
          } finally {
            await client.end();
          }
        },
      };
    },
  });
} else {
  describe.skip('seller isolation on PostgreSQL (set DATABASE_URL to run)', () => {
    it('is skipped without DATABASE_URL', () => undefined);
  });
}

for (const kind of stores) {
  describe(`seller isolation on ${kind.name}`, () => {
    let a: World;
    let b: World;
    let api: RunningApi;
    let drop: () => Promise<void> = async () => undefined;
    const tokens: Record<'aAdmin' | 'aViewer' | 'bPlanner' | 'everySeller', string> = {
      aAdmin: '',
      aViewer: '',
      bPlanner: '',
      everySeller: '',
    };
    let bTokenId = '';
    const ids = { plan: '', job: '', whatIf: '', store: '', skill: '', date: '' };

    const call = async (
      method: string,
      path: string,
      token: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ): Promise<{ status: number; text: string; body: unknown }> => {
      const res = await fetch(`${api.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return { status: res.status, text, body: parsed };
    };

    beforeAll(async () => {
      a = await startWorld({ seed: 5 });
      b = await startWorld({ seed: 23, date: a.date });
      const db = await kind.db();
      drop = db.drop;
      api = await startApi({
        endpoint: a.sandbox.url,
        marketplaceId: a.sandbox.marketplaceId,
        db: db.target,
        config: a.config,
        // Seller B's personal data is under a key of its own.
        sellers: [sellerOf('alpha', a), sellerOf('bravo', b, keys())],
        connection: { rateLimits: 'off' },
        env: cliEnv(),
        storeOptions: { dataKeys: keys(), ...(db.schema !== undefined ? { schema: db.schema } : {}) },
        logger: pino({ level: 'silent' }),
        defaultMetrics: false,
        solverThreads: 2,
      });
      const alpha = api.ctx.tenants!.get('alpha')!;
      const bravo = api.ctx.tenants!.get('bravo')!;
      tokens.aAdmin = (await alpha.store.tokens.create({ scope: 'admin' })).token;
      tokens.aViewer = (await alpha.store.tokens.create({ scope: 'viewer' })).token;
      const bp = await bravo.store.tokens.create({ scope: 'planner' });
      tokens.bPlanner = bp.token;
      bTokenId = bp.tokenId;
      tokens.everySeller = (await alpha.store.tokens.create({ scope: 'admin', allSellers: true })).token;

      ids.date = b.date;
      ids.store = b.config.stores[0]!.storeId;
      ids.skill = b.config.technicians[0]!.skills[0]!;
      // Seller B plans (a dry run): its plan, its jobs in the store.
      const started = await call('POST', '/v1/plans', tokens.bPlanner, {
        from: ids.date,
        solverSeconds: 1,
        seed: 1,
      });
      expect(started.status).toBe(202);
      ids.plan = (started.body as { planId: string }).planId;
      await bravo.planner.drain();
      const plan = await call('GET', `/v1/plans/${ids.plan}`, tokens.bPlanner);
      expect((plan.body as { status: string }).status).toBe('succeeded');
      const jobs = await bravo.store.jobs.listStatuses([ids.store]);
      expect(jobs.length).toBeGreaterThan(0);
      ids.job = jobs[0]!.serviceJobId;
      const whatIf = await call('POST', '/v1/what-if', tokens.bPlanner, {
        storeId: ids.store,
        base: { kind: 'date', date: ids.date },
        samples: 1,
        iterations: 10,
      });
      expect(whatIf.status).toBe(202);
      ids.whatIf = (whatIf.body as { id: string }).id;
    }, 180_000);

    afterAll(async () => {
      await api?.close();
      await a?.close();
      await b?.close();
      await drop();
    });

    /** The request each route gets, naming seller B's plan, job, what-if run, store and days. */
    function requestFor(method: string, path: string, query: string[]): { url: string; body?: unknown } {
      const id = path.startsWith('/v1/plans')
        ? ids.plan
        : path.startsWith('/v1/jobs')
          ? ids.job
          : path.startsWith('/v1/what-if')
            ? ids.whatIf
            : 'none';
      const values: Record<string, string> = {
        storeId: ids.store,
        date: ids.date,
        from: ids.date,
        to: ids.date,
        planId: ids.plan,
        skill: ids.skill,
        slotMinutes: '120',
        days: '1',
      };
      const params = query.filter((q) => values[q] !== undefined).map((q) => `${q}=${values[q]}`);
      const url = path.replace('{id}', id) + (params.length > 0 ? `?${params.join('&')}` : '');
      const start = `${ids.date}T15:00:00Z`;
      const end = `${ids.date}T16:00:00Z`;
      const bodies: Record<string, unknown> = {
        'POST /v1/plans': { from: ids.date, storeIds: [ids.store], solverSeconds: 1 },
        'POST /v1/plans/{id}/apply': {},
        'POST /v1/optimize-today': { storeId: ids.store, timeBudgetMs: 1_000 },
        'POST /v1/capacity/publish': { storeId: ids.store, from: ids.date, to: ids.date, dryRun: true },
        'POST /v1/what-if': {
          storeId: ids.store,
          base: { kind: 'date', date: ids.date },
          samples: 1,
          iterations: 10,
        },
        'POST /v1/jobs/{id}/fulfillment': { fulfillmentTime: { startTime: start, endTime: end } },
        'POST /v1/jobs/{id}/complete': undefined,
        'POST /v1/jobs/{id}/cancel': { reasonCode: 'V1' },
        'PUT /v1/jobs/{id}/preferences': {},
      };
      const key = `${method} ${path}`;
      if (method !== 'GET' && !(key in bodies))
        throw new Error(`no request for ${key}: add one to this test`);
      return { url, body: bodies[key] };
    }

    async function sellerRoutes(): Promise<{ method: string; path: string; query: string[] }[]> {
      const doc = (await call('GET', '/docs/json', tokens.aViewer)).body as Doc;
      const routes: { method: string; path: string; query: string[] }[] = [];
      for (const [path, methods] of Object.entries(doc.paths))
        for (const [method, op] of Object.entries(methods)) {
          const m = method.toUpperCase();
          if (NOT_SELLER_DATA.has(`${m} ${path}`)) continue;
          routes.push({
            method: m,
            path,
            query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
          });
        }
      return routes;
    }

    it("answers 404 to seller A's tokens for every plan, board, KPI, job, capacity and what-if of seller B", async () => {
      const routes = await sellerRoutes();
      expect(routes.length).toBeGreaterThanOrEqual(14);
      const callsAtB = b.sandbox.requestLog.length;
      const bravo = api.ctx.tenants!.get('bravo')!.store;
      const bBefore = JSON.stringify([await bravo.plans.list(), await bravo.jobs.listStatuses([ids.store])]);
      const wrong: string[] = [];
      for (const route of routes) {
        const { url, body } = requestFor(route.method, route.path, route.query);
        const callers: [string, string, Record<string, string>][] = [
          ['seller A admin', tokens.aAdmin, {}],
          ['seller A viewer', tokens.aViewer, {}],
          ['admin of every seller naming A', tokens.everySeller, { [SELLER_HEADER]: 'alpha' }],
          ['seller A admin naming B', tokens.aAdmin, { [SELLER_HEADER]: 'bravo' }],
        ];
        for (const [who, token, headers] of callers) {
          // A viewer is refused writes by scope (403) before anything is looked up.
          if (who === 'seller A viewer' && route.method !== 'GET') continue;
          const r = await call(route.method, url, token, body, headers);
          if (r.status !== 404)
            wrong.push(`${route.method} ${url} as ${who}: ${r.status} ${r.text.slice(0, 200)}`);
          if (r.text.includes(bTokenId)) wrong.push(`${route.method} ${url} as ${who}: names B's token`);
        }
      }
      expect(wrong).toEqual([]);
      // Nothing of seller B's was asked of Amazon on A's behalf.
      expect(b.sandbox.requestLog.length).toBe(callsAtB);
      // Nor was anything of B's changed in the store.
      expect(JSON.stringify([await bravo.plans.list(), await bravo.jobs.listStatuses([ids.store])])).toBe(
        bBefore,
      );
    }, 300_000);

    it("lets seller B's own token read what A was refused (the ids are real)", async () => {
      for (const route of await sellerRoutes()) {
        if (route.method !== 'GET') continue;
        const { url } = requestFor(route.method, route.path, route.query);
        const r = await call('GET', url, tokens.bPlanner);
        // Found: 200, or 422 for a job that has no slots to offer.
        expect([200, 422], `${url}: ${r.status} ${r.text.slice(0, 200)}`).toContain(r.status);
      }
    }, 120_000);

    it("lists only the seller's own plans and tokens", async () => {
      const plans = await call('GET', '/v1/plans', tokens.aAdmin);
      expect(plans.status).toBe(200);
      expect(plans.text).not.toContain(ids.plan);
      const own = await call('GET', '/v1/plans', tokens.bPlanner);
      expect(own.text).toContain(ids.plan);
      const list = await call('GET', '/v1/tokens', tokens.aAdmin);
      expect(list.status).toBe(200);
      expect(list.text).not.toContain(bTokenId);
      const storesOfA = await call('GET', '/v1/board/stores', tokens.aViewer);
      expect(storesOfA.status).toBe(200);
      expect(storesOfA.text).not.toContain(ids.store);
      const storesOfB = await call('GET', '/v1/board/stores', tokens.bPlanner);
      expect(storesOfB.text).toContain(ids.store);
    });

    it('refuses an admin token across sellers that names no seller, saying how to name one', async () => {
      const r = await call('GET', `/v1/plans/${ids.plan}`, tokens.everySeller);
      expect(r.status).toBe(400);
      expect((r.body as { error: { code: string; message: string } }).error.code).toBe('SELLER_REQUIRED');
      expect((r.body as { error: { message: string } }).error.message).toContain(SELLER_HEADER);
      const named = await call('GET', `/v1/plans/${ids.plan}`, tokens.everySeller, undefined, {
        [SELLER_HEADER]: 'bravo',
      });
      expect(named.status).toBe(200);
      const unknown = await call('GET', `/v1/plans/${ids.plan}`, tokens.everySeller, undefined, {
        [SELLER_HEADER]: 'nobody',
      });
      expect(unknown.status).toBe(404);
      // A token of a seller this server does not serve is refused like an unknown one.
      const zulu = await (
        await api.ctx.tenants!.get('alpha')!.store.forSeller('zulu')
      ).tokens.create({
        scope: 'admin',
      });
      const refused = await call('GET', '/v1/plans', zulu.token);
      expect(refused.status).toBe(401);
      expect(refused.text).toContain('does not serve');
    });

    it('schedules every seller × store: a night runs once per seller, store and date', async () => {
      const aStore = a.config.stores[0]!.storeId;
      const cron = '0 22 * * *';
      const schedules = [
        { sellerId: 'alpha', storeId: aStore, cron },
        { sellerId: 'bravo', storeId: ids.store, cron },
      ];
      const alpha = api.ctx.tenants!.get('alpha')!;
      const bravo = api.ctx.tenants!.get('bravo')!;
      const before = (await bravo.store.plans.list()).length;
      const one = new NightlyScheduler(api.ctx, { schedules, holder: 'server-1', solverSeconds: 1 });
      const two = new NightlyScheduler(api.ctx, { schedules, holder: 'server-2', solverSeconds: 1 });
      expect(one.next().map((n) => `${n.sellerId}/${n.storeId}`)).toEqual([
        `alpha/${aStore}`,
        `bravo/${ids.store}`,
      ]);
      const fired = await Promise.all([
        one.fire(aStore, 'alpha'),
        two.fire(aStore, 'alpha'),
        one.fire(ids.store, 'bravo'),
        two.fire(ids.store, 'bravo'),
      ]);
      expect(fired.filter((x) => x !== undefined)).toHaveLength(2);
      await alpha.planner.drain();
      await bravo.planner.drain();
      const alphaPlans = await alpha.store.plans.list();
      expect(alphaPlans.map((p) => [p.kind, p.storeIds])).toEqual([['nightly', [aStore]]]);
      expect((await bravo.store.plans.list()).length).toBe(before + 1);
      expect(() => new NightlyScheduler(api.ctx, { schedules: [{ storeId: aStore, cron }] })).toThrow(
        /must name its seller/,
      );
      expect(
        () => new NightlyScheduler(api.ctx, { schedules: [{ sellerId: 'bravo', storeId: aStore, cron }] }),
      ).toThrow(/not a store of seller bravo/);
    }, 120_000);
  });
}
