/**
 * Planning runs: `POST /v1/plans` (202 with the plan id), `GET /v1/plans`, `GET /v1/plans/:id`,
 * `POST /v1/plans/:id/apply` and `POST /v1/optimize-today`.
 */
import { z } from 'zod';
import { BoardViewSchema, PlanKpisSchema, RefusedCallSchema } from './board.ts';

/**
 * `partial`: planned and written back except the calls Amazon refused (stored as `failed`
 * with the code PARTIAL_WRITE_BACK; `GET /v1/plans/:id` lists them under `refused`).
 */
export const PlanStatusSchema = z.enum(['running', 'succeeded', 'partial', 'failed', 'cancelled']);
const PlanKindSchema = z.enum(['nightly', 'optimize_today', 'what_if', 'manual']);
const RunOutcomeSchema = z.enum(['succeeded', 'partial', 'nothing-to-do']);

const PlanSummarySchema = z.object({
  planId: z.string(),
  kind: PlanKindSchema,
  periodStart: z.string(),
  periodEnd: z.string(),
  storeIds: z.array(z.string()),
  status: PlanStatusSchema,
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  kpis: z.unknown().describe('The KPIs of the run (the report’s `kpis`), null while it runs'),
  failure: z.object({ code: z.string(), message: z.string().nullable() }).nullable(),
});

export const PlanListSchema = z.object({ plans: z.array(PlanSummarySchema) });

export const PlanAcceptedSchema = z
  .object({
    planId: z.string(),
    status: z.enum(['running', 'succeeded', 'partial', 'failed']),
    apply: z.boolean(),
    days: z.number().int(),
    storeIds: z.array(z.string()),
  })
  .describe('The run is started; follow it at the `location` header (GET /v1/plans/{id})');

const WriteFailureSchema = z.object({
  serviceJobId: z.string().optional(),
  operation: z.string(),
  code: z.string(),
  message: z.string(),
});

export const WriteBackDoneSchema = z.object({
  calls: z.number().int(),
  failures: z.array(WriteFailureSchema),
  inDoubt: z.number().int().describe('Calls whose outcome is unknown; reconciled before any repeat'),
});

const ReportStopSchema = z.object({
  serviceJobId: z.string(),
  arrival: z.string(),
  start: z.string(),
  end: z.string(),
  travelMinutes: z.number(),
  waitMinutes: z.number(),
  slackMinutes: z.number().optional(),
});

const ReportRouteSchema = z.object({
  routeId: z.string(),
  technicianIds: z.array(z.string()),
  day: z.string(),
  timeZone: z.string(),
  shift: z.object({ start: z.string(), end: z.string() }),
  stops: z.array(ReportStopSchema),
  breaks: z.array(z.object({ start: z.string(), end: z.string() })),
  travelMinutes: z.number(),
  serviceMinutes: z.number(),
  waitMinutes: z.number(),
  overtimeMinutes: z.number(),
  utilisationPct: z.number(),
});

/** The run's report: ids only, no personal data. */
const PlanReportSchema = z.object({
  planId: z.string(),
  generatedAt: z.string(),
  mode: z.enum(['dry-run', 'apply']),
  days: z.array(z.string()),
  storeIds: z.array(z.string()),
  kpis: PlanKpisSchema,
  routes: z.array(ReportRouteSchema),
  unassigned: z.array(
    z.object({
      serviceJobId: z.string().optional(),
      code: z.string(),
      level: z.string(),
      reason: z.string(),
    }),
  ),
  writeBack: z.object({
    planned: z.record(z.string(), z.number()),
    callsMade: z.number(),
    failures: z.array(WriteFailureSchema),
    inDoubt: z.number(),
  }),
  timingsMs: z.record(z.string(), z.number()),
});

const RunProgressSchema = z.object({
  step: z.string(),
  label: z.string(),
  value: z.number().nullable(),
  total: z.number().nullable(),
  detail: z.string().nullable(),
  notes: z.array(z.string()),
});

const JournalSummarySchema = z.object({
  entries: z.number().int(),
  byState: z.record(z.string(), z.number()),
  byOperation: z.record(z.string(), z.record(z.string(), z.number())),
});

/** Queue mode: one partition (a store × horizon) of a plan run, as the workers left it. */
const PlanPartitionSchema = z.object({
  storeId: z.string(),
  planId: z.string().nullable(),
  status: z.string(),
  attempts: z.number().int(),
  progress: z.unknown().describe('While it runs: its step and count'),
  result: z.unknown(),
  error: z.unknown(),
  updatedAt: z.string(),
});

export const PlanDetailSchema = PlanSummarySchema.extend({
  partitions: z
    .array(PlanPartitionSchema)
    .optional()
    .describe('Queue mode: the run’s partitions, one per store'),
  refused: z
    .array(RefusedCallSchema)
    .optional()
    .describe('The write-back calls Amazon refused, with its reason (a `partial` plan)'),
  periodStart: z.string().optional(),
  periodEnd: z.string().optional(),
  finishedAt: z.string().nullable().optional(),
  kpis: z.unknown().optional(),
  failure: PlanSummarySchema.shape.failure.optional(),
  outcome: RunOutcomeSchema.nullable().optional(),
  progress: RunProgressSchema.nullable().describe('While the run goes on: its step and count'),
  report: PlanReportSchema.nullable(),
  journal: JournalSummarySchema,
});

export const PlanAppliedSchema = z.object({
  planId: z.string(),
  applied: z.literal(true),
  outcome: RunOutcomeSchema,
  writeBack: WriteBackDoneSchema,
});

const TodayDiffSchema = z.object({
  rescheduled: z.array(z.object({ serviceJobId: z.string(), from: z.string(), to: z.string() })),
  reassigned: z.array(
    z.object({ serviceJobId: z.string(), from: z.array(z.string()), to: z.array(z.string()) }),
  ),
  added: z.array(
    z.object({ serviceJobId: z.string(), start: z.string(), technicianIds: z.array(z.string()) }),
  ),
  unassigned: z.array(z.object({ serviceJobId: z.string(), code: z.string(), reason: z.string() })),
  unchanged: z
    .number()
    .int()
    .describe('Visits kept as Amazon holds them, a sick technician’s visits under way included'),
  actionItems: z
    .array(
      z.object({
        serviceJobId: z.string(),
        action: z.literal('BUYER_NEEDS_NEW_TIME'),
        text: z.string(),
        reason: z.string(),
      }),
    )
    .describe(
      'What the dispatcher must do: booked visits the plan cannot serve keep their time at Amazon with no technician assigned, and the buyer needs a new time',
    ),
});
export type TodayDiff = z.infer<typeof TodayDiffSchema>;

export const OptimizeResultSchema = z.object({
  planId: z.string(),
  applied: z.boolean(),
  outcome: RunOutcomeSchema,
  date: z.string(),
  board: BoardViewSchema,
  diff: TodayDiffSchema,
  writeBack: z.union([
    WriteBackDoneSchema,
    z
      .object({ planned: z.record(z.string(), z.number()) })
      .describe('A dry run: the write-back calls it would make, by operation'),
  ]),
  elapsedMs: z.number(),
  timingsMs: z.record(z.string(), z.number()),
});
export type OptimizeResult = z.infer<typeof OptimizeResultSchema>;
export type PlanDetail = z.infer<typeof PlanDetailSchema>;
