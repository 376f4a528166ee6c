/**
 * Close-out (planner): `POST /v1/jobs/:id/fulfillment` (times, technicians, proof documents —
 * uploaded encrypted to Amazon's upload destination), `POST /v1/jobs/:id/complete`,
 * `POST /v1/jobs/:id/cancel`. Every call journaled; answers carry ids only.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  cancelJob,
  CloseoutError,
  completeJob,
  DOCUMENT_CONTENT_TYPES,
  MAX_DOCUMENT_BYTES,
  setFulfillment,
} from '../../src/closeout/index.ts';
import { JobSlotsError, jobSlotOffers } from '../../src/capacity/job-slots.ts';
import { DayModelError } from '../../src/capacity/index.ts';
import { getJobPreferences, JobPreferencesError, setJobPreferences } from '../../src/preferences/index.ts';
import { requireScope } from '../auth.ts';
import {
  authenticatedErrors,
  bodyErrors,
  FulfillmentResultSchema,
  JobCloseoutSchema,
  JobPreferencesSchema,
  JobSlotsSchema,
} from '../contract/index.ts';
import { boardCache } from '../board-cache.ts';
import type { ApiContext } from '../context.ts';
import { ApiError, badRequest } from '../errors.ts';
import { LocalDateSchema } from '../schemas.ts';

const UtcTime = z.iso.datetime({ offset: false, error: 'expected a UTC time like 2026-11-24T17:00:00Z' });
const Interval = z
  .object({ startTime: UtcTime, endTime: UtcTime })
  .strict()
  .refine((v) => Date.parse(v.endTime) > Date.parse(v.startTime), {
    path: ['endTime'],
    error: 'expected an end after the start',
  });
const ResourceId = z
  .string()
  .min(1, { error: 'expected a technician resource id' })
  .max(50)
  .regex(/^[A-Za-z0-9._:-]+$/, { error: 'expected a technician resource id (letters, digits, . _ : -)' });

const JobParams = z
  .object({
    id: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z0-9._:-]+$/, { error: 'expected a service job id (letters, digits, . _ : -)' }),
  })
  .strict();

const FulfillmentBody = z
  .object({
    appointmentId: z
      .string()
      .min(5, { error: 'expected an appointment id (5 to 100 characters)' })
      .max(100)
      .optional(),
    fulfillmentTime: Interval,
    estimatedArrivalTime: Interval.optional(),
    technicianIds: z.array(ResourceId).min(1).max(10).optional(),
    documents: z
      .array(
        z
          .object({
            contentType: z.enum(DOCUMENT_CONTENT_TYPES, {
              error: `expected one of ${DOCUMENT_CONTENT_TYPES.join(', ')}`,
            }),
            contentBase64: z
              .string()
              .min(4)
              .max(Math.ceil(MAX_DOCUMENT_BYTES / 3) * 4, {
                error: `expected at most ${MAX_DOCUMENT_BYTES} bytes`,
              })
              .regex(/^[A-Za-z0-9+/]+={0,2}$/, { error: 'expected base64 content' }),
          })
          .strict(),
      )
      .max(5)
      .optional(),
  })
  .strict();

const CancelBody = z
  .object({
    reasonCode: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[A-Z0-9_]+$/, { error: 'expected a cancellation reason code (A-Z, 0-9, _), e.g. V1' }),
  })
  .strict();

const PreferencesBody = z
  .object({
    required: z.array(ResourceId).max(20, { error: 'expected at most 20 technicians' }).optional(),
    excluded: z.array(ResourceId).max(100, { error: 'expected at most 100 technicians' }).optional(),
    preferred: z
      .array(
        z
          .object({
            technician: ResourceId,
            weightMinutes: z
              .number({ error: 'expected a number of minutes' })
              .positive({ error: 'expected a positive number of minutes' })
              .max(24 * 60, { error: 'expected at most 1440 minutes' }),
          })
          .strict(),
      )
      .max(20, { error: 'expected at most 20 preferred technicians' })
      .optional(),
    minSkillLevels: z
      .record(
        z
          .string()
          .min(1)
          .max(100)
          .regex(/^[A-Za-z0-9_.:-]+$/, { error: 'expected a skill name (letters, digits, _ . : -)' }),
        z
          .number({ error: 'expected a level' })
          .int({ error: 'expected a whole level' })
          .min(1, { error: 'expected a level of at least 1' })
          .max(10, { error: 'expected a level of at most 10' }),
      )
      .optional(),
  })
  .strict();

function preferencesError(err: unknown): never {
  if (err instanceof JobPreferencesError) {
    if (err.code === 'NOT_FOUND') throw new ApiError(404, 'NOT_FOUND', err.message);
    throw new ApiError(422, err.code, err.message, err.issues);
  }
  throw err;
}

/** A close-out refusal carries Amazon's status where Amazon refused (CloseoutError). */
const CLOSEOUT_ERRORS = bodyErrors(404, 409, 422, 502);

function closeoutError(err: unknown): never {
  if (err instanceof CloseoutError) {
    const amazon = err.amazon?.errors.map((e) => ({ path: `amazon.${e.code}`, message: e.message }));
    throw new ApiError(err.status, err.code, err.message, amazon);
  }
  throw err;
}

const JobSlotsQuerySchema = z
  .object({
    from: LocalDateSchema.optional(),
    days: z.coerce
      .number({ error: 'expected a number of days' })
      .int({ error: 'expected whole days' })
      .min(1, { error: 'expected at least 1 day' })
      .max(14, { error: 'expected at most 14 days' })
      .default(3),
  })
  .strict();

