/**
 * Plans: `POST /v1/plans` (planner) runs the nightly pipeline for a date range and stores
 * in the background (dry run unless `apply`) and answers 202 with the plan id;
 * `GET /v1/plans/:id` (viewer) its status, progress, report and write-back journal summary;
 * `GET /v1/plans` (viewer) the history, newest first.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireScope } from '../auth.ts';
import {
  authenticatedErrors,
  bodyErrors,
  PlanAcceptedSchema,
  PlanAppliedSchema,
  PlanDetailSchema,
  PlanListSchema,
  PlanStatusSchema,
  type PlanDetail,
} from '../contract/index.ts';
import type { ApiContext } from '../context.ts';
import { ApiError, badRequest } from '../errors.ts';
import type { Plan } from '../../src/pipeline/write/plan.ts';
import { storedPlanReport } from '../../src/report/plan-report.ts';
import { LocalDateSchema, StoreIdSchema } from '../schemas.ts';
import { presentedStatus } from '../board-view.ts';
import { refusedCalls } from '../boards.ts';
import type { QueueClient } from '../../src/queue/client.ts';
import { queuedPlanView } from '../../src/queue/views.ts';
import { journalSummary } from '../../src/store/write-back-journal.ts';

const ListQuery = z
  .object({
    storeId: StoreIdSchema.optional(),
    status: PlanStatusSchema.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict();

const PlanIdParams = z.object({ id: z.uuid({ error: 'expected a plan id (UUID)' }) }).strict();

const MAX_DAYS = 14;

const CreatePlanBody = z
  .object({
    from: LocalDateSchema,
    to: LocalDateSchema.optional(),
    storeIds: z.array(StoreIdSchema).min(1).max(200).optional(),
    apply: z.boolean().default(false),
    solverSeconds: z.number().positive().max(3_600).optional(),
    seed: z
      .number()
      .int()
      .min(1)
      .max(2 ** 31 - 1)
      .optional(),
  })
  .strict()
  .refine((b) => b.to === undefined || b.to >= b.from, {
    path: ['to'],
    error: 'must be on or after from',
  })
  .refine(
    (b) =>
      b.to === undefined ||
      Date.parse(`${b.to}T00:00:00Z`) - Date.parse(`${b.from}T00:00:00Z`) < MAX_DAYS * 86_400_000,
    { path: ['to'], error: `at most ${MAX_DAYS} days from "from"` },
  );

const daysOf = (b: { from: string; to?: string | undefined }): number =>
  b.to === undefined
    ? 1
    : Math.round((Date.parse(`${b.to}T00:00:00Z`) - Date.parse(`${b.from}T00:00:00Z`)) / 86_400_000) + 1;

/** What a plan run starts with, whichever way it runs (in this process or on the workers). */
const runOf = (b: z.infer<typeof CreatePlanBody>, storeIds: string[], request: FastifyRequest) => ({
  date: b.from,
  days: daysOf(b),
  storeIds,
  apply: b.apply,
  solverSeconds: b.solverSeconds,
  seed: b.seed,
  actor: `api:${request.auth?.tokenId ?? 'unknown'}`,
});

/** Queue mode: one partition per store goes to the workers; the run id answers like a plan id. */
async function startQueuedPlan(
  queue: QueueClient,
  b: z.infer<typeof CreatePlanBody>,
  storeIds: string[],
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const busy = await queue.busy(storeIds);
  if (busy !== undefined)
    throw new ApiError(
      409,
      'CONFLICT',
      `plan ${busy.runId} is queued or running for store ${busy.storeId}; try again when it ends`,
    );
  const run = runOf(b, storeIds, request);
  const { runId } = await queue.startPlanRun(run);
  const { days } = run;
  return reply
    .status(202)
    .header('location', `/v1/plans/${runId}`)
    .send({ planId: runId, status: 'running', apply: b.apply, days, storeIds });
}

