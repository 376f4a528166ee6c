/**
 * Solve in a worker thread, so progress lines and the event loop keep running while the
 * search uses a core. The worker runs the compiled module, or the TypeScript source through tsx.
 */
import { Worker } from 'node:worker_threads';
import { siblingModuleUrl, tsxWorkerSource } from './tsx-worker.ts';
import type { Problem } from '../../solver/problem.ts';
import type { Solution, SolveProgress } from '../../solver/solution.ts';

export interface SolveRequest {
  problem: Problem;
  seed?: number;
  /** Wall-clock budget. */
  timeLimitMs?: number;
  /** Iteration budget: with a seed, the same plan every time (tests, reproducible runs). */
  maxIterations?: number;
  onProgress?: (p: SolveProgress) => void;
}

export function solveInWorker(req: SolveRequest): Promise<Solution> {
  const url = siblingModuleUrl('solve-worker', import.meta.url);
  const worker = new Worker(tsxWorkerSource(url), {
    eval: true,
    workerData: {
      problem: req.problem,
      seed: req.seed ?? 1,
      timeLimitMs: req.timeLimitMs,
      maxIterations: req.maxIterations,
    },
  });
  return new Promise<Solution>((resolve, reject) => {
    let settled = false;
    worker.on(
      'message',
      (msg: { type: string; progress?: SolveProgress; solution?: Solution; message?: string }) => {
        if (msg.type === 'progress' && msg.progress) req.onProgress?.(msg.progress);
        else if (msg.type === 'done' && msg.solution) {
          settled = true;
          resolve(msg.solution);
          void worker.terminate();
        } else if (msg.type === 'error') {
          settled = true;
          reject(new Error(`solver failed: ${msg.message ?? 'unknown error'}`));
          void worker.terminate();
        }
      },
    );
    worker.on('error', (err) => {
      if (!settled) reject(err);
      settled = true;
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`solver worker stopped with exit code ${code}`));
      settled = true;
    });
  });
}
