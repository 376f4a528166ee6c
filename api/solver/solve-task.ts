/**
 * One solve in a pool worker: the problem comes in, the solution goes out, progress (about
 * every 250 ms) goes through the MessagePort the caller passed, if any.
 */
import { performance } from 'node:perf_hooks';
import type { MessagePort } from 'node:worker_threads';
import { solve } from '../../solver/index.ts';
import type { Problem } from '../../solver/problem.ts';
import type { Solution, SolveOptions } from '../../solver/solution.ts';

export interface SolveTask {
  problem: Problem;
  seed: number;
  timeLimitMs?: number | undefined;
  maxIterations?: number | undefined;
  progress?: MessagePort | undefined;
}

export function solveTask(task: SolveTask): Solution {
  const options: SolveOptions = { seed: task.seed, clock: () => performance.now() };
  if (task.timeLimitMs !== undefined) options.timeLimitMs = task.timeLimitMs;
  if (task.maxIterations !== undefined) options.maxIterations = task.maxIterations;
  const port = task.progress;
  if (port !== undefined) {
    let last = 0;
    options.onProgress = (p) => {
      const now = performance.now();
      if (now - last < 200) return;
      last = now;
      port.postMessage(p);
    };
  }
  try {
    return solve(task.problem, options);
  } finally {
    port?.close();
  }
}
