import { expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/store.ts';
import { describeEachDialect, type DialectHarness, type FreshStore } from './dialects.ts';
import { manualClock } from './fixtures.ts';
import { collect, tsWorker } from './ts-worker.ts';

const CONTENDERS = 4;
const ROUNDS = ['2026-11-24T02:00:00.000Z', '2026-11-24T03:00:00.000Z', '2026-11-24T04:00:00.000Z'];
const TTL = 30 * 60_000; // each round starts after the previous winner's lease expired

interface RoundResult {
  round: number;
  acquired: boolean;
  generation: number | null;
}

/** Separate connections (pools) competing at once, in this process: real concurrency on PostgreSQL. */
async function contendInProcess(fresh: FreshStore): Promise<RoundResult[]> {
  const stores: Store[] = [];
  const clocks = Array.from({ length: CONTENDERS }, () => manualClock(ROUNDS[0] ?? ''));
  for (let i = 0; i < CONTENDERS; i++) {
    stores.push(await openStore(fresh.target, { ...fresh.options, clock: clocks[i]?.now, poolSize: 1 }));
  }
  const results: RoundResult[] = [];
  try {
    for (const [round, time] of ROUNDS.entries()) {
      for (const clock of clocks) clock.set(time);
      const attempts = await Promise.all(
        stores.map((s, i) => s.locks.tryAcquire('plan:store-seattle', `server-${i}`, TTL)),
      );
      for (const a of attempts)
        results.push({ round, acquired: a.acquired, generation: a.acquired ? a.generation : null });
    }
  } finally {
    await Promise.all(stores.map((s) => s.close()));
  }
  return results;
}

/** Worker threads with their own SQLite connections to one file: the writers really race. */
async function contendInWorkers(fresh: FreshStore): Promise<RoundResult[]> {
  const barrier = new SharedArrayBuffer(8);
  const flags = new Int32Array(barrier);
  const results: RoundResult[] = [];
  const workers = Array.from({ length: CONTENDERS }, (_, i) =>
    tsWorker(new URL('./lock-contender.ts', import.meta.url), {
      target: fresh.target,
      keyHex: fresh.options.dataKeys?.current.bytes.toString('hex'),
      holder: `server-${i}`,
      lockName: 'plan:store-seattle',
      ttlMs: TTL,
      roundTimes: ROUNDS,
      barrier,
    }),
  );
  const finished = workers.map((w) => collect<RoundResult>(w).then((messages) => results.push(...messages)));
  for (let round = 0; round < ROUNDS.length; round++) {
    const deadline = Date.now() + 30_000;
    while (Atomics.load(flags, 1) < CONTENDERS * (round + 1)) {
      if (Date.now() > deadline) throw new Error('contenders did not get ready');
      await new Promise((r) => setTimeout(r, 5));
    }
    Atomics.store(flags, 0, round + 1);
    Atomics.notify(flags, 0);
  }
  await Promise.all(finished);
  return results;
}

function contend(harness: DialectHarness, fresh: FreshStore): Promise<RoundResult[]> {
  return harness.dialect === 'sqlite' ? contendInWorkers(fresh) : contendInProcess(fresh);
}

describeEachDialect('locks', (harness) => {
  it('lets exactly one of several concurrent servers acquire, round after round', async () => {
    const fresh = await harness.fresh();
    await fresh.store.close();
    const results = await contend(harness, fresh);
    expect(results).toHaveLength(CONTENDERS * ROUNDS.length);
    for (let round = 0; round < ROUNDS.length; round++) {
      const winners = results.filter((r) => r.round === round && r.acquired);
      expect(winners, `round ${round}`).toHaveLength(1);
      // Every takeover bumps the fencing generation.
      expect(winners[0]?.generation).toBe(round + 1);
    }
  });

  it('renews for the holder, refuses others until expiry or release', async () => {
    const clock = manualClock('2026-11-24T02:00:00Z');
    const { store } = await harness.fresh({ clock: clock.now });
    const first = await store.locks.tryAcquire('plan:s1', 'a', 60_000);
    expect(first).toMatchObject({ acquired: true, generation: 1, expiresAt: '2026-11-24T02:01:00.000Z' });
    expect(await store.locks.tryAcquire('plan:s1', 'b', 60_000)).toMatchObject({
      acquired: false,
      heldBy: 'a',
    });
    expect(await store.locks.tryAcquire('plan:s2', 'b', 60_000)).toMatchObject({ acquired: true });
    clock.advance(30_000);
    expect(await store.locks.tryAcquire('plan:s1', 'a', 60_000)).toMatchObject({
      acquired: true,
      generation: 1,
      expiresAt: '2026-11-24T02:01:30.000Z',
    });
    expect(await store.locks.release('plan:s1', 'b')).toBe(false);
    expect(await store.locks.release('plan:s1', 'a')).toBe(true);
    expect(await store.locks.tryAcquire('plan:s1', 'b', 60_000)).toMatchObject({
      acquired: true,
      generation: 2,
    });
    clock.advance(60_000);
    // b's lease ran out: a may take over.
    expect(await store.locks.tryAcquire('plan:s1', 'a', 60_000)).toMatchObject({
      acquired: true,
      generation: 3,
    });
    expect(await store.locks.release('plan:s1', 'b')).toBe(false);
    expect(await store.locks.get('plan:s1')).toMatchObject({ holder: 'a', generation: 3 });
    await expect(store.locks.tryAcquire('x', 'a', 0)).rejects.toThrow(RangeError);
  });
});
