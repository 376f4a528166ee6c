/**
 * Capacity: `GET /v1/capacity` (viewer) — per slot, how many more jobs of a skill the current
 * routes can really absorb, beside what Amazon reports; `POST /v1/capacity/publish` (planner)
 * — holds technician hours so that, for every kind of work, Amazon offers no more than that
 * (one solution for all skills; see docs/capacity.md).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AmazonCapacityError,
  capacityReport,
  CapacityQueryError,
  DayModelError,
  MAX_CAPACITY_DAYS,
} from '../../src/capacity/index.ts';
import { amazonCapacityPort } from '../../src/capacity/amazon.ts';
import { publishCapacity, type PublishResult } from '../../src/capacity/publish.ts';
import { requireScope } from '../auth.ts';
import {
  authenticatedErrors,
  bodyErrors,
  CapacityReportSchema,
  PublishResultSchema,
} from '../contract/index.ts';
import type { ApiContext } from '../context.ts';
import { ApiError, badRequest } from '../errors.ts';
import { LocalDateSchema, StoreIdSchema } from '../schemas.ts';

const SkillSchema = z
  .string()
  .min(1, { error: 'expected a skill' })
  .max(50)
  .regex(/^[A-Za-z0-9_-]+$/, { error: 'expected a skill name (letters, digits, _ -)' });

const minutes = (min: number, max: number) =>
  z.coerce
    .number({ error: 'expected a number of minutes' })
    .int({ error: 'expected whole minutes' })
    .min(min, { error: `expected at least ${min} minutes` })
    .max(max, { error: `expected at most ${max} minutes` })
    .refine((v) => v % 5 === 0, { error: 'expected a multiple of 5 minutes' });

const rangeCheck = (v: { from: string; to: string }, ctx: z.RefinementCtx): void => {
  if (v.to < v.from)
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'expected a date on or after from' });
  else if ((Date.parse(v.to) - Date.parse(v.from)) / 86_400_000 >= MAX_CAPACITY_DAYS)
    ctx.addIssue({
      code: 'custom',
      path: ['to'],
      message: `expected a range of at most ${MAX_CAPACITY_DAYS} days`,
    });
};

const Fields = {
  storeId: StoreIdSchema,
  from: LocalDateSchema,
  to: LocalDateSchema,
  skill: SkillSchema,
  slotMinutes: minutes(15, 720),
  durationMinutes: minutes(5, 720).optional(),
};
const CapacityQuerySchema = z.object(Fields).strict().superRefine(rangeCheck);
// The publication covers every skill at once (capacity is shared); `skill` only narrows the listing.
const CapacityPublishSchema = z
  .object({
    storeId: StoreIdSchema,
    from: LocalDateSchema,
    to: LocalDateSchema,
    skill: SkillSchema.optional(),
    slotMinutes: minutes(15, 720).optional(),
    dryRun: z.boolean({ error: 'expected true or false' }).default(false),
  })
  .strict()
  .superRefine(rangeCheck);

/** Domain refusals about the input, as a 400 naming the field. */
function domainError(err: unknown, where: string): never {
  if (err instanceof CapacityQueryError) {
    const path = `${where}.${err.field}`;
    throw badRequest(`${path}: ${err.message}`, [{ path, message: err.message }]);
  }
  if (err instanceof DayModelError) {
    const path = `${where}.storeId`;
    if (err.code === 'STORE_NOT_LOCATED') throw new ApiError(422, 'STORE_NOT_LOCATED', err.message);
    throw badRequest(`${path}: ${err.message}`, [{ path, message: err.message }]);
  }
  if (err instanceof AmazonCapacityError) throw new ApiError(502, 'AMAZON_UNAVAILABLE', err.message);
  throw err;
}

export async function capacityRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const { ctx } = opts;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const deps = () => ({
    config: ctx.config,
    store: ctx.pipelineStore,
    plans: ctx.store.plans,
    geocoder: ctx.geocoder,
    travel: ctx.travel,
    clock: ctx.clock,
    amazon: amazonCapacityPort(ctx.servicesClient()),
    marketplaceId: ctx.marketplaceId,
  });

  r.get(
    '/v1/capacity',
    {
      onRequest: requireScope('viewer'),
      schema: {
        summary: "Free capacity per slot: the engine's feasible insertions beside Amazon's slot capacity",
        operationId: 'getCapacity',
        tags: ['capacity'],
        querystring: CapacityQuerySchema,
        response: { 200: CapacityReportSchema, ...authenticatedErrors(422, 502) },
      },
    },
    async (request) => {
      try {
        return (await capacityReport(deps(), request.query)).report;
      } catch (err) {
        return domainError(err, 'query');
      }
    },
  );

  r.post(
    '/v1/capacity/publish',
    {
      onRequest: requireScope('planner'),
      schema: {
        summary:
          "Hold technician hours so that Amazon's slot capacity, for every skill, stays within what the routes absorb (journaled)",
        operationId: 'publishCapacity',
        tags: ['capacity'],
        body: CapacityPublishSchema,
        response: { 200: PublishResultSchema, ...bodyErrors(409, 422, 502) },
      },
    },
    async (request) => {
      const { dryRun, ...q } = request.body;
      if (ctx.queue !== undefined) {
        // Queue mode: a worker publishes (Amazon's rate limits shared with the seller's other work).
        const answer = (await ctx.queue.publishCapacity(
          q,
          dryRun,
          `api:${request.auth?.tokenId ?? 'unknown'}`,
        )) as {
          refused?: { name: string; message: string; field?: string; code?: string };
        };
        const r = answer.refused;
        if (r === undefined) return answer as PublishResult;
        if (r.name === 'CapacityQueryError')
          return domainError(new CapacityQueryError(r.field ?? 'storeId', r.message), 'body');
        if (r.name === 'DayModelError')
          return domainError(new DayModelError(r.code as DayModelError['code'], r.message), 'body');
        return domainError(new AmazonCapacityError(r.code ?? 'UNKNOWN'), 'body');
      }
      try {
        return await publishCapacity(
          {
            ...deps(),
            db: ctx.store,
            services: ctx.services(),
            actor: `api:${request.auth?.tokenId ?? 'unknown'}`,
          },
          q,
          { dryRun },
        );
      } catch (err) {
        return domainError(err, 'body');
      }
    },
  );
}
