/** A worker thread that opens a store as soon as a shared-memory barrier lets it. */
import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '../../src/store/store.ts';

const { target, keyHex, barrier } = workerData as {
  target: string;
  keyHex: string;
  barrier: SharedArrayBuffer;
};
const flags = new Int32Array(barrier);
Atomics.add(flags, 1, 1);
while (Atomics.load(flags, 0) === 0) Atomics.wait(flags, 0, 0, 20);
try {
  const store = await openStore(target, { env: { FIELDPLAN_DATA_KEY: keyHex } });
  await store.jobs.listStatuses(['any']);
  await store.close();
  parentPort?.postMessage('opened');
} catch (error) {
  parentPort?.postMessage(`failed: ${(error as Error).message}`);
}
