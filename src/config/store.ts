/** A store (Amazon's schedule resource for a service area) and its appointment slot grid. */
import { z } from 'zod';
import {
  LocalTimeSchema,
  PositiveMinutesSchema,
  TimeZoneSchema,
  tryLocalTimeToMinutes,
  WEEKDAYS,
  WeekdaySchema,
} from './fields.ts';
import { LocationSchema } from './location.ts';

/** Arrival windows offered to buyers: `slotMinutes` long, one every `stepMinutes`, from start to end. */
const SlotGridSchema = z
  .strictObject({
    start: LocalTimeSchema,
    end: LocalTimeSchema,
    slotMinutes: PositiveMinutesSchema,
    /** Minutes between slot starts (default: slotMinutes, i.e. back to back). */
    stepMinutes: PositiveMinutesSchema.optional(),
    days: z.array(WeekdaySchema).default([...WEEKDAYS]),
  })
  .superRefine((grid, ctx) => {
    const start = tryLocalTimeToMinutes(grid.start);
    const end = tryLocalTimeToMinutes(grid.end);
    if (start === undefined || end === undefined) return;
    const length = end - start;
    if (length <= 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['end'],
        message: `expected end after start (${grid.start} to ${grid.end})`,
      });
    } else if (grid.slotMinutes > length) {
      ctx.addIssue({
        code: 'custom',
        path: ['slotMinutes'],
        message: `expected a slot (${grid.slotMinutes} min) that fits between ${grid.start} and ${grid.end}`,
      });
    }
  });

export const StoreSchema = z.strictObject({
  storeId: z.string({ error: 'expected the store id Amazon knows' }).min(1).max(100),
  name: z.string().min(1).optional(),
  timeZone: TimeZoneSchema,
  location: LocationSchema,
  slotGrid: SlotGridSchema.prefault({ start: '08:00', end: '18:00', slotMinutes: 120 }),
});
export type Store = z.infer<typeof StoreSchema>;
