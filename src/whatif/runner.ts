/**
 * Asynchronous what-if runs: a run is prepared (reads, geocoding, matrix) on the caller's side,
 * then simulated in a worker thread, one at a time (the search is CPU-bound), with progress.
 * Runs are kept in memory (the most recent ones); a restart forgets them.
 */
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { siblingModuleUrl, tsxWorkerSource, workerAnswer } from '../pipeline/solve/tsx-worker.ts';
import type { PreparedWhatIf } from './demand.ts';
import { ScenarioError } from './scenario.ts';
import { progressTotal, type WhatIfResult } from './run.ts';
import type { SimulationProgress } from './simulate.ts';

export interface WhatIfRun {
  id: string;
  status: 'queued' | 'preparing' | 'running' | 'succeeded' | 'failed';
  progress: SimulationProgress;
  createdAt: string;
  finishedAt: string | null;
  result: WhatIfResult | null;
  error: { code: string; message: string; field?: string } | null;
}

export interface RunnerOptions {
  /** Finished runs kept (oldest forgotten first). */
  keep?: number;
  clock?: () => Date;
}

export function simulateInWorker(
  p: PreparedWhatIf,
  onProgress: (x: SimulationProgress) => void,
  onWorker?: (worker: Worker) => void,
): Promise<WhatIfResult> {
  const url = siblingModuleUrl('worker', import.meta.url);
  const worker = new Worker(tsxWorkerSource(url), { eval: true, workerData: p });
  onWorker?.(worker);
  return workerAnswer<SimulationProgress, WhatIfResult>(worker, {
    what: 'simulation',
    answer: 'result',
    failed: (message) => message ?? 'simulation failed',
    onProgress,
  });
}

export class WhatIfRunner {
  readonly #runs = new Map<string, WhatIfRun>();
  #queue: Promise<void> = Promise.resolve();
  readonly #keep: number;
  readonly #clock: () => Date;
  #worker: Worker | undefined;
  #closed = false;

  constructor(options: RunnerOptions = {}) {
    this.#keep = options.keep ?? 100;
    this.#clock = options.clock ?? (() => new Date());
  }

  /** Starts a run; `prepare` does the I/O. Returns at once with the run's id. */
  start(prepare: () => Promise<PreparedWhatIf>): WhatIfRun {
    const run: WhatIfRun = {
      id: randomUUID(),
      status: 'queued',
      progress: { done: 0, total: 0 },
      createdAt: this.#clock().toISOString(),
      finishedAt: null,
      result: null,
      error: null,
    };
    this.#runs.set(run.id, run);
    this.#forgetOld();
    this.#queue = this.#queue.then(() => this.#execute(run, prepare));
    return { ...run };
  }

  get(id: string): WhatIfRun | undefined {
    const run = this.#runs.get(id);
    return run === undefined ? undefined : { ...run };
  }

  /** Resolves when every run started so far has finished. */
  async idle(): Promise<void> {
    await this.#queue;
  }

  async #execute(run: WhatIfRun, prepare: () => Promise<PreparedWhatIf>): Promise<void> {
    try {
      run.status = 'preparing';
      const prepared = await prepare();
      run.status = 'running';
      run.progress = { done: 0, total: progressTotal(prepared) };
      if (this.#closed) throw new Error('the server is shutting down');
      run.result = await simulateInWorker(
        prepared,
        (p) => (run.progress = p),
        (w) => (this.#worker = w),
      );
      run.status = 'succeeded';
    } catch (err) {
      run.status = 'failed';
      run.error =
        err instanceof ScenarioError
          ? { code: 'BAD_SCENARIO', message: err.message, field: err.field }
          : { code: 'SIMULATION_FAILED', message: err instanceof Error ? err.message : 'simulation failed' };
    } finally {
      this.#worker = undefined;
      run.finishedAt = this.#clock().toISOString();
    }
  }

  /** Stops the simulation under way (its run fails) and every queued one. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#worker?.terminate();
    await this.#queue;
  }

  #forgetOld(): void {
    const finished = [...this.#runs.values()].filter((r) => r.finishedAt !== null);
    for (const r of finished.slice(0, Math.max(0, this.#runs.size - this.#keep))) this.#runs.delete(r.id);
  }
}
