/**
 * Plans: `GET /v1/plans` (history, newest first), `GET /v1/plans/:id` (status, progress,
 * report, write-back journal summary). Viewer scope.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireScope } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import { StoreIdSchema } from '../schemas.ts';

const PlanStatusSchema = z.enum(['running', 'succeeded', 'failed', 'cancelled']);
const PlanKindSchema = z.enum(['nightly', 'optimize_today', 'what_if', 'manual']);

export const PlanSummarySchema = z.object({
  planId: z.string(),
  kind: PlanKindSchema,
  periodStart: z.string(),
  periodEnd: z.string(),
  storeIds: z.array(z.string()),
  status: PlanStatusSchema,
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  kpis: z.unknown(),
  failure: z.object({ code: z.string(), message: z.string().nullable() }).nullable(),
});

const ListQuery = z
  .object({
    storeId: StoreIdSchema.optional(),
    status: PlanStatusSchema.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict();

export const PlanIdParams = z.object({ id: z.uuid({ error: 'expected a plan id (UUID)' }) }).strict();

export async function planRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const { ctx } = opts;
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/v1/plans',
    {
      preHandler: requireScope('viewer'),
      schema: {
        summary: 'Plan history, newest first',
        tags: ['plans'],
        querystring: ListQuery,
        response: { 200: z.object({ plans: z.array(PlanSummarySchema) }) },
      },
    },
    async (request) => {
      const q = request.query;
      const plans = await ctx.store.plans.list({
        limit: q.limit,
        ...(q.storeId !== undefined ? { storeId: q.storeId } : {}),
        ...(q.status !== undefined ? { status: q.status } : {}),
      });
      return { plans: plans.map(({ solverStats: _s, ...p }) => p) };
    },
  );

  r.get(
    '/v1/plans/:id',
    {
      preHandler: requireScope('viewer'),
      schema: {
        summary: 'One plan: status, progress, report and write-back journal summary',
        tags: ['plans'],
        params: PlanIdParams,
      },
    },
    async (request) => {
      const record = await ctx.store.plans.get(request.params.id);
      if (record === undefined) throw new ApiError(404, 'NOT_FOUND', `no plan ${request.params.id}`);
      const { plan: _plan, solverStats: _stats, ...summary } = record;
      return { ...summary };
    },
  );
}
