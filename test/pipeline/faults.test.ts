/**
 * With the sandbox injecting throttling, server errors, dropped connections (before and after
 * the operation ran) and latency, the run completes with the same end state as without.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runPlanning } from '../../src/pipeline/run.ts';
import {
  deps,
  endState,
  nextWorkday,
  runOptions,
  servicesFor,
  sqliteStore,
  startWorld,
  tempDir,
  type World,
} from './support/world.ts';

const SEED = { seed: 21, stores: 1, technicians: 3, jobs: 30 } as const;

describe('fault injection', () => {
  const worlds: World[] = [];
  afterAll(async () => {
    await Promise.all(worlds.map((w) => w.close()));
  });

  it('ends in the same state as a run without faults, with no duplicates', async () => {
    const date = nextWorkday();
    const clean = await startWorld({ ...SEED, date });
    worlds.push(clean);
    const cleanStore = await sqliteStore(tempDir());
    const a = await runPlanning(runOptions(clean), deps(clean, cleanStore));
    await cleanStore.close();
    expect(a.outcome).toBe('succeeded');

    const faulty = await startWorld({ ...SEED, date, faults: '429=0.1,5xx=0.08,drop=0.04,dropafter=0.04' });
    worlds.push(faulty);
    const store = await sqliteStore(tempDir());
    const services = servicesFor(faulty.sandbox);
    let result = await runPlanning(runOptions(faulty), deps(faulty, store, services));
    // A call still in doubt after the run's own reconcile rounds is settled by the next run.
    for (let i = 0; i < 3 && result.outcome === 'partial'; i++) {
      result = await runPlanning(runOptions(faulty), deps(faulty, store, services));
    }
    await store.close();
    const injected = faulty.sandbox.requestLog.filter((e) => e.outcome.startsWith('fault-')).length;
    expect(injected).toBeGreaterThan(0);
    expect(result.report.writeBack.failures).toEqual([]);
    expect(endState(faulty.sandbox)).toEqual(endState(clean.sandbox));
  });
});
