/**
 * The request of a what-if run, as `POST /v1/what-if` takes it and `fieldplan whatif` reads it
 * from a file: the store, the base (a date or a week of history), the changes and the sampling.
 * A refusal names the field and what is expected.
 */
import { z } from 'zod';
import { WEEKDAYS } from '../src/config/index.ts';
import { LocalDateSchema, StoreIdSchema } from './schemas.ts';

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

export const WhatIfRequestSchema = z
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
