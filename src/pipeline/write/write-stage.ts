/**
 * The write stage: the diff of the plan against what Amazon holds (diff.ts), and with
 * `--apply` the journaled write-back (write-back.ts); calls left in doubt are reconciled and
 * the write-back resumed, a few rounds at most. A dry run stops at the diff.
 */
import { writeBackDetail, type ProgressSink } from '../progress.ts';
import type { RunContext } from '../run-context.ts';
import { diffPlan } from './diff.ts';
import { foldLedger } from './ledger.ts';
import { callsOf, type WriteOperation } from './operations.ts';
import { reconcile } from './reconcile.ts';
import type { Reconciled } from './reconcile-stage.ts';
import { writeBack, type WriteBackResult } from './write-back.ts';

const MAX_RECONCILE_ROUNDS = 3;

export interface Written {
  operations: WriteOperation[];
  /** Undefined for a dry run. */
  writeBack: WriteBackResult | undefined;
}

export async function writeStage(run: RunContext, held: Reconciled): Promise<Written> {
  const { deps, options } = run;
  // On the day itself (optimize-today) Amazon is made to hold the plan: booked visits nobody
  // serves are released and an absent technician's later reservations cancelled. A nightly
  // run leaves those to the day's own re-plan and reports them.
  const releaseAt = options.kind === 'optimize_today' ? deps.clock().getTime() : undefined;
  const operations = diffPlan(held.plan, held.ledger, run.setup.rules, releaseAt);
  if (!options.apply) return { operations, writeBack: undefined };
  const writeResult = await run.timed('write-back', () =>
    applyWithReconcile(run, operations, held.planId, run.progress),
  );
  return { operations, writeBack: writeResult };
}

async function applyWithReconcile(
  run: RunContext,
  operations: WriteOperation[],
  planId: string,
  progress: ProgressSink,
): Promise<WriteBackResult> {
  const { deps, options } = run;
  const total = operations.reduce((n, op) => n + callsOf(op), 0);
  const step = progress.start('write-back', 'Writing back');
  const ctx = {
    planId,
    marketplaceId: options.marketplaceId,
    services: deps.services,
    journal: deps.store.journal,
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    // The display adds the time left from `done` of `total`: the detail carries the counts only.
    onProgress: (p: { done: number; calls: number; failed: number }) => {
      step.update(p.done, total, writeBackDetail(p));
    },
  };
  let result = await writeBack(operations, ctx);
  for (let round = 1; round < MAX_RECONCILE_ROUNDS && result.inDoubt > 0; round++) {
    // The write-back changed what Amazon holds: the ledger is folded again for this round.
    const ledger = foldLedger(await deps.store.ledgerEvents(run.storeIds));
    await reconcile(planId, options.marketplaceId, deps.store.journal, deps.services, ledger.reservations);
    const again = await writeBack(operations, { ...ctx, onProgress: () => {} });
    result = {
      calls: result.calls + again.calls,
      failures: [...result.failures, ...again.failures],
      inDoubt: again.inDoubt,
    };
  }
  step.done(`${result.calls} calls, ${result.failures.length} failed, ${result.inDoubt} in doubt`);
  return result;
}
