/**
 * The solver worker pool (piscina): every optimisation the API runs goes to a warm worker
 * thread, never the event loop, so /health and reads answer while a large plan is solved.
 * Workers stay up between tasks (the solver, and tsx when run from the sources, load once per thread).
 * The pool starts its threads on first use (or `warm()`), so a server listens before any
 * worker thread loads the solver.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { ProblemError } from '../../solver/errors.ts';
import type { Problem } from '../../solver/problem.ts';
import type { Solution, SolveProgress, StartRoute } from '../../solver/solution.ts';
import type { SolveTaskResult } from './solve-task.ts';
import { warmUpDay } from './warm-up.ts';

interface PoolSolveRequest {
  problem: Problem;
  seed?: number;
  timeLimitMs?: number;
  maxIterations?: number;
  /** Routes to start the search from (the plan in force); see solver `SolveOptions.start`. */
  start?: readonly StartRoute[];
  onProgress?: (p: SolveProgress) => void;
  signal?: AbortSignal;
}

export interface SolverPool {
  /** Throws ProblemError (with every issue) for a problem the solver refuses. */
  solve(req: PoolSolveRequest): Promise<Solution>;
  /** Tasks running and waiting. */
  stats(): { threads: number; running: number; queued: number };
  /**
   * Starts the first worker thread now, ahead of the first task (a server calls it once it
   * listens), and has it solve a small made-up day so its first real plan runs warm code.
   */
  warm(): Promise<void>;
  close(): Promise<void>;
}

export interface SolverPoolOptions {
  /** Worker threads; default: cores − 1, at least 2 (a nightly plan and an optimize-today side by side). */
  threads?: number;
}

/** Search time on the made-up day: enough for the hot loops to be compiled. */
const WARM_UP_MS = 300;

function defaultSolverThreads(): number {
  return Math.max(2, availableParallelism() - 1);
}

export function createSolverPool(options: SolverPoolOptions = {}): SolverPool {
  const threads = options.threads ?? defaultSolverThreads();
  // Compiled (dist/): the task module itself; sources: worker.mjs registers tsx first.
  const compiled = import.meta.url.endsWith('.js');
  let started: Piscina | undefined;
  let closed = false;
  const pool = (): Piscina =>
    (started ??= new Piscina({
      filename: new URL(compiled ? './solve-task.js' : './worker.mjs', import.meta.url).href,
      name: compiled ? 'solveTask' : 'default',
      minThreads: 1,
      maxThreads: threads,
      idleTimeout: 10 * 60_000,
    }));
  let running = 0;
  return {
    async warm() {
      if (closed) return;
      const { problem, start } = warmUpDay();
      // Best effort: a pool closed meanwhile, or a failing warm-up, leaves the first plan cold.
      await pool()
        .run({ problem, seed: 1, timeLimitMs: WARM_UP_MS, start })
        .catch(() => undefined);
    },
    async solve(req) {
      if (closed) throw new Error('the solver pool is closed');
      const channel = req.onProgress !== undefined ? new MessageChannel() : undefined;
      if (channel !== undefined) {
        channel.port1.on('message', (p: SolveProgress) => req.onProgress?.(p));
        channel.port1.unref();
      }
      running += 1;
      try {
        const result = (await pool().run(
          {
            problem: req.problem,
            seed: req.seed ?? 1,
            timeLimitMs: req.timeLimitMs,
            maxIterations: req.maxIterations,
            start: req.start,
            progress: channel?.port2,
          },
          {
            ...(channel !== undefined ? { transferList: [channel.port2] } : {}),
            ...(req.signal !== undefined ? { signal: req.signal } : {}),
          },
        )) as SolveTaskResult;
        // The solver's own validation (cross-references) ran in the worker: same error here.
        if (!result.ok) throw new ProblemError(result.issues);
        return result.solution;
      } finally {
        running -= 1;
        channel?.port1.close();
      }
    },
    stats: () => ({ threads, running: Math.min(running, threads), queued: started?.queueSize ?? 0 }),
    async close() {
      closed = true;
      await started?.destroy();
    },
  };
}
