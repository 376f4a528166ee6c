/**
 * One solve in a pool worker: the problem comes in, the solution goes out, progress (about
 * every 250 ms) goes through the MessagePort the caller passed, if any. A problem the solver
 * refuses comes back as its issues (errors lose their fields between threads).
 */
import { performance } from 'node:perf_hooks';
import type { MessagePort } from 'node:worker_threads';
import { ProblemError, solve, type ProblemIssue } from '../../solver/index.ts';
import type { Problem } from '../../solver/problem.ts';
import type { Solution, SolveOptions, StartRoute } from '../../solver/solution.ts';

export interface SolveTask {
  problem: Problem;
  seed: number;
  timeLimitMs?: number | undefined;
  maxIterations?: number | undefined;
  start?: readonly StartRoute[] | undefined;
  progress?: MessagePort | undefined;
}

export type SolveTaskResult =
  { ok: true; solution: Solution } | { ok: false; message: string; issues: ProblemIssue[] };

export function solveTask(task: SolveTask): SolveTaskResult {
  const options: SolveOptions = { seed: task.seed, clock: () => performance.now() };
  if (task.timeLimitMs !== undefined) options.timeLimitMs = task.timeLimitMs;
  if (task.maxIterations !== undefined) options.maxIterations = task.maxIterations;
  if (task.start !== undefined && task.start.length > 0) options.start = task.start;
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
    return { ok: true, solution: solve(task.problem, options) };
  } catch (err) {
    if (err instanceof ProblemError) return { ok: false, message: err.message, issues: [...err.issues] };
    throw err;
  } finally {
    port?.close();
  }
}
