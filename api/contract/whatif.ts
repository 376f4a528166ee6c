/** What-if runs: `POST /v1/what-if` (202 with the run id) and `GET /v1/what-if/:id`. */
import { z } from 'zod';
import { BoardViewSchema } from './board.ts';

const WhatIfStatusSchema = z.enum(['queued', 'preparing', 'running', 'succeeded', 'failed']);

export const WhatIfAcceptedSchema = z
  .object({ id: z.string(), status: WhatIfStatusSchema, location: z.string() })
  .describe('The simulation is started; follow it at `location`');

/** A KPI over the sampled days. */
const DistributionSchema = z.object({
  mean: z.number(),
  min: z.number(),
  p10: z.number(),
  median: z.number(),
  p90: z.number(),
  max: z.number(),
});
export type Distribution = z.infer<typeof DistributionSchema>;

const WhatIfSummarySchema = z.object({
  servedPct: DistributionSchema,
  travelHours: DistributionSchema,
  utilisationPct: DistributionSchema,
  overtimeHours: DistributionSchema,
  unservedByReason: z.record(z.string(), DistributionSchema),
  capacityPerSlot: z.record(z.string(), DistributionSchema),
  staffingTechnicians: DistributionSchema.nullable(),
  staffingBySkill: z.record(z.string(), z.number()),
});
export type WhatIfSummary = z.infer<typeof WhatIfSummarySchema>;

const StaffingBoundSchema = z.object({
  feasible: z.boolean(),
  targetJobs: z.number(),
  jobs: z.number(),
  technicians: z.number().nullable(),
  byProfile: z.array(z.object({ skills: z.array(z.string()), technicians: z.number() })),
  bySkill: z.record(z.string(), z.number()),
});

const WhatIfDaySchema = z.object({
  sample: z.number().int(),
  day: z.string(),
  jobs: z.number(),
  served: z.number(),
  servedPct: z.number(),
  unservedByReason: z.record(z.string(), z.number()),
  travelHours: z.number(),
  serviceHours: z.number(),
  overtimeHours: z.number(),
  utilisationPct: z.number(),
  technicians: z.number(),
  capacityPerSlot: z.record(z.string(), z.number()),
  staffing: StaffingBoundSchema,
  carriedOver: z.boolean(),
});

const StaffingStepSchema = z.object({
  technicians: z.number().int(),
  servedPct: DistributionSchema,
  daysMeeting: z.number().int(),
  met: z.boolean(),
});

const StaffingAnswerSchema = z
  .object({
    profile: z.object({ like: z.string(), skills: z.array(z.string()) }),
    percentile: z.enum(['p10', 'median', 'p90']),
    targetServedPct: z.number(),
    samples: z.number().int(),
    iterations: z.number().int(),
    maxSteps: z.number().int(),
    daysNeeded: z.number().int(),
    lowerBound: z
      .object({ technicians: z.number().int().nullable(), perDay: z.array(z.number().int().nullable()) })
      .describe(
        'The LP’s lower bound on N (ignores travel, windows and visit order): no fewer can meet the target; not the answer',
      ),
    technicians: z
      .number()
      .int()
      .nullable()
      .describe('N: the fewest technicians of the profile found to meet the target on the simulation'),
    servedPct: DistributionSchema.nullable().describe('Served share with N over the sampled days'),
    reached: z.boolean(),
    smallest: z.boolean(),
    otherTechnicians: DistributionSchema,
    steps: z.array(StaffingStepSchema),
    note: z.string().nullable(),
  })
  .describe(
    'N technicians of the profile serve the target at the percentile over the sampled days, planned by the solver',
  );

const VariantSchema = z.object({ summary: WhatIfSummarySchema, days: z.array(WhatIfDaySchema) });

const WhatIfResultSchema = z.object({
  samples: z.number().int(),
  seed: z.number().int(),
  iterations: z.number().int(),
  targetServedPct: z.number(),
  capacitySkill: z.string().nullable(),
  base: VariantSchema,
  scenario: VariantSchema,
  representative: z
    .object({ sample: z.number().int(), day: z.string(), base: BoardViewSchema, scenario: BoardViewSchema })
    .nullable()
    .describe(
      'One sampled day planned for base and scenario in the board’s shape; null with samplePlans: false',
    ),
  staffing: StaffingAnswerSchema.nullable().describe('The staffing search; null with staffing: false'),
});
export type WhatIfResult = z.infer<typeof WhatIfResultSchema>;

export const WhatIfRunSchema = z.object({
  id: z.string(),
  status: WhatIfStatusSchema,
  progress: z.object({ done: z.number().int(), total: z.number().int() }),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  result: WhatIfResultSchema.nullable(),
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }).nullable(),
  partitions: z
    .object({
      total: z.number().int(),
      succeeded: z.number().int(),
      running: z.number().int(),
      failed: z.number().int(),
    })
    .optional()
    .describe('Queue mode: the run’s partitions (preparation, one per sampled day, the merge) by status'),
});
export type WhatIfRun = z.infer<typeof WhatIfRunSchema>;
