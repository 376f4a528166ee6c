/**
 * `GET /v1/board?storeId&date[&planId]` (viewer): the plan of that store and day as the
 * board draws it (see api/board-view.ts). Buyer name and address only for planner/admin.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { PlanRecord, PlanSummary } from '../../src/store/index.ts';
import { maySeePersonalData, requireScope } from '../auth.ts';
import { boardCache } from '../board-cache.ts';
import { boardJsonFor, stampOf, summaryOf } from '../boards.ts';
import {
  authenticatedErrors,
  BoardStoresSchema,
  BoardViewSchema,
  type BoardView,
} from '../contract/index.ts';
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

export async function boardRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const appliedByStamp = new Map<string, boolean>();
  const { ctx } = opts;
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/board/stores',
    {
      onRequest: requireScope('viewer'),
      schema: {
        summary: "The crews config's stores, by name, for the board's store picker",
        operationId: 'listBoardStores',
        tags: ['board'],
        querystring: z.object({}).strict(),
        response: { 200: BoardStoresSchema, ...authenticatedErrors() },
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
        operationId: 'getBoard',
        tags: ['board'],
        querystring: BoardQuery,
        response: {
          200: BoardViewSchema,
          304: z.null().describe('Not modified: the view is still the one of the If-None-Match tag'),
          ...authenticatedErrors(404),
        },
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
      if (request.headers['if-none-match'] === tag) return reply.code(304).send(null);
      // Serialised once per cached view (checked against BoardViewSchema when it was built):
      // a string is sent as it is.
      return reply.type('application/json; charset=utf-8').send(json as unknown as BoardView);
    },
  );
}
