/**
 * Nightly scheduling: two servers on one database fire the same store's nightly plan at the
 * same moment; exactly one plan runs. A bad cron expression or store is refused at start.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createApiContext, type ApiContext } from '../../api/context.ts';
import { NightlyScheduler, ScheduleError } from '../../api/scheduler.ts';
import { cliEnv, startWorld, tempDir, type World } from '../pipeline/support/world.ts';

describe('nightly scheduling', () => {
  let world: World;
  let a: ApiContext;
  let b: ApiContext;
  beforeAll(async () => {
    world = await startWorld();
    const db = join(tempDir('fieldplan-nightly-'), 'fieldplan.db');
    const make = (): Promise<ApiContext> =>
      createApiContext({
        endpoint: world.sandbox.url,
        marketplaceId: world.sandbox.marketplaceId,
        db,
        config: world.config,
        connection: { rateLimits: 'off' },
        env: { ...cliEnv(), FIELDPLAN_DATA_KEY: Buffer.alloc(32, 7).toString('base64') },
        logger: pino({ level: 'silent' }),
        defaultMetrics: false,
        solverThreads: 1,
      });
    a = await make();
    b = await make();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await world?.close();
  });

  it('runs a store plan once when two servers fire together', async () => {
    const storeId = world.config.stores[0]!.storeId;
    const schedules = [{ storeId, cron: '0 22 * * *' }];
    const one = new NightlyScheduler(a, { schedules, holder: 'server-a', solverSeconds: 1 });
    const two = new NightlyScheduler(b, { schedules, holder: 'server-b', solverSeconds: 1 });
    const fired = await Promise.all([
      one.fire(storeId),
      two.fire(storeId),
      one.fire(storeId),
      two.fire(storeId),
    ]);
    const started = fired.filter((x) => x !== undefined);
    expect(started).toHaveLength(1);
    await a.planner.drain();
    await b.planner.drain();
    const plans = await a.store.plans.list({ storeId });
    expect(plans.filter((p) => p.kind === 'nightly')).toHaveLength(1);
    expect(plans[0]!.planId).toBe(started[0]);
  });

  it('refuses a bad cron expression or an unknown store, naming it', () => {
    const storeId = world.config.stores[0]!.storeId;
    expect(() => new NightlyScheduler(a, { schedules: [{ storeId, cron: '61 25 * * *' }] })).toThrow(
      ScheduleError,
    );
    expect(() => new NightlyScheduler(a, { schedules: [{ storeId: 'NOPE', cron: '0 22 * * *' }] })).toThrow(
      /NOPE/,
    );
  });

  it('says when each store plans next, in its own zone', () => {
    const storeId = world.config.stores[0]!.storeId;
    const s = new NightlyScheduler(a, { schedules: [{ storeId, cron: '30 21 * * *' }] });
    s.start();
    try {
      const next = s.next()[0]!;
      expect(next.storeId).toBe(storeId);
      expect(Date.parse(next.at!)).toBeGreaterThan(Date.now());
    } finally {
      s.stop();
    }
  });
});
