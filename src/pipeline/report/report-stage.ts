/**
 * The report stage: the run's outcome, its report (run-report.ts), the plan record closed
 * with its KPIs, and the audit entry.
 */
import { performance } from 'node:perf_hooks';
import type { ReadJobs } from '../read/read-stage.ts';
import type { RunContext, RunOutcome, RunResult } from '../run-context.ts';
import type { Decision } from '../solve/decide-stage.ts';
import type { Reconciled } from '../write/reconcile-stage.ts';
import type { Written } from '../write/write-stage.ts';
import { buildReport } from './run-report.ts';

export async function reportStage(
  run: RunContext,
  read: ReadJobs,
  decision: Decision,
  held: Reconciled,
  written: Written,
): Promise<RunResult> {
  const { deps, options, setup, timings } = run;
  const { planId, plan } = held;
  const { operations, writeBack } = written;
  const issues = [...read.issues, ...decision.issues];
  const failures = writeBack?.failures.length ?? 0;
  const inDoubt = writeBack?.inDoubt ?? 0;
  const outcome: RunOutcome =
    failures > 0 || inDoubt > 0 ? 'partial' : operations.length === 0 ? 'nothing-to-do' : 'succeeded';
  const report = buildReport({
    planId,
    now: deps.clock().getTime(),
    mode: options.apply ? 'apply' : 'dry-run',
    plan,
    issues,
    operations,
    writeBack,
    timingsMs: timings,
  });
  await deps.store.finishPlan(
    planId,
    outcome === 'partial' ? 'failed' : 'succeeded',
    report.kpis,
    outcome === 'partial'
      ? { code: 'PARTIAL_WRITE_BACK', message: `${failures} calls failed, ${inDoubt} in doubt` }
      : undefined,
  );
  await deps.store.audit(options.apply ? 'plan.apply' : 'plan.dry-run', {
    planId,
    days: setup.days,
    storeIds: run.storeIds,
    operations: operations.length,
    calls: writeBack?.calls ?? 0,
    failures,
  });
  // What a caller with a deadline must leave for the work after the solve.
  if (decision.solvedAt !== undefined)
    timings['after-solve'] = Math.round(performance.now() - decision.solvedAt);
  return {
    planId,
    outcome,
    resumed: decision.resumed,
    plan,
    operations,
    writeBack,
    issues,
    report,
    jobs: read.raws,
    timingsMs: timings,
  };
}
