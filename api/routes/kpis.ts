/** KPIs: `GET /v1/kpis?storeId&from&to` (viewer) — counts and shares per technician and store, no personal data. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { KpiQueryError, loadKpis, MAX_KPI_DAYS } from '../../src/kpis/index.ts';
import { requireScope } from '../auth.ts';
import { authenticatedErrors, KpiResultSchema } from '../contract/index.ts';
import type { ApiContext } from '../context.ts';
import { badRequest } from '../errors.ts';
import { LocalDateSchema, StoreIdSchema } from '../schemas.ts';

const KpiQuerySchema = z
  .object({ storeId: StoreIdSchema, from: LocalDateSchema, to: LocalDateSchema })
  .strict()
  .superRefine((v, ctx) => {
    if (v.to < v.from)
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'expected a date on or after from' });
    else if ((Date.parse(v.to) - Date.parse(v.from)) / 86_400_000 >= MAX_KPI_DAYS)
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `expected a range of at most ${MAX_KPI_DAYS} days`,
      });
  });

export async function kpiRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const { ctx } = opts;
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/kpis',
    {
      onRequest: requireScope('viewer'),
      schema: {
        summary:
          'On-time starts, completion in the window, no-shows, fulfilment breaks, utilisation and travel share',
        operationId: 'getKpis',
        tags: ['kpis'],
        querystring: KpiQuerySchema,
        response: { 200: KpiResultSchema, ...authenticatedErrors() },
      },
    },
    async (request) => {
      try {
        return await loadKpis(
          {
            client: ctx.servicesClient(),
            db: ctx.store,
            config: ctx.config,
            marketplaceId: ctx.marketplaceId,
            clock: ctx.clock,
          },
          request.query,
        );
      } catch (err) {
        if (err instanceof KpiQueryError) {
          const path = `query.${err.field}`;
          throw badRequest(`${path}: ${err.message}`, [{ path, message: err.message }]);
        }
        throw err;
      }
    },
  );
}
