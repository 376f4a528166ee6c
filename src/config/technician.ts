/** A technician as the planning configuration describes them: skills, home base, hours. */
import { z } from 'zod';
import {
  IsoDateSchema,
  LocalTimeSchema,
  PositiveMinutesSchema,
  TimeZoneSchema,
  tryLocalTimeToMinutes,
  WEEKDAYS,
} from './fields.ts';
import { LocationSchema } from './location.ts';
import { TerritorySchema } from './territory.ts';

/**
 * Working hours on one day, local time. A shift that ends on the next day (a night shift)
 * must say so with `crossesMidnight: true`, so that a typo like "17:00"→"07:00" is caught.
 */
const ShiftSchema = z
  .strictObject({
    start: LocalTimeSchema,
    end: LocalTimeSchema,
    crossesMidnight: z.boolean().optional(),
  })
  .superRefine((shift, ctx) => {
    const start = tryLocalTimeToMinutes(shift.start);
    const end = tryLocalTimeToMinutes(shift.end);
    if (start === undefined || end === undefined) return;
    if (shift.crossesMidnight === true) {
      if (end >= start) {
        ctx.addIssue({
          code: 'custom',
          path: ['end'],
          message: `a shift with crossesMidnight ends the next day, so end (${shift.end}) must be before start (${shift.start})`,
        });
      }
    } else if (end <= start) {
      ctx.addIssue({
        code: 'custom',
        path: ['end'],
        message: `expected end after start (${shift.start} to ${shift.end}); for a night shift set crossesMidnight: true`,
      });
    }
  });
export type Shift = z.infer<typeof ShiftSchema>;

/** Per weekday; a missing or null day is a day off. */
const WeeklyShiftsSchema = z.strictObject(
  Object.fromEntries(WEEKDAYS.map((day) => [day, ShiftSchema.nullable().optional()])) as Record<
    (typeof WEEKDAYS)[number],
    z.ZodOptional<z.ZodNullable<typeof ShiftSchema>>
  >,
);

/**
 * A departure from the weekly pattern: a day (or inclusive date range `date`..`to`) off,
 * or changed hours on those days.
 */
const ShiftExceptionSchema = z
  .strictObject({
    date: IsoDateSchema,
    /** Last day of a range, inclusive (e.g. a week of vacation). */
    to: IsoDateSchema.optional(),
    off: z.literal(true, { error: 'expected off: true (or give changed hours in shift)' }).optional(),
    shift: ShiftSchema.optional(),
    reason: z.string().optional(),
  })
  .superRefine((exception, ctx) => {
    if ((exception.off === true) === (exception.shift !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'expected exactly one of off: true or shift: {start, end}',
      });
    }
    // Plain string order is date order for "YYYY-MM-DD".
    if (exception.to !== undefined && exception.to < exception.date) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `expected to (${exception.to}) on or after date (${exception.date})`,
      });
    }
  });
export type ShiftException = z.infer<typeof ShiftExceptionSchema>;

/** The lunch break: `minutes` long, taken entirely between `earliest` and `latest` local time. */
const LunchSchema = z
  .strictObject({
    earliest: LocalTimeSchema,
    latest: LocalTimeSchema,
    minutes: PositiveMinutesSchema,
  })
  .superRefine((lunch, ctx) => {
    const earliest = tryLocalTimeToMinutes(lunch.earliest);
    const latest = tryLocalTimeToMinutes(lunch.latest);
    if (earliest === undefined || latest === undefined) return;
    if (latest - earliest < lunch.minutes) {
      ctx.addIssue({
        code: 'custom',
        path: ['latest'],
        message: `expected a lunch window (${lunch.earliest} to ${lunch.latest}) at least ${lunch.minutes} minutes long`,
      });
    }
  });

export const TechnicianSchema = z.strictObject({
  /** The resource id Amazon knows this technician by (assignAppointmentResources). */
  resourceId: z.string({ error: 'expected the resource id Amazon knows' }).min(1).max(50),
  name: z.string({ error: 'expected a display name' }).min(1),
  skills: z.array(z.string().min(1), { error: 'expected a list of skill names' }).default([]),
  /** Stores this technician works for (default: all stores). */
  stores: z.array(z.string().min(1)).optional(),
  home: LocationSchema,
  timeZone: TimeZoneSchema,
  shifts: WeeklyShiftsSchema,
  exceptions: z.array(ShiftExceptionSchema).default([]),
  lunch: LunchSchema.optional(),
  maxHoursPerDay: z
    .number({ error: 'expected a number of hours' })
    .positive({ error: 'expected a positive number of hours' })
    .max(24, { error: 'expected at most 24 hours' })
    .optional(),
  territory: TerritorySchema.optional(),
  /** Level per skill (a skill listed here counts as had; a skill only in `skills` is level 1). */
  skillLevels: z
    .record(
      z.string().min(1),
      z.number({ error: 'expected a level' }).int({ error: 'expected a whole level' }).positive({
        error: 'expected a level of at least 1',
      }),
    )
    .optional(),
  /** Service-duration multiplier per skill: 0.8 = 20 % faster than the rule says. */
  skillDurationFactor: z
    .record(z.string().min(1), z.number().positive({ error: 'expected a positive multiplier' }))
    .optional(),
});
export type Technician = z.infer<typeof TechnicianSchema>;

/**
 * Service-duration multiplier of a technician for a job needing `skills`: the slowest factor
 * among the skills that have one (the job is done when its slowest part is), default 1.
 */
export function durationFactor(technician: Technician, skills: readonly string[]): number {
  const factors = skills
    .map((skill) => technician.skillDurationFactor?.[skill])
    .filter((f): f is number => f !== undefined);
  return factors.length === 0 ? 1 : Math.max(...factors);
}
