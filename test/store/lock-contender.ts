/**
 * A worker thread that opens its own connection to an SQLite store and competes for a lock,
 * round by round, released together by a shared-memory barrier.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { dataKeyFromBytes } from '../../src/privacy/data-key.ts';
import { openStore } from '../../src/store/store.ts';

interface ContenderData {
  target: string;
  keyHex: string;
  holder: string;
  lockName: string;
  ttlMs: number;
  roundTimes: string[];
  barrier: SharedArrayBuffer;
}

const data = workerData as ContenderData;
const flags = new Int32Array(data.barrier);
let now = new Date(data.roundTimes[0] ?? 0);
const store = await openStore(data.target, {
  env: {},
  dataKeys: { current: dataKeyFromBytes(Buffer.from(data.keyHex, 'hex')), previous: [], source: 'test' },
  clock: () => now,
});
for (let round = 0; round < data.roundTimes.length; round++) {
  now = new Date(data.roundTimes[round] ?? 0);
  Atomics.add(flags, 1, 1);
  while (Atomics.load(flags, 0) <= round) Atomics.wait(flags, 0, round, 20);
  const attempt = await store.locks.tryAcquire(data.lockName, data.holder, data.ttlMs);
  parentPort?.postMessage({
    round,
    acquired: attempt.acquired,
    generation: attempt.acquired ? attempt.generation : null,
  });
}
await store.close();
