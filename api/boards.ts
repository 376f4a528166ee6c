/**
 * Board views of stored plans, built once per plan, store, day and scope and then served from
 * the server's cache: what `GET /v1/board` and `POST /v1/optimize-today` answer with.
 */
import type { Plan } from '../src/pipeline/write/plan.ts';
import type { PlanRecord, PlanSummary, ServiceJobRecord } from '../src/store/index.ts';
import { boardCache, type BoardCache, type BoardKey } from './board-cache.ts';
import { buildBoardView, presentedStatus } from './board-view.ts';
import type { ApiContext } from './context.ts';
import { BoardViewSchema, type BoardView, type RefusedCall } from './contract/board.ts';
import { ApiError } from './errors.ts';

/**
 * Jobs of one store in a plan (its stops and the jobs left out), read from the store, or taken
 * from `known` (the jobs the run that made the plan read, decrypted once already) where it has them.
 */
async function jobsOfPlan(
  ctx: ApiContext,
  plan: Plan,
  storeId: string,
  known?: ReadonlyMap<string, ServiceJobRecord>,
): Promise<Map<string, ServiceJobRecord>> {
  // A plan may cover several stores: read only this store's visits (jobs left out carry no
  // store in the plan, so those are read and filtered by the board).
  const ids = new Set<string>([
    ...plan.routes.flatMap((r) => r.stops.filter((s) => s.storeId === storeId).map((s) => s.serviceJobId)),
    ...plan.unassigned.map((u) => u.serviceJobId),
  ]);
  const out = new Map<string, ServiceJobRecord>();
  if (known !== undefined) {
    for (const id of ids) {
      const job = known.get(id);
      if (job !== undefined) out.set(id, job);
    }
  } else {
    // The store's jobs still open in the plan's horizon in one read (most of the plan's).
    const open = await ctx.store.jobs.listPlannable([storeId], {
      from: new Date(plan.horizon.start).toISOString(),
      to: new Date(plan.horizon.end).toISOString(),
    });
    for (const job of open) if (ids.has(job.serviceJobId)) out.set(job.serviceJobId, job);
  }
  // The rest (closed since, or of another store) one by one.
  for (const id of ids) {
    if (out.has(id)) continue;
    const job = await ctx.store.jobs.get(id);
    if (job !== undefined) out.set(id, job);
  }
  return out;
}

/**
 * Amazon's refusals as a dispatcher reads them, by the specific error codes the Services API
 * answers with; for a general code (`InvalidInput`) the run's own message, which carries
 * Amazon's text, is shown instead.
 */
const REFUSAL_REASONS: Record<string, string> = {
  RESOURCES_MISSING_REQUIRED_SKILLS: 'technician lacks a skill the job requires',
  RESOURCES_NOT_AVAILABLE_IN_LOCATION: 'technician does not serve this store',
  RESOURCES_NOT_AVAILABLE_IN_TIME_WINDOW: 'technician is not available in that time window',
  RESOURCES_OVERBOOKED: 'technician is already booked in that time window',
  RESOURCES_UNASSIGNED: 'technicians were unassigned',
};

/**
 * The write-back calls of a plan that Amazon refused, with its reason: from the run that just
 * made the plan when this server ran it (the failures it reported), else from the write-back
 * journal (each refused call's error code; a call refused once and placed by a later try is
 * not listed). Ids, operation names, codes and Amazon's text only: no buyer's data.
 */
