/** The service itself, tokens, KPIs, close-out and the solver: the smaller answers. */
import { PlanKpisSchema } from './board.ts';
import { z } from 'zod';

export const HealthSchema = z.object({
  status: z.literal('ok'),
  uptimeSeconds: z.number(),
  solver: z.object({ threads: z.number(), running: z.number(), queued: z.number() }),
});

const TokenScopeSchema = z.enum(['viewer', 'planner', 'admin']);

export const SessionSchema = z.object({ scope: TokenScopeSchema, name: z.string().nullable() });

export const TokenListSchema = z.object({
  tokens: z.array(
    z.object({
      tokenId: z.string(),
      sellerId: z.string().nullable(),
      name: z.string().nullable(),
      scope: TokenScopeSchema,
      createdAt: z.string(),
      revokedAt: z.string().nullable(),
    }),
  ),
});

const ShareSchema = z.object({ count: z.number(), sharePct: z.number().nullable() });

const KpisSchema = z.object({
  appointments: z.number(),
  completed: z.number(),
  cancelled: z.number(),
  fulfilmentRecorded: z.number(),
  fulfilmentSources: z
    .object({
      amazon: z.number().describe("Proof of appointment in Amazon's job data"),
      journal: z.number().describe("This engine's close-out journal only"),
    })
    .describe('Where the fulfilments counted were read: Amazon where its job data carries them'),
  completedFulfilmentUnknown: z
    .number()
    .describe('Jobs completed elsewhere whose fulfilment neither source shows: not counted as breaks'),
  onTimeStarts: ShareSchema,
  completedWithinWindow: ShareSchema,
  noShows: z.number(),
  fulfilmentBreaks: z.object({
    completedWithoutFulfilment: z.number(),
    fulfilledNotCompleted: z.number(),
    technicianMismatch: z.number(),
    total: z.number(),
  }),
  plannedRoutes: z.number(),
  shiftHours: z.number(),
  serviceHours: z.number(),
  travelHours: z.number(),
  utilisationPct: z.number().nullable(),
  travelSharePct: z.number().nullable(),
  plan: PlanKpisSchema.describe("The plans' KPIs for the period, as the run's report computes them"),
});

export const KpiResultSchema = z.object({
  storeId: z.string(),
  from: z.string(),
  to: z.string(),
  timeZone: z.string(),
  generatedAt: z.string(),
  store: KpisSchema,
  technicians: z.array(KpisSchema.extend({ technicianId: z.string() })),
});

/** One job's technician preferences, as stored (every field optional; `{}` = none). */
const JobPreferenceSetSchema = z.object({
  required: z.array(z.string()).optional().describe('One of these technicians must serve the job'),
  excluded: z.array(z.string()).optional().describe('None of these may serve it'),
  preferred: z
    .array(z.object({ technician: z.string(), weightMinutes: z.number() }))
    .optional()
    .describe('Wished-for technicians: missing one costs as much as this many minutes of driving'),
  minSkillLevels: z.record(z.string(), z.number()).optional().describe('Minimum level per skill'),
});

export const JobPreferencesSchema = z.object({
  serviceJobId: z.string(),
  preferences: JobPreferenceSetSchema,
  updatedAt: z.string().nullable().describe('When they were last set; null while the job has none'),
  updatedBy: z.string().nullable().describe('Who set them (`api:<token id>`)'),
});

export const JobCloseoutSchema = z.object({
  serviceJobId: z.string(),
  planId: z.string().describe('The journal entry of the call'),
});

export const FulfillmentResultSchema = JobCloseoutSchema.extend({
  appointmentId: z.string(),
  documents: z.array(
    z.object({
      uploadDestinationId: z.string(),
      contentType: z.string(),
      contentLength: z.number(),
      contentSha256: z.string(),
    }),
  ),
});

export const SolveResultSchema = z.object({
  format: z.enum(['fieldplan', 'vroom']),
  warnings: z.array(z.string()),
  solution: z
    .unknown()
    .describe("The solution in the request's format (docs/problem-format.md, or VROOM's output)"),
});
