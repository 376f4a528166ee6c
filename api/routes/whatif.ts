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
import { WEEKDAYS } from '../../src/config/index.ts';
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
import { LocalDateSchema, StoreIdSchema } from '../schemas.ts';
import { queuedWhatIfView } from '../../src/queue/views.ts';

const Id = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._:-]+$/, { error: 'expected a technician resource id (letters, digits, . _ : -)' });
const Skill = z
  .string()
  .min(1)
  .max(50)
  .regex(/^[A-Za-z0-9_-]+$/, { error: 'expected a skill name (letters, digits, _ -)' });
const LocalTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'expected a local time "HH:mm"' });
const Factor = z
  .number()
  .finite()
  .min(0, { error: 'expected a factor of 0 or more' })
  .max(10, { error: 'expected a factor of at most 10' });
const Weekdays = z
  .array(z.enum(WEEKDAYS, { error: `expected a weekday: ${WEEKDAYS.join(', ')}` }))
  .min(1)
  .max(7);
const Shift = z
  .object({ start: LocalTime, end: LocalTime })
  .strict()
  .refine((s) => s.end > s.start, { path: ['end'], error: 'expected a shift end after its start' });

const WhatIfBody = z
  .object({
    storeId: StoreIdSchema,
    base: z.discriminatedUnion(
      'kind',
      [
        z.object({ kind: z.literal('date'), date: LocalDateSchema }).strict(),
        z
          .object({
            kind: z.literal('history'),
            week: LocalDateSchema,
            lookbackDays: z.number().int().min(7).max(90).optional(),
          })
          .strict(),
      ],
      { error: 'expected base {kind: "date", date} or {kind: "history", week}' },
    ),
    changes: z
      .object({
        addTechnicians: z
          .array(
            z
              .object({
                like: Id,
                skills: z.array(Skill).min(1).max(20).optional(),
                shift: Shift.optional(),
                count: z.number().int().min(1).max(50).optional(),
                weekdays: Weekdays.optional(),
                from: LocalDateSchema.optional(),
                to: LocalDateSchema.optional(),
              })
              .strict(),
          )
          .max(20)
          .optional(),
        removeTechnicians: z.array(Id).max(200).optional(),
        setSkills: z
          .array(z.object({ technicianId: Id, skills: z.array(Skill).min(1).max(20) }).strict())
          .max(200)
          .optional(),
        setShifts: z
          .array(
            z
              .object({ technicianId: Id, start: LocalTime, end: LocalTime, weekdays: Weekdays.optional() })
              .strict(),
          )
          .max(200)
          .optional(),
        closeStore: z
          .array(z.object({ date: LocalDateSchema, to: LocalDateSchema.optional() }).strict())
          .max(100)
          .optional(),
        scaleDemand: z
          .array(
            z
              .object({
                skill: Skill.optional(),
                postalPrefix: z
                  .string()
                  .regex(/^[0-9A-Za-z]{1,10}$/, { error: 'expected a postal-code prefix' })
                  .optional(),
                factor: Factor,
              })
              .strict(),
          )
          .max(50)
          .optional(),
        scaleDurations: z
          .array(z.object({ skill: Skill.optional(), factor: Factor.min(0.1) }).strict())
          .max(50)
          .optional(),
        slotMinutes: z.number().int().min(30).max(720).optional(),
      })
      .strict()
      .default({}),
    samples: z.number().int().min(1).max(50).default(10),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(1),
    iterations: z.number().int().min(10).max(20_000).default(300),
    targetServedPct: z.number().min(1).max(100).default(95),
    capacitySkill: Skill.optional(),
    samplePlans: z
      .boolean({ error: 'expected true or false (carry one sampled day’s plans, base and scenario)' })
      .default(true),
    staffing: z
      .union(
        [
          z.literal(false),
          z
            .object({
              like: Id.optional(),
              percentile: z
                .enum(['p10', 'median', 'p90'], { error: 'expected a percentile: p10, median or p90' })
                .optional(),
              maxSteps: z
                .number({ error: 'expected a number of staffing levels to simulate, 1 to 20' })
                .int()
                .min(1)
                .max(20)
                .optional(),
            })
            .strict(),
        ],
        {
          error: 'expected false or {like?, percentile?, maxSteps?} (the staffing search on the simulation)',
        },
      )
      .default({})
      .describe('The staffing answer searched on the simulation itself; false: none'),
  })
  .strict();

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
        body: WhatIfBody,
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
