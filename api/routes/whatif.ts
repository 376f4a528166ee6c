/**
 * What-if (planner): `POST /v1/what-if` starts a simulation (base + changes, K seeded sampled
 * days, solver on an iteration budget, in a worker thread) and answers 202 with its id;
 * `GET /v1/what-if/:id` (viewer) tells its progress and, when done, the KPI distributions of
 * base and scenario side by side, the LP staffing bound, the staffing answer searched on the
 * simulation (unless `staffing: false`; src/whatif/staffing.ts) and (unless `samplePlans: false`) one
 * representative sampled day planned for base and scenario in the board's shape, so the board
 * can draw both routes side by side. Never writes to Amazon.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  applyChanges,
  checkStaffing,
  prepareWhatIf,
  ScenarioError,
  WhatIfRunner,
  type StaffingOptions,
} from '../../src/whatif/index.ts';
import { requireScope } from '../auth.ts';
import { authenticatedErrors, bodyErrors, WhatIfAcceptedSchema, WhatIfRunSchema } from '../contract/index.ts';
import type { ApiContext } from '../context.ts';
import { ApiError, badRequest } from '../errors.ts';
import { WhatIfRequestSchema } from '../whatif-request.ts';
import { queuedWhatIfView } from '../../src/queue/views.ts';

const staffingOf = (s: StaffingOptions | false): StaffingOptions | undefined => (s === false ? undefined : s);

const RunParams = z.object({ id: z.uuid({ error: 'expected a what-if run id (UUID)' }) }).strict();

export async function whatIfRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const { ctx } = opts;
  const runner = new WhatIfRunner({ clock: ctx.clock });
  /** Which seller started each run: another seller's run is not there for a token (404). */
  const sellerOfRun = new Map<string, string>();
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/v1/what-if',
    {
      onRequest: requireScope('planner'),
      schema: {
        summary: 'Start a what-if simulation (asynchronous); never writes to Amazon',
        operationId: 'startWhatIf',
        tags: ['what-if'],
        body: WhatIfRequestSchema,
        response: { 202: WhatIfAcceptedSchema, ...bodyErrors() },
      },
    },
    async (request, reply) => {
      const b = request.body;
      // What can be checked at once is refused at once, naming the field.
      try {
        if (!ctx.config.stores.some((s) => s.storeId === b.storeId))
          throw new ScenarioError('storeId', `store ${b.storeId} is not in the crews config`);
        checkStaffing(applyChanges(ctx.config, b.storeId, b.changes), b.storeId, staffingOf(b.staffing));
      } catch (err) {
        if (err instanceof ScenarioError) {
          const path = `body.${err.field}`;
          throw badRequest(`${path}: ${err.message}`, [{ path, message: err.message }]);
        }
        throw err;
      }
      if (ctx.queue !== undefined) {
        // Queue mode: prepared by a worker, one partition per sampled day, merged when all are done.
        const id = await ctx.queue.startWhatIf(b);
        return reply.status(202).send({ id, status: 'queued', location: `/v1/what-if/${id}` });
      }
      const run = runner.start(() =>
        prepareWhatIf(
          {
            config: ctx.config,
            store: ctx.pipelineStore,
            client: ctx.servicesClient(),
            geocoder: ctx.geocoder,
            travel: ctx.travel,
            clock: ctx.clock,
            marketplaceId: ctx.marketplaceId,
          },
          b.storeId,
          b.base,
          b.changes,
          {
            samples: b.samples,
            seed: b.seed,
            iterations: b.iterations,
            targetServedPct: b.targetServedPct,
            capacitySkill: b.capacitySkill,
            samplePlans: b.samplePlans,
            staffing: staffingOf(b.staffing),
          },
        ),
      );
      sellerOfRun.set(run.id, ctx.sellerId);
      // The runner forgets old runs; so does this map.
      if (sellerOfRun.size > 1_000)
        for (const id of sellerOfRun.keys()) if (runner.get(id) === undefined) sellerOfRun.delete(id);
      return reply.status(202).send({ id: run.id, status: run.status, location: `/v1/what-if/${run.id}` });
    },
  );

  r.get(
    '/v1/what-if/:id',
    {
      onRequest: requireScope('viewer'),
      schema: {
        summary: 'A what-if run: status, progress, result',
        operationId: 'getWhatIf',
        tags: ['what-if'],
        params: RunParams,
        response: { 200: WhatIfRunSchema, ...authenticatedErrors(404) },
      },
    },
    async (request) => {
      if (ctx.queue !== undefined) {
        const queued = await queuedWhatIfView(ctx.queue.state, ctx.queue.sellerId, request.params.id);
        if (queued === undefined) throw new ApiError(404, 'NOT_FOUND', `no what-if run ${request.params.id}`);
        return queued;
      }
      const run =
        sellerOfRun.get(request.params.id) === ctx.sellerId ? runner.get(request.params.id) : undefined;
      if (run === undefined) {
        throw new ApiError(404, 'NOT_FOUND', `no what-if run ${request.params.id}`);
      }
      return run;
    },
  );

  app.addHook('onClose', async () => {
    await runner.close();
  });
}
