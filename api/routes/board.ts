/**
 * `GET /v1/board?storeId&date[&planId]` (viewer): the plan of that store and day as the
 * board draws it (see api/board-view.ts). Buyer name and address only for planner/admin.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Plan } from '../../src/pipeline/plan.ts';
import type { StoredServiceJob } from '../../src/store/index.ts';
import { maySeePersonalData, requireScope } from '../auth.ts';
import { buildBoardView, type BoardView } from '../board-view.ts';
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
  for (const id of ids) {
    const job = await ctx.store.jobs.get(id);
    if (job !== undefined) out.set(id, job);
  }
  return out;
}

export async function boardFor(
  ctx: ApiContext,
  planId: string,
  storeId: string,
  date: string,
  withPersonal: boolean,
  issues?: Parameters<typeof buildBoardView>[0]['issues'],
): Promise<BoardView> {
  const record = await ctx.store.plans.get(planId);
  if (record === undefined) throw new ApiError(404, 'NOT_FOUND', `no plan ${planId}`);
  if (record.plan === null)
    throw new ApiError(404, 'NOT_FOUND', `plan ${planId} has no routes yet (status ${record.status})`);
  const plan = record.plan as Plan;
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
  });
}

export async function boardRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const { ctx } = opts;
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/board',
    {
      preHandler: requireScope('viewer'),
      schema: {
        summary: 'The plan of a store and day as the dispatch board shows it',
        tags: ['board'],
        querystring: BoardQuery,
      },
    },
    async (request) => {
      const { storeId, date, planId } = request.query;
      if (!ctx.config.stores.some((s) => s.storeId === storeId)) {
        throw new ApiError(404, 'NOT_FOUND', `store ${storeId} is not in the crews config`);
      }
      let id = planId;
      if (id === undefined) {
        const candidates = (await ctx.store.plans.list({ storeId, limit: 200 })).filter(
          (p) =>
            p.periodStart <= date &&
            date <= p.periodEnd &&
            (p.kind === 'nightly' || p.kind === 'optimize_today') &&
            p.status !== 'running',
        );
        // The newest with routes (a run that failed before solving has none).
        for (const c of candidates) {
          if ((await ctx.store.plans.get(c.planId))?.plan != null) {
            id = c.planId;
            break;
          }
        }
        if (id === undefined)
          throw new ApiError(404, 'NOT_FOUND', `no plan for store ${storeId} on ${date} yet`);
      }
      const record = await ctx.store.plans.get(id);
      if (record === undefined || !record.storeIds.includes(storeId))
        throw new ApiError(404, 'NOT_FOUND', `no plan ${id} for store ${storeId}`);
      if (date < record.periodStart || date > record.periodEnd)
        throw new ApiError(
          404,
          'NOT_FOUND',
          `plan ${id} covers ${record.periodStart} to ${record.periodEnd}, not ${date}`,
        );
      return boardFor(
        ctx,
        id,
        storeId,
        date,
        maySeePersonalData(request),
        ctx.planner.get(id)?.result?.issues,
      );
    },
  );
}
