/**
 * A run against a seller whose resources do not match the crews config (the sandbox started
 * with another size than the config was written for) stops before it reads jobs, solves or
 * writes, naming the unknown ids and the fix; a first day in the past is refused.
 */
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAgainstSeller, checkPlanningConfig } from '../../../src/cli/config.ts';
import { validatePlanningConfig, type PlanningConfig } from '../../../src/config/index.ts';
import { checkPlanningDate, preflight, unknownResources } from '../../../src/pipeline/setup/preflight.ts';
import { RunError, runPlanning } from '../../../src/pipeline/run.ts';
import { setupFromConfig } from '../../../src/pipeline/setup/from-config.ts';
import { seededPlanningConfig } from '../../../src/sandbox/crews-config.ts';
import { startSandbox } from '../../../src/sandbox/index.ts';
import {
  deps,
  runOptions,
  servicesFor,
  sqliteStore,
  startWorld,
  tempDir,
  type World,
} from '../support/world.ts';

let world: World;
/** Crews written for the same seed but six technicians in two stores. */
let other: PlanningConfig;

beforeAll(async () => {
  world = await startWorld();
  const bigger = await startSandbox({ seed: 5, stores: 2, technicians: 6, jobs: 0, logger: false });
  other = validatePlanningConfig(seededPlanningConfig(bigger.seededCrews(), bigger.seededStores()), 'other');
  await bigger.close();
});
afterAll(async () => {
  await world?.close();
});

const known = (): Set<string> =>
  new Set([
    ...world.sandbox.seededCrews().map((c) => c.resourceId),
    ...world.sandbox.seededStores().map((s) => s.storeId),
  ]);

describe('a crews config that does not match the seller', () => {
  it('stops the run before any pull, solve or write, naming every unknown id and the fix', async () => {
    const unknownIds = [...other.stores.map((s) => s.storeId), ...other.technicians.map((t) => t.resourceId)]
      .filter((id) => !known().has(id))
      .sort();
    expect(unknownIds.length).toBeGreaterThan(0);
    const store = await sqliteStore(tempDir());
    const logFrom = world.sandbox.requestLog.length;
    let solves = 0;
    try {
      const error = await runPlanning(runOptions(world), {
        ...deps(world, store),
        config: other,
        solve: async () => {
          solves += 1;
          throw new Error('the run must not reach the solve');
        },
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RunError);
      expect(error).toMatchObject({ code: 'UNKNOWN_RESOURCES' });
      const message = (error as Error).message;
      for (const id of unknownIds) expect(message).toContain(id);
      for (const id of known()) expect(message).not.toContain(id);
      expect(message).toContain('--write-crews crews.yaml');
      expect(solves).toBe(0);
      // Only the token exchange and capacity reads reached Amazon: no pull, no write.
      const operations = world.sandbox.requestLog.slice(logFrom).map((e) => e.operation);
      expect(operations).toContain('getRangeSlotCapacity');
      expect(operations.filter((o) => o !== 'getRangeSlotCapacity' && o !== 'lwaToken')).toEqual([]);
      expect(
        await store.latestPlan(
          [world.date],
          other.stores.map((s) => s.storeId),
        ),
      ).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('names exactly the ids Amazon does not know, for any mix of known and unknown ones', async () => {
    const services = servicesFor(world.sandbox);
    const setup = setupFromConfig(world.config, { date: world.date, days: 1 });
    const real = [
      ...world.config.stores.map((s) => ({ kind: 'store' as const, resourceId: s.storeId })),
      ...world.config.technicians.map((t) => ({ kind: 'technician' as const, resourceId: t.resourceId })),
    ];
    const fake = fc.record({
      kind: fc.constantFrom('store' as const, 'technician' as const),
      resourceId: fc.stringMatching(/^[A-Z][A-Za-z0-9-]{3,20}$/).filter((id) => !known().has(id)),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(real),
        fc.array(fake, { maxLength: 4 }),
        async (present, absent) => {
          const asked = [...present, ...absent];
          const unknown = await unknownResources(
            services,
            world.sandbox.marketplaceId,
            asked,
            setup.horizon.start,
          );
          expect(unknown).toEqual(absent);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('a config that matches passes, and the same resources are not asked again within the hour', async () => {
    const services = servicesFor(world.sandbox);
    const setup = setupFromConfig(world.config, { date: world.date, days: 1 });
    const options = { date: world.date, marketplaceId: world.sandbox.marketplaceId };
    const reads = (): number =>
      world.sandbox.requestLog.filter((e) => e.operation === 'getRangeSlotCapacity').length;
    const now = Date.now();
    const before = reads();
    expect(await preflight(setup, options, services, now)).toBeUndefined();
    const first = reads() - before;
    expect(first).toBe(setup.stores.length + setup.technicians.length);
    expect(await preflight(setup, options, services, now + 60_000)).toBeUndefined();
    expect(reads() - before).toBe(first);
    expect(await preflight(setup, options, services, now + 2 * 3_600_000)).toBeUndefined();
    expect(reads() - before).toBe(2 * first);
  });

  it('config check against the live seller says the same, and ok for the matching config', async () => {
    const services = servicesFor(world.sandbox);
    const marketplaceId = world.sandbox.marketplaceId;
    const bad = await checkAgainstSeller(other, services, { marketplaceId });
    expect(bad.problems).toBe(1);
    expect(bad.lines.join('\n')).toContain('--write-crews crews.yaml');
    const good = await checkPlanningConfig(world.config, { seller: { services, marketplaceId } });
    expect(good.problems).toBe(0);
    expect(good.lines.at(-1)).toBe('configuration ok');
    expect(good.lines.join('\n')).toMatch(/the seller knows all 1 stores and 4 technicians/);
  });
});

describe('a first day in the past', () => {
  it('is refused before Amazon is called', async () => {
    const store = await sqliteStore(tempDir());
    const logFrom = world.sandbox.requestLog.length;
    const zone = world.config.stores[0]!.timeZone;
    // The clock stands at noon, store time, the day after the planned day.
    const clock = () => DateTime.fromISO(`${world.date}T12:00`, { zone }).plus({ days: 1 }).toJSDate();
    try {
      const error = await runPlanning(runOptions(world), { ...deps(world, store), clock }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(RunError);
      expect(error).toMatchObject({ code: 'DATE_IN_PAST' });
      expect((error as Error).message).toContain(world.date);
      expect(world.sandbox.requestLog.length).toBe(logFrom);
    } finally {
      await store.close();
    }
  });

  it('is judged in each store’s own zone: yesterday there is refused, today and later are not', () => {
    const zones = ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'America/New_York', 'Europe/Berlin', 'UTC'];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) }),
        fc.constantFrom(...zones),
        fc.integer({ min: -3, max: 3 }),
        (nowMs, zone, offset) => {
          const today = DateTime.fromMillis(nowMs, { zone });
          const date = today.plus({ days: offset }).toISODate()!;
          const problem = checkPlanningDate(date, [{ storeId: 'S1', timeZone: zone }], nowMs);
          expect(problem?.code).toBe(offset < 0 ? 'DATE_IN_PAST' : undefined);
          if (problem) expect(problem.message).toContain(today.toISODate()!);
        },
      ),
    );
  });
});
