/**
 * `GET /v1/board?storeId&date[&planId]` (viewer): the plan of that store and day as the
 * board draws it (see api/board-view.ts). Buyer name and address only for planner/admin.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Plan } from '../../src/pipeline/plan.ts';
import type { PlanRecord, PlanSummary, StoredServiceJob } from '../../src/store/index.ts';
import { maySeePersonalData, requireScope } from '../auth.ts';
import { boardCache, type BoardCache, type BoardKey } from '../board-cache.ts';
import { buildBoardView, presentedStatus, type BoardView, type RefusedCall } from '../board-view.ts';
import type { ApiContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { LocalDateSchema, StoreIdSchema } from '../schemas.ts';

const BoardQuery = z
  .object({
    storeId: StoreIdSchema,
    date: LocalDateSchema,
    planId: z.uuid({ error: 'expected a plan id (UUID)' }).optional(),
  })
  .strict();

/** Jobs of one store in a plan (its stops and the jobs left out), read from the store. */
export async function jobsOfPlan(
  ctx: ApiContext,
  plan: Plan,
  storeId: string,
): Promise<Map<string, StoredServiceJob>> {
  // A plan may cover several stores: read only this store's visits (jobs left out carry no
  // store in the plan, so those are read and filtered by the board).
  const ids = new Set<string>([
    ...plan.routes.flatMap((r) => r.stops.filter((s) => s.storeId === storeId).map((s) => s.serviceJobId)),
    ...plan.unassigned.map((u) => u.serviceJobId),
  ]);
  const out = new Map<string, StoredServiceJob>();
  // The store's jobs still open in the plan's horizon in one read (most of the plan's), then
  // the rest (closed since, or of another store) one by one.
  const open = await ctx.store.jobs.listPlannable([storeId], {
    from: new Date(plan.horizon.start).toISOString(),
    to: new Date(plan.horizon.end).toISOString(),
  });
  for (const job of open) if (ids.has(job.serviceJobId)) out.set(job.serviceJobId, job);
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

const stampOf = (p: PlanSummary): string => `${p.status}|${p.finishedAt ?? ''}`;

/**
 * A plan's summary without its content (the content of a large plan is costly to parse):
 * from the store's recent plans of the store, or the whole record when it is older.
 */
async function summaryOf(
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
  known?: { summary?: PlanSummary | PlanRecord | undefined; plan?: Plan | undefined },
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
    return buildBoardView({
      record,
      plan,
      config: ctx.config,
      storeId,
      date,
      jobs: await jobsOfPlan(ctx, plan, storeId),
      now: ctx.clock(),
      withPersonal,
      issues,
      refused: presentedStatus(record) === 'partial' ? await refusedCalls(ctx, planId) : [],
    });
  });
}

/**
 * The board view of a plan, built once per plan, store, day and scope and then served from
 * the cache (`now` is the request's). `known.plan` is the plan's content when the caller has
 * it (the run that just stored it), which spares reading it back.
 */
export function boardFor(...args: BoardArgs): Promise<BoardView> {
  return cached((cache, key, now, build) => cache.view(key, now, build), ...args);
}

/** The same, serialised once per cached view. */
export function boardJsonFor(...args: BoardArgs): Promise<string> {
  return cached((cache, key, now, build) => cache.json(key, now, build), ...args);
}

export async function boardRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const appliedByStamp = new Map<string, boolean>();
  const { ctx } = opts;
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/board/stores',
    {
      onRequest: requireScope('viewer'),
      schema: {
        summary: "The crews config's stores, by name, for the board's store picker",
        tags: ['board'],
        querystring: z.object({}).strict(),
        response: {
          200: z.object({
            stores: z.array(z.object({ storeId: z.string(), name: z.string(), timeZone: z.string() })),
          }),
        },
      },
    },
    async () => ({
      stores: ctx.config.stores.map((st) => ({
        storeId: st.storeId,
        name: st.name ?? st.storeId,
        timeZone: st.timeZone,
      })),
    }),
  );
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/board',
    {
      onRequest: requireScope('viewer'),
      schema: {
        summary: 'The plan of a store and day as the dispatch board shows it',
        tags: ['board'],
        querystring: BoardQuery,
      },
    },
    async (request, reply) => {
      const { storeId, date, planId } = request.query;
      if (!ctx.config.stores.some((s) => s.storeId === storeId)) {
        throw new ApiError(404, 'NOT_FOUND', `store ${storeId} is not in the crews config`);
      }
      // Summaries only (no plan content): the board of a plan already built comes from the cache.
      const recent = await ctx.store.plans.list({ storeId, limit: 200 });
      let id = planId;
      let summary: PlanSummary | PlanRecord | undefined;
      if (id === undefined) {
        const candidates = recent.filter(
          (p) =>
            p.periodStart <= date &&
            date <= p.periodEnd &&
            (p.kind === 'nightly' || p.kind === 'optimize_today') &&
            p.status !== 'running',
        );
        // An optimize-today preview nobody applied is a proposal, not the day's plan. Applying
        // it runs it again, which changes its stamp, so the answer is kept per stamp.
        const applied = async (p: PlanSummary): Promise<boolean> => {
          if (p.kind !== 'optimize_today') return true;
          const key = `${p.planId}|${stampOf(p)}`;
          let known = appliedByStamp.get(key);
          if (known === undefined) {
            known =
              (await ctx.store.audit.list({ action: 'plan.apply', planId: p.planId, limit: 1 })).length > 0;
            if (appliedByStamp.size > 1000) appliedByStamp.clear();
            appliedByStamp.set(key, known);
          }
          return known;
        };
        // The newest with routes (a run that failed before solving has none).
        const cache = boardCache(ctx);
        for (const c of candidates) {
          if (!(await applied(c))) continue;
          if (cache.hasRoutes(c.planId)) {
            id = c.planId;
            summary = c;
            break;
          }
          const record = await ctx.store.plans.get(c.planId);
          if (record?.plan != null) {
            cache.markHasRoutes(c.planId);
            id = c.planId;
            summary = record;
            break;
          }
        }
        if (id === undefined)
          throw new ApiError(404, 'NOT_FOUND', `no plan for store ${storeId} on ${date} yet`);
      } else {
        summary = await summaryOf(ctx, id, storeId, recent);
      }
      if (summary === undefined || !summary.storeIds.includes(storeId))
        throw new ApiError(404, 'NOT_FOUND', `no plan ${id} for store ${storeId}`);
      if (date < summary.periodStart || date > summary.periodEnd)
        throw new ApiError(
          404,
          'NOT_FOUND',
          `plan ${id} covers ${summary.periodStart} to ${summary.periodEnd}, not ${date}`,
        );
      const json = await boardJsonFor(
        ctx,
        id,
        storeId,
        date,
        maySeePersonalData(request),
        ctx.planner.get(id)?.result?.issues,
        { summary },
      );
      // Polled by the board for live updates: the view without its `now` names its version.
      const tag = `"${createHash('sha1')
        .update(json.replace(/^\{"now":"[^"]*",?/, ''))
        .digest('base64url')}"`;
      reply.header('etag', tag).header('cache-control', 'no-cache, private');
      if (request.headers['if-none-match'] === tag) return reply.code(304).send();
      return reply.type('application/json; charset=utf-8').send(json);
    },
  );
}