/** `POST /v1/plans`: checks the stores, then starts the run (on the workers in queue mode). */
async function startPlan(
  ctx: ApiContext,
  b: z.infer<typeof CreatePlanBody>,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const known = new Set(ctx.config.stores.map((s) => s.storeId));
  const unknown = (b.storeIds ?? []).map((id, i) => ({ id, i })).filter(({ id }) => !known.has(id));
  if (unknown.length > 0) {
    throw badRequest(
      'unknown stores',
      unknown.map(({ i }) => ({
        path: `body.storeIds[${i}]`,
        message: `not a store of the crews config (${[...known].join(', ')})`,
      })),
    );
  }
  const storeIds = b.storeIds ?? [...known];
  if (ctx.queue !== undefined) return startQueuedPlan(ctx.queue, b, storeIds, request, reply);
  const busy = ctx.planner.running().find((r) => r.storeIds.some((s) => storeIds.includes(s)));
  if (busy !== undefined) {
    throw new ApiError(
      409,
      'CONFLICT',
      `plan ${busy.planId} is running for some of these stores; try again when it ends`,
    );
  }
  const run = runOf(b, storeIds, request);
  const state = ctx.planner.start({ kind: 'nightly', ...run });
  const { days } = run;
  return reply
    .status(202)
    .header('location', `/v1/plans/${state.planId}`)
    .send({ planId: state.planId, status: state.status, apply: b.apply, days, storeIds });
}

/** `POST /v1/plans/:id/apply`: the write-back of a stored plan still the newest for its stores and days. */
async function applyStoredPlan(ctx: ApiContext, id: string, request: FastifyRequest) {
  const record = await ctx.store.plans.get(id);
  if (record === undefined) throw new ApiError(404, 'NOT_FOUND', `no plan ${id}`);
  if (record.plan === null) throw new ApiError(409, 'CONFLICT', `plan ${id} has no routes to apply`);
  if (
    record.status === 'running' ||
    ctx.planner.running().some((r) => r.storeIds.some((s) => record.storeIds.includes(s)))
  )
    throw new ApiError(
      409,
      'CONFLICT',
      `a planning run for these stores is in progress; try again when it ends`,
    );
  if (record.kind !== 'nightly' && record.kind !== 'optimize_today')
    throw new ApiError(
      409,
      'CONFLICT',
      `plan ${id} is a ${record.kind} plan; only nightly and optimize-today plans are applied`,
    );
  // Only the newest plan of its stores and days may be applied: an older one is stale.
  const wanted = [...record.storeIds].sort().join(',');
  const newest = (await ctx.store.plans.list({ storeId: record.storeIds[0]!, limit: 200 })).find(
    (p) =>
      (p.kind === 'nightly' || p.kind === 'optimize_today') &&
      p.periodStart === record.periodStart &&
      p.periodEnd === record.periodEnd &&
      [...p.storeIds].sort().join(',') === wanted,
  );
  if (newest !== undefined && newest.planId !== id)
    throw new ApiError(
      409,
      'STALE_PLAN',
      `plan ${newest.planId} is newer for these stores and days; apply that one`,
    );
  await ctx.store.plans.reopen(id);
  const days =
    Math.round(
      (Date.parse(`${record.periodEnd}T00:00:00Z`) - Date.parse(`${record.periodStart}T00:00:00Z`)) /
        86_400_000,
    ) + 1;
  const state = await ctx.planner.run({
    kind: record.kind,
    date: record.periodStart,
    days,
    storeIds: record.storeIds,
    apply: true,
    actor: `api:${request.auth?.tokenId ?? 'unknown'}`,
  });
  if (state.status === 'failed' || state.result === undefined) {
    const code = state.error?.code ?? 'RUN_FAILED';
    const still = await ctx.store.plans.get(id);
    if (still?.status === 'running')
      await ctx.store.plans.finish(id, {
        status: 'failed',
        failure: { code, message: state.error?.message ?? '' },
      });
    throw new ApiError(code === 'LOCKED' ? 409 : 502, code, state.error?.message ?? 'the write-back failed');
  }
  const wb = state.result.report.writeBack;
  return {
    planId: state.result.planId,
    applied: true as const,
    outcome: state.result.outcome,
    writeBack: { calls: wb.callsMade, failures: wb.failures, inDoubt: wb.inDoubt },
  };
}

