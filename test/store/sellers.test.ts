/**
 * Sellers in the store, on every dialect: a store made before sellers existed upgrades in
 * place (its rows become the implicit seller's), and a seller's view of the store sees and
 * changes only that seller's rows, whatever mix of jobs, plans, journal entries, watermarks,
 * locks and tokens the sellers store (fast-check). A seller with a data key of its own is
 * read only with that key.
 */
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import fc from 'fast-check';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type Migration } from 'kysely';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { initialSchema } from '../../src/store/migrations/0001-initial-schema.ts';
import { apiTokens } from '../../src/store/migrations/0002-api-tokens.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { DEFAULT_SELLER_ID } from '../../src/tenants/index.ts';
import { tempDir } from '../pipeline/support/world.ts';
import { describeEachDialect, testKeys } from './dialects.ts';
import { BUYER_NAME, record } from './fixtures.ts';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** A database at migration 0002 (before sellers), with a plan, a journal entry, a watermark and a token. */
async function storeBeforeSellers(
  dialect: 'sqlite' | 'postgres',
): Promise<{ target: string; schema?: string; secret: string; tokenId: string }> {
  let target: string;
  let schema: string | undefined;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let db: Kysely<any>;
  if (dialect === 'sqlite') {
    target = join(tempDir('fieldplan-sellers-upgrade-'), 'fieldplan.db');
    db = new Kysely({ dialect: new SqliteDialect({ database: new SqliteDatabase(target) }) });
  } else {
    target = process.env['DATABASE_URL']!;
    schema = `fieldplan_sellers_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: target });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    cleanups.push(async () => {
      const c = new pg.Client({ connectionString: target });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    });
    db = new Kysely({
      dialect: new PostgresDialect({
        pool: new pg.Pool({ connectionString: target, max: 2, options: `-c search_path=${schema}` }),
      }),
    });
  }
  const migrations: Record<string, Migration> = {
    '0001-initial-schema': initialSchema(dialect),
    '0002-api-tokens': apiTokens(dialect),
  };
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    ...(schema !== undefined && { migrationTableSchema: schema }),
  });
  const { error } = await migrator.migrateToLatest();
  if (error !== undefined) throw error;
  const at = '2026-11-20T10:00:00.000Z';
  await db
    .insertInto('plans')
    .values({
      plan_id: 'old-plan',
      kind: 'nightly',
      period_start: '2026-11-21',
      period_end: '2026-11-21',
      status: 'succeeded',
      created_at: at,
    })
    .execute();
  await db.insertInto('plan_stores').values({ plan_id: 'old-plan', store_id: 'store-1' }).execute();
  await db
    .insertInto('write_back_journal')
    .values({
      plan_id: 'old-plan',
      operation: 'updateSchedule',
      idempotency_key: 'old-key',
      state: 'intended',
      attempts: 0,
      intended_at: at,
    })
    .execute();
  await db
    .insertInto('sync_watermarks')
    .values({ store_id: 'store-1', marketplace_id: 'ATVPDKIKX0DER', last_updated_after: at, updated_at: at })
    .execute();
  const secret = randomBytes(32).toString('base64url');
  const tokenId = 'oldtoken0001';
  await db
    .insertInto('api_tokens')
    .values({
      token_id: tokenId,
      name: 'before sellers',
      scope: 'admin',
      secret_hash: createHash('sha256').update(secret).digest('hex'),
      created_at: at,
    })
    .execute();
  await db.destroy();
  return { target, ...(schema !== undefined && { schema }), secret, tokenId };
}

describeEachDialect('sellers', (harness) => {
  it('upgrades a store made before sellers in place: its rows are the implicit seller’s', async () => {
    const old = await storeBeforeSellers(harness.dialect);
    const store = await openStore(old.target, {
      env: {},
      dataKeys: testKeys(),
      ...(old.schema !== undefined && { schema: old.schema }),
    });
    try {
      expect(store.sellerId).toBe(DEFAULT_SELLER_ID);
      expect((await store.plans.get('old-plan'))?.storeIds).toEqual(['store-1']);
      expect((await store.journal.findByIdempotencyKey('old-key'))?.state).toBe('intended');
      expect(await store.watermarks.get('store-1', 'ATVPDKIKX0DER')).toBe('2026-11-20T10:00:00.000Z');
      const token = await store.tokens.verify(`fpt_${old.tokenId}_${old.secret}`);
      expect(token?.sellerId).toBe(DEFAULT_SELLER_ID);
      const other = await store.forSeller('acme');
      expect(await other.plans.get('old-plan')).toBeUndefined();
      expect(await other.plans.list()).toEqual([]);
      expect(await other.journal.findByIdempotencyKey('old-key')).toBeUndefined();
      expect(await other.watermarks.get('store-1', 'ATVPDKIKX0DER')).toBeUndefined();
      expect(await other.tokens.list()).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('confines every view to its seller’s rows, whatever the sellers store', async () => {
    const { store } = await harness.fresh();
    const sellers = ['default', 'acme', 'bolt'] as const;
    const views = new Map<string, Store>([['default', store]]);
    for (const s of sellers.slice(1)) views.set(s, await store.forSeller(s));
    const model = new Map<string, { jobs: string[]; plans: string[]; marks: string[]; tokens: string[] }>(
      sellers.map((s) => [s, { jobs: [], plans: [], marks: [], tokens: [] }]),
    );
    let n = 0;
    const op = fc.record({
      seller: fc.constantFrom(...sellers),
      kind: fc.constantFrom('job', 'plan', 'watermark', 'token', 'lock'),
      store: fc.constantFrom('store-1', 'store-2'),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 6 }), async (ops) => {
        for (const o of ops) {
          const view = views.get(o.seller)!;
          const m = model.get(o.seller)!;
          const id = `${o.seller}-${++n}`;
          if (o.kind === 'job') {
            await view.jobs.upsertMany([record(`job-${id}`, { storeId: o.store })]);
            m.jobs.push(`job-${id}`);
          } else if (o.kind === 'plan') {
            const plan = await view.plans.create({
              kind: 'manual',
              periodStart: '2026-11-21',
              periodEnd: '2026-11-21',
              storeIds: [o.store],
            });
            await view.journal.intend({
              planId: plan.planId,
              operation: 'updateSchedule',
              idempotencyKey: `key-${id}`,
            });
            m.plans.push(plan.planId);
          } else if (o.kind === 'watermark') {
            await view.watermarks.set(`${o.store}-${id}`, 'ATVPDKIKX0DER', '2026-11-20T00:00:00Z');
            m.marks.push(`${o.store}-${id}`);
          } else if (o.kind === 'token') {
            m.tokens.push((await view.tokens.create({ scope: 'viewer' })).tokenId);
          } else {
            // The same lock name for every seller: each takes its own, none waits for another.
            const name = `nightly:${o.store}:${id}`;
            for (const s of sellers) {
              const lock = await views.get(s)!.locks.tryAcquire(name, `holder-${s}`, 60_000);
              expect(lock.acquired).toBe(true);
            }
            expect((await view.locks.tryAcquire(name, 'someone-else', 60_000)).acquired).toBe(false);
            for (const s of sellers)
              expect(await views.get(s)!.locks.release(name, `holder-${s}`)).toBe(true);
          }
        }
        for (const s of sellers) {
          const view = views.get(s)!;
          const m = model.get(s)!;
          const jobs = (await view.jobs.listStatuses(['store-1', 'store-2'])).map((j) => j.serviceJobId);
          expect(jobs.sort()).toEqual([...m.jobs].sort());
          const plans = (await view.plans.list({ limit: 500 })).map((p) => p.planId);
          expect(plans.sort()).toEqual([...m.plans].sort());
          expect((await view.journal.plansWithPending()).sort()).toEqual([...m.plans].sort());
          for (const other of sellers.filter((x) => x !== s)) {
            for (const planId of model.get(other)!.plans)
              expect(await view.plans.get(planId)).toBeUndefined();
            for (const jobId of model.get(other)!.jobs) expect(await view.jobs.get(jobId)).toBeUndefined();
            for (const mark of model.get(other)!.marks)
              expect(await view.watermarks.get(mark, 'ATVPDKIKX0DER')).toBeUndefined();
            for (const tokenId of model.get(other)!.tokens)
              expect(await view.tokens.revoke(tokenId)).toBe(false);
          }
          for (const mark of m.marks) expect(await view.watermarks.get(mark, 'ATVPDKIKX0DER')).toBeDefined();
          expect((await view.tokens.list()).map((t) => t.tokenId).sort()).toEqual([...m.tokens].sort());
        }
      }),
      { numRuns: 8 },
    );
    // A job id another seller already holds is refused, not taken over.
    const acme = views.get('acme')!;
    const someoneElses = model.get('bolt')!.jobs[0] ?? model.get('default')!.jobs[0];
    if (someoneElses !== undefined)
      await expect(acme.jobs.upsertMany([record(someoneElses)])).rejects.toMatchObject({
        code: 'SELLER_MISMATCH',
      });
  }, 120_000);

  it('reads a seller with a data key of its own only with that key', async () => {
    const { store } = await harness.fresh();
    const own = testKeys();
    const acme = await store.forSeller('acme', { dataKeys: own });
    await acme.jobs.upsertMany([record('job-acme')]);
    expect((await acme.jobs.get('job-acme'))?.personal?.buyerName).toBe(BUYER_NAME);
    await expect(store.forSeller('acme')).rejects.toMatchObject({ code: 'DATA_KEY_MISMATCH' });
    await expect(store.forSeller('acme', { dataKeys: testKeys() })).rejects.toMatchObject({
      code: 'DATA_KEY_MISMATCH',
    });
    // The deployment key's re-encryption leaves the seller's values alone.
    await store.jobs.upsertMany([record('job-default')]);
    await expect(store.reencryptPersonalData()).resolves.toBeDefined();
    expect(
      (await (await store.forSeller('acme', { dataKeys: own })).jobs.get('job-acme'))?.personal?.buyerName,
    ).toBe(BUYER_NAME);
  });
});
