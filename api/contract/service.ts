/** The service itself, tokens, KPIs, close-out and the solver: the smaller answers. */
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