/** `GET /v1/plans/:id`: the queue's record of the run, or the live run and the stored plan. */
async function planDetail(ctx: ApiContext, id: string) {
  if (ctx.queue !== undefined) {
    const queued = await queuedPlanView(
      ctx.queue.state,
      ctx.store,
      ctx.queue.sellerId,
      id,
      ctx.clock().getTime(),
    );
    // The queue's own record of the run, in the contract's shape.
    if (queued !== undefined) return queued as unknown as PlanDetail;
  }
  const live = ctx.planner.get(id);
  const record = await ctx.store.plans.get(id);
  if (record === undefined && live === undefined) throw new ApiError(404, 'NOT_FOUND', `no plan ${id}`);
  const progress =
    live !== undefined && live.status === 'running'
      ? {
          step: live.progress.step,
          label: live.progress.label,
          value: live.progress.value ?? null,
          total: live.progress.total ?? null,
          detail: live.progress.detail ?? null,
          notes: live.progress.notes,
        }
      : null;
  if (record === undefined) {
    // Started, not stored yet (pulling, solving).
    return {
      planId: id,
      kind: live!.kind,
      status: 'running' as const,
      storeIds: live!.storeIds,
      createdAt: live!.startedAt,
      progress,
      report: null,
      journal: { entries: 0, byState: {}, byOperation: {} },
    };
  }
  const { plan, solverStats: _stats, ...summary } = record;
  const report =
    live?.result?.report ??
    (plan !== null && record.status !== 'running'
      ? storedPlanReport(id, plan as Plan, ctx.clock().getTime())
      : null);
  return {
    ...summary,
    status: presentedStatus(record),
    // The calls Amazon refused, with its reason: what makes the plan partial.
    ...(presentedStatus(record) === 'partial' ? { refused: await refusedCalls(ctx, id) } : {}),
    outcome: live?.result?.outcome ?? null,
    progress,
    report,
    journal: journalSummary(await ctx.store.journal.list(id)),
  };
}

export async function planRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const { ctx } = opts;
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/v1/plans',
    {
      onRequest: requireScope('planner'),
      schema: {
        summary:
          'Run the nightly planning for a date range and stores (in the background); dry run unless apply',
        operationId: 'createPlan',
        tags: ['plans'],
        body: CreatePlanBody,
        response: { 202: PlanAcceptedSchema, ...bodyErrors(409) },
      },
    },
    async (request, reply) => startPlan(ctx, request.body, request, reply),
  );

  r.post(
    '/v1/plans/:id/apply',
    {
      onRequest: requireScope('planner'),
      schema: {
        summary:
          'Make the write-back of a stored plan (a reviewed dry run), if it is still the latest for its stores and days',
        operationId: 'applyPlan',
        tags: ['plans'],
        params: PlanIdParams,
        body: z.object({}).strict().nullish(),
        response: { 200: PlanAppliedSchema, ...bodyErrors(404, 409, 502) },
      },
    },
    async (request) => applyStoredPlan(ctx, request.params.id, request),
  );

  r.get(
    '/v1/plans',
    {
      onRequest: requireScope('viewer'),
      schema: {
        summary: 'Plan history, newest first',
        operationId: 'listPlans',
        tags: ['plans'],
        querystring: ListQuery,
        response: { 200: PlanListSchema, ...authenticatedErrors() },
      },
    },
    async (request) => {
      const q = request.query;
      const plans = await ctx.store.plans.list({
        limit: q.limit,
        ...(q.storeId !== undefined ? { storeId: q.storeId } : {}),
        ...(q.status !== undefined ? { status: q.status === 'partial' ? 'failed' : q.status } : {}),
      });
      return {
        plans: plans
          .map(({ solverStats: _s, ...p }) => ({ ...p, status: presentedStatus(p) }))
          .filter((p) => q.status === undefined || p.status === q.status),
      };
    },
  );

  r.get(
    '/v1/plans/:id',
    {
      onRequest: requireScope('viewer'),
      schema: {
        summary: 'One plan: status, progress, report and write-back journal summary',
        operationId: 'getPlan',
        tags: ['plans'],
        params: PlanIdParams,
        response: { 200: PlanDetailSchema, ...authenticatedErrors(404) },
      },
    },
    async (request) => planDetail(ctx, request.params.id),
  );
}
