/**
 * Worker thread body (CPU-bound, off the event loop): one sampled what-if day, base and
 * scenario, or the what-if's staffing search.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { PreparedWhatIf } from '../whatif/demand.ts';
import { simulateSample } from '../whatif/simulate.ts';
import { staffingSearch } from '../whatif/staffing.ts';

const port = parentPort!;
const { prepared, sample } = workerData as { prepared: PreparedWhatIf; sample: number | 'staffing' };
try {
  const outcome = sample === 'staffing' ? staffingSearch(prepared) : simulateSample(prepared, sample);
  port.postMessage({ type: 'done', outcome });
} catch (err) {
  port.postMessage({ type: 'error', message: err instanceof Error ? err.message : 'simulation failed' });
}
