/** Worker-thread entry: solves one problem off the main thread and posts progress as it goes. */
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { solve } from '../../../solver/index.ts';
import type { Problem } from '../../../solver/problem.ts';
import type { SolveOptions, StartRoute } from '../../../solver/solution.ts';

interface Input {
  problem: Problem;
  seed: number;
  timeLimitMs: number | undefined;
  maxIterations: number | undefined;
  start: StartRoute[] | undefined;
}

const input = workerData as Input;
const port = parentPort!;
try {
  let lastPost = 0;
  const options: SolveOptions = {
    seed: input.seed,
    clock: () => performance.now(),
    onProgress: (p) => {
      const now = performance.now();
      if (now - lastPost < 200) return;
      lastPost = now;
      port.postMessage({ type: 'progress', progress: p });
    },
  };
  if (input.timeLimitMs !== undefined) options.timeLimitMs = input.timeLimitMs;
  if (input.maxIterations !== undefined) options.maxIterations = input.maxIterations;
  if (input.start !== undefined) options.start = input.start;
  const solution = solve(input.problem, options);
  port.postMessage({ type: 'done', solution });
} catch (err) {
  port.postMessage({ type: 'error', message: (err as Error).message, name: (err as Error).name });
}
