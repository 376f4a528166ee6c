/**
 * The planning run, as docs/planning-run.md lists its steps: check the config against the
 * seller, then under the stores' lock read (purge, pull, normalise) → decide (resume, keep or
 * solve) → reconcile with Amazon → write → report. Each stage is a function from typed values
 * to a typed value; every input and output (Services, store, geography, clock, progress) is
 * passed in through `RunDeps`.
 */
import { holderState, lockHolderName } from './lock-holder.ts';
import type { PipelineStorePort } from './ports.ts';
import { readStage } from './read/read-stage.ts';
import { reportStage } from './report/report-stage.ts';
import {
  openRun,
  RunError,
  type RunContext,
  type RunDeps,
  type RunOptions,
  type RunResult,
} from './run-context.ts';
import { preflight } from './setup/preflight.ts';
import { decideStage } from './solve/decide-stage.ts';
import { reconcileStage } from './write/reconcile-stage.ts';
import { writeStage } from './write/write-stage.ts';

export { RunError } from './run-context.ts';
export type { RunDeps, RunOptions, RunResult } from './run-context.ts';

const LOCK_TTL_MS = 2 * 3_600_000;

export async function runPlanning(options: RunOptions, deps: RunDeps): Promise<RunResult> {
  const run = openRun(options, deps);
  await checkAgainstSeller(run);
  return withStoresLock(run, async () => {
    const read = await readStage(run);
    const decision = await decideStage(run, read);
    const held = await reconcileStage(run, read, decision);
    const written = await writeStage(run, held);
    return reportStage(run, read, decision, held, written);
  });
}

/** Before anything is read into the store or written to Amazon (and before a long solve). */
async function checkAgainstSeller(run: RunContext): Promise<void> {
  const { options, deps } = run;
  const problem = await run.timed('preflight', () =>
    preflight(
      run.fullSetup,
      { date: options.date, marketplaceId: options.marketplaceId },
      deps.services,
      run.now,
    ),
  );
  if (problem !== undefined) throw new RunError(problem.code, problem.message);
}

async function withStoresLock<T>(run: RunContext, body: () => Promise<T>): Promise<T> {
  const holder = lockHolderName(run.deps.actor ?? 'plan');
  const lockName = `plan:${run.storeIds.join(',')}`;
  await takeLock(run.deps.store, lockName, holder);
  try {
    return await body();
  } finally {
    await run.deps.store.releaseLock(lockName, holder);
  }
}

/**
 * One planning run per set of stores at a time. A lock left by a run on this machine whose
 * process is gone (killed, crashed) is taken over, so a rerun can resume at once.
 */
async function takeLock(store: PipelineStorePort, name: string, holder: string): Promise<void> {
  const first = await store.acquireLock(name, holder, LOCK_TTL_MS);
  if (first.acquired) return;
  if (holderState(first.heldBy) === 'gone') {
    await store.releaseLock(name, first.heldBy);
    const second = await store.acquireLock(name, holder, LOCK_TTL_MS);
    if (second.acquired) return;
  }
  throw new RunError(
    'LOCKED',
    `another planning run (${first.heldBy}) holds the lock for these stores; try again when it ends`,
  );
}
