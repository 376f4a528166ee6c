/** Worker thread body: one sampled what-if day, base and scenario (CPU-bound, off the event loop). */
import { parentPort, workerData } from 'node:worker_threads';
import type { PreparedWhatIf } from '../whatif/demand.ts';
import { simulateSample } from '../whatif/simulate.ts';

const port = parentPort!;
const { prepared, sample } = workerData as { prepared: PreparedWhatIf; sample: number };
try {
  port.postMessage({ type: 'done', outcome: simulateSample(prepared, sample) });
} catch (err) {
  port.postMessage({ type: 'error', message: err instanceof Error ? err.message : 'simulation failed' });
}
