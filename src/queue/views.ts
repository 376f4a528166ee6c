/**
 * What `GET /v1/plans/:id` and `GET /v1/what-if/:id` answer in queue mode, read from
 * PostgreSQL only (the run and partition rows, the store's plans and journal), so every
 * server answers the same whichever one took the request and whichever worker ran it.
 */
import type { Plan } from '../pipeline/write/plan.ts';
import { storedPlanReport } from '../report/plan-report.ts';
import type { Store } from '../store/index.ts';
import type { WhatIfResult } from '../whatif/run.ts';
import type { PartitionRow, PartitionStatus, QueueState } from './state.ts';
import { journalSummary } from '../store/write-back-journal.ts';

type RunStatus = 'running' | 'succeeded' | 'partial' | 'failed';

function aggregate(statuses: PartitionStatus[]): RunStatus {
  if (statuses.some((s) => s === 'queued' || s === 'running')) return 'running';
  if (statuses.every((s) => s === 'succeeded')) return 'succeeded';
  if (statuses.every((s) => s === 'failed')) return 'failed';
  return 'partial';
}

const partitionView = (p: PartitionRow): Record<string, unknown> => ({
  storeId: p.storeId,
  planId: p.planId,
  status: p.status,
  attempts: p.attempts,
  progress: p.status === 'running' ? p.progress : null,
  result: p.result,
  error: p.error,
  updatedAt: p.updatedAt,
});

/**
 * A plan run by its run id (a run of one store: also that store's plan id), or undefined
 * when the id is no queued run of this seller (the caller then looks in the store's plans).
 */
export async function queuedPlanView(
  state: QueueState,
  store: Store,
  sellerId: string,
  id: string,
  now: number,
): Promise<Record<string, unknown> | undefined> {
  const run = await state.getRun(id, sellerId);
  if (run === undefined || run.kind !== 'plan') return undefined;
  const partitions = await state.partitions(id);
  const status = aggregate(partitions.map((p) => p.status));
  const entries = [];
  for (const p of partitions) if (p.planId !== null) entries.push(...(await store.journal.list(p.planId)));
  const base = {
    planId: id,
    kind: 'nightly',
    status,
    storeIds: run.storeIds,
    createdAt: run.createdAt,
    finishedAt: status === 'running' ? null : run.finishedAt,
    partitions: partitions.map(partitionView),
    journal: journalSummary(entries),
  };
  const single = partitions.length === 1 ? partitions[0]! : undefined;
  const running = partitions.find((p) => p.status === 'running');
  const progress = running?.progress ?? (status === 'running' ? { step: 'queued', label: 'Queued' } : null);
  if (single?.planId != null) {
    const record = await store.plans.get(single.planId);
    if (record !== undefined) {
      const { plan, solverStats: _stats, ...summary } = record;
      const report =
        plan !== null && record.status !== 'running'
          ? storedPlanReport(single.planId, plan as Plan, now)
          : null;
      return {
        ...summary,
        ...base,
        planId: id,
        kind: record.kind,
        outcome: (single.result as { outcome?: string } | null)?.outcome ?? null,
        progress,
        report,
      };
    }
  }
  return { ...base, outcome: null, progress, report: null };
}

export interface QueuedWhatIf {
  id: string;
  status: 'queued' | 'preparing' | 'running' | 'succeeded' | 'failed';
  progress: { done: number; total: number };
  createdAt: string;
  finishedAt: string | null;
  result: WhatIfResult | null;
  error: { code: string; message: string } | null;
  partitions: { total: number; succeeded: number; running: number; failed: number };
}

/** A what-if run in the shape of the embedded runner's, plus its partitions' counts. */
export async function queuedWhatIfView(
  state: QueueState,
  sellerId: string,
  id: string,
): Promise<QueuedWhatIf | undefined> {
  const run = await state.getRun(id, sellerId);
  if (run === undefined || run.kind !== 'what_if') return undefined;
  const partitions = await state.partitions(id);
  const prepare = partitions.find((p) => p.partitionKey === 'prepare');
  const days = partitions.filter((p) => p.partitionKey.startsWith('day-'));
  const samples = (run.request as { samples: number }).samples;
  const done = days.filter((p) => p.status === 'succeeded').length;
  const failed = partitions.find((p) => p.status === 'failed');
  const error = run.error ?? failed?.error ?? null;
  const status: QueuedWhatIf['status'] =
    run.result !== null
      ? 'succeeded'
      : error !== null
        ? 'failed'
        : prepare === undefined || prepare.status === 'queued'
          ? 'queued'
          : prepare.status === 'running'
            ? 'preparing'
            : 'running';
  return {
    id,
    status,
    progress: { done: 2 * done, total: 2 * samples },
    createdAt: run.createdAt,
    finishedAt: run.finishedAt,
    result: (run.result as WhatIfResult | null) ?? null,
    error,
    partitions: {
      total: partitions.length,
      succeeded: partitions.filter((p) => p.status === 'succeeded').length,
      running: partitions.filter((p) => p.status === 'running').length,
      failed: partitions.filter((p) => p.status === 'failed').length,
    },
  };
}
