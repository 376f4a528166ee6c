/**
 * Solve in a worker thread, so progress lines and the event loop keep running while the
 * search uses a core. The worker runs the compiled module, or the TypeScript source through tsx.
 */
import { Worker } from 'node:worker_threads';
import { siblingModuleUrl, tsxWorkerSource, workerAnswer } from './tsx-worker.ts';
import type { Problem } from '../../../solver/problem.ts';
import type { Solution, SolveProgress, StartRoute } from '../../../solver/solution.ts';

export interface SolveRequest {
  problem: Problem;
  seed?: number;
  /** Wall-clock budget. */
  timeLimitMs?: number;
  /** Iteration budget: with a seed, the same plan every time (tests, reproducible runs). */
  maxIterations?: number;
  /** Routes to start the search from (the plan in force); see solver `SolveOptions.start`. */
  start?: StartRoute[];
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
      start: req.start,
    },
  });
  return workerAnswer<SolveProgress, Solution>(worker, {
    what: 'solver',
    answer: 'solution',
    failed: (message) => `solver failed: ${message ?? 'unknown error'}`,
    onProgress: req.onProgress,
  });
}