/** `GET /v1/jobs/:id/slots`: the job's candidate windows. */
function slotRoute(app: FastifyInstance, ctx: ApiContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/v1/jobs/:id/slots',
    {
      onRequest: requireScope('viewer'),
      schema: {
        summary: "The job's candidate windows ranked by the cost of fitting it into the current routes",
        operationId: 'getJobSlots',
        tags: ['capacity'],
        params: JobParams,
        querystring: JobSlotsQuerySchema,
        response: { 200: JobSlotsSchema, ...authenticatedErrors(404, 422) },
      },
    },
    async (request) => {
      try {
        return await jobSlotOffers(
          {
            config: ctx.config,
            store: ctx.pipelineStore,
            plans: ctx.store.plans,
            jobs: ctx.store.jobs,
            geocoder: ctx.geocoder,
            travel: ctx.travel,
            clock: ctx.clock,
          },
          ctx.marketplaceId,
          { jobId: request.params.id, from: request.query.from, days: request.query.days },
        );
      } catch (err) {
        if (err instanceof JobSlotsError && err.code === 'NOT_FOUND')
          throw new ApiError(404, 'NOT_FOUND', err.message);
        if (err instanceof JobSlotsError) throw new ApiError(422, err.code, err.message);
        if (err instanceof DayModelError) {
          if (err.code === 'STORE_NOT_LOCATED') throw new ApiError(422, err.code, err.message);
          throw badRequest(`params.id: ${err.message}`, [{ path: 'params.id', message: err.message }]);
        }
        throw err;
      }
    },
  );
}

/** Close-out: fulfilment data, completion and cancellation, each refused as Amazon refused it. */
function closeoutRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const deps = (request: { auth?: { tokenId: string } | undefined }) => ({
    client: ctx.servicesClient(),
    db: ctx.store,
    actor: `api:${request.auth?.tokenId ?? 'unknown'}`,
  });

  r.post(
    '/v1/jobs/:id/fulfillment',
    {
      onRequest: requireScope('planner'),
      // Proof documents travel base64-encoded in the body.
      bodyLimit: 8 * 1024 * 1024,
      schema: {
        summary: 'Set fulfilment data: times, technicians, proof documents (encrypted upload)',
        operationId: 'setJobFulfillment',
        tags: ['close-out'],
        params: JobParams,
        body: FulfillmentBody,
        response: { 200: FulfillmentResultSchema, ...CLOSEOUT_ERRORS },
      },
    },
    async (request) => {
      const b = request.body;
      try {
        const r = await setFulfillment(deps(request), request.params.id, {
          appointmentId: b.appointmentId,
          fulfillmentTime: b.fulfillmentTime,
          estimatedArrivalTime: b.estimatedArrivalTime,
          technicianIds: b.technicianIds,
          documents: b.documents?.map((d) => ({
            contentType: d.contentType,
            content: Buffer.from(d.contentBase64, 'base64'),
          })),
        });
        return r;
      } catch (err) {
        return closeoutError(err);
      }
    },
  );

  r.post(
    '/v1/jobs/:id/complete',
    {
      onRequest: requireScope('planner'),
      schema: {
        summary: 'Complete a service job',
        operationId: 'completeJob',
        tags: ['close-out'],
        params: JobParams,
        response: { 200: JobCloseoutSchema, ...CLOSEOUT_ERRORS },
      },
    },
    async (request) => {
      try {
        const done = await completeJob(deps(request), request.params.id);
        // The shown day changed: boards are built again (and their ETags change).
        boardCache(ctx).clear();
        return done;
      } catch (err) {
        return closeoutError(err);
      }
    },
  );

  r.post(
    '/v1/jobs/:id/cancel',
    {
      onRequest: requireScope('planner'),
      schema: {
        summary: 'Cancel a service job with a reason code',
        operationId: 'cancelJob',
        tags: ['close-out'],
        params: JobParams,
        body: CancelBody,
        response: { 200: JobCloseoutSchema, ...CLOSEOUT_ERRORS },
      },
    },
    async (request) => {
      try {
        const cancelled = await cancelJob(deps(request), request.params.id, request.body.reasonCode);
        boardCache(ctx).clear();
        return cancelled;
      } catch (err) {
        return closeoutError(err);
      }
    },
  );
}

/** The job's technician preferences, read and replaced. */
function preferenceRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/v1/jobs/:id/preferences',
    {
      onRequest: requireScope('viewer'),
      schema: {
        summary: "The job's technician preferences (required, excluded, preferred, minimum skill levels)",
        operationId: 'getJobPreferences',
        tags: ['preferences'],
        params: JobParams,
        response: { 200: JobPreferencesSchema, ...authenticatedErrors(404) },
      },
    },
    async (request) => {
      try {
        return await getJobPreferences({ store: ctx.store, config: ctx.config }, request.params.id);
      } catch (err) {
        return preferencesError(err);
      }
    },
  );

  r.put(
    '/v1/jobs/:id/preferences',
    {
      onRequest: requireScope('planner'),
      schema: {
        summary: "Replace the job's technician preferences ({} clears them); honoured by the next plan",
        operationId: 'setJobPreferences',
        tags: ['preferences'],
        params: JobParams,
        body: PreferencesBody,
        response: { 200: JobPreferencesSchema, ...bodyErrors(404, 422) },
      },
    },
    async (request) => {
      try {
        return await setJobPreferences(
          { store: ctx.store, config: ctx.config },
          request.params.id,
          request.body,
          `api:${request.auth?.tokenId ?? 'unknown'}`,
        );
      } catch (err) {
        return preferencesError(err);
      }
    },
  );
}

export async function jobRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  slotRoute(app, opts.ctx);
  closeoutRoutes(app, opts.ctx);
  preferenceRoutes(app, opts.ctx);
}
