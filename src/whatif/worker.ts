/** Worker thread body: runs one what-if simulation and posts progress and the result. */
import { parentPort, workerData } from 'node:worker_threads';
import type { PreparedWhatIf } from './demand.ts';
import { simulate } from './run.ts';

const port = parentPort!;
try {
  const result = simulate(workerData as PreparedWhatIf, (p) =>
    port.postMessage({ type: 'progress', progress: p }),
  );
  port.postMessage({ type: 'done', result });
} catch (err) {
  port.postMessage({ type: 'error', message: err instanceof Error ? err.message : 'simulation failed' });
}