export async function refusedCalls(ctx: ApiContext, planId: string): Promise<RefusedCall[]> {
  const live = ctx.planner.get(planId)?.result?.writeBack?.failures;
  if (live !== undefined) {
    return live.map((f) => ({
      serviceJobId: f.serviceJobId ?? null,
      operation: f.operation,
      code: f.code,
      reason: REFUSAL_REASONS[f.code] ?? f.message,
    }));
  }
  const entries = await ctx.store.journal.list(planId);
  const placed = new Set(
    entries.filter((e) => e.state === 'succeeded').map((e) => `${e.operation}|${e.serviceJobId ?? ''}`),
  );
  return entries
    .filter(
      (e) =>
        e.state === 'failed' &&
        e.errorCode !== 'NOT_APPLIED' &&
        !placed.has(`${e.operation}|${e.serviceJobId ?? ''}`),
    )
    .map((e) => ({
      serviceJobId: e.serviceJobId,
      operation: e.operation,
      code: e.errorCode ?? 'REFUSED',
      reason: REFUSAL_REASONS[e.errorCode ?? ''] ?? `refused by Amazon (${e.errorCode ?? 'no code'})`,
    }));
}

export const stampOf = (p: PlanSummary): string => `${p.status}|${p.finishedAt ?? ''}`;

/**
 * A plan's summary without its content (the content of a large plan is costly to parse):
 * from the store's recent plans of the store, or the whole record when it is older.
 */
export async function summaryOf(
  ctx: ApiContext,
  planId: string,
  storeId: string,
  recent?: readonly PlanSummary[],
): Promise<PlanSummary | PlanRecord | undefined> {
  const list = recent ?? (await ctx.store.plans.list({ storeId, limit: 20 }));
  return list.find((p) => p.planId === planId) ?? (await ctx.store.plans.get(planId));
}

type BoardArgs = [
  ctx: ApiContext,
  planId: string,
  storeId: string,
  date: string,
  withPersonal: boolean,
  issues?: Parameters<typeof buildBoardView>[0]['issues'],
  known?: {
    summary?: PlanSummary | PlanRecord | undefined;
    plan?: Plan | undefined;
    /** The jobs the run that made the plan read (by id), sparing their decryption again. */
    jobs?: ReadonlyMap<string, ServiceJobRecord> | undefined;
  },
];

async function cached<T>(
  how: (cache: BoardCache, key: BoardKey, now: Date, build: () => Promise<BoardView>) => Promise<T>,
  ...[ctx, planId, storeId, date, withPersonal, issues, known]: BoardArgs
): Promise<T> {
  const summary = known?.summary ?? (await summaryOf(ctx, planId, storeId));
  if (summary === undefined) throw new ApiError(404, 'NOT_FOUND', `no plan ${planId}`);
  const key = {
    planId,
    storeId,
    date,
    withPersonal,
    withIssues: issues !== undefined,
    stamp: stampOf(summary),
  };
  return how(boardCache(ctx), key, ctx.clock(), async () => {
    const record = 'plan' in summary ? summary : await ctx.store.plans.get(planId);
    if (record === undefined) throw new ApiError(404, 'NOT_FOUND', `no plan ${planId}`);
    const plan = (known?.plan ?? record.plan) as Plan | null;
    if (plan === null)
      throw new ApiError(404, 'NOT_FOUND', `plan ${planId} has no routes yet (status ${record.status})`);
    // Checked against the contract once per build (unknown fields dropped): the JSON the cache
    // serves is not serialised per request, so it is not checked per request either.
    return BoardViewSchema.parse(
      await buildBoardView({
        record,
        plan,
        config: ctx.config,
        storeId,
        date,
        jobs: await jobsOfPlan(ctx, plan, storeId, known?.jobs),
        now: ctx.clock(),
        withPersonal,
        issues,
        refused: presentedStatus(record) === 'partial' ? await refusedCalls(ctx, planId) : [],
      }),
    );
  });
}

/**
 * The board view of a plan, built once per plan, store, day and scope and then served from
 * the cache (`now` is the request's). `known.plan` is the plan's content when the caller has
 * it (the run that just stored it), which spares reading it back, and `known.jobs` the jobs
 * that run read.
 */
export function boardFor(...args: BoardArgs): Promise<BoardView> {
  return cached((cache, key, now, build) => cache.view(key, now, build), ...args);
}

/** The same, serialised once per cached view. */
export function boardJsonFor(...args: BoardArgs): Promise<string> {
  return cached((cache, key, now, build) => cache.json(key, now, build), ...args);
}
