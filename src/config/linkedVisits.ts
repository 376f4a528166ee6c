/**
 * Two-person jobs whose skills are split across the members (a lead with the job's skills and a
 * helper), and linked visits: two jobs of the same product order or the same address, the second
 * starting a while after the first ends (delivery, then installation), optionally by the same
 * technician.
 */
import { z } from 'zod';

const skillId = z.string({ error: 'expected a skill id' }).min(1, { error: 'expected a skill id' });

export const TwoPersonSplitRuleSchema = z.strictObject({
  /** Jobs that need this skill need two people: a lead with every skill the job needs… */
  skill: skillId,
  /** …and a helper who needs only these (none = anyone on shift). */
  helperSkills: z.array(skillId, { error: 'expected a list of skill ids' }).default([]),
});
export type TwoPersonSplitRule = z.output<typeof TwoPersonSplitRuleSchema>;

/** Which jobs a side of a linked-visit rule matches: by one required skill or by the job's ASIN. */
const VisitMatchSchema = z
  .strictObject({
    skill: skillId.optional(),
    asin: z.string({ error: 'expected an ASIN' }).min(1, { error: 'expected an ASIN' }).optional(),
  })
  .refine((m) => (m.skill === undefined) !== (m.asin === undefined), {
    error: 'expected exactly one of skill or asin',
  });

const minutes = z
  .number({ error: 'expected a number of minutes' })
  .int({ error: 'expected whole minutes' })
  .nonnegative({ error: 'expected 0 or more minutes' })
  .max(7 * 24 * 60, { error: 'expected at most a week (10080 minutes)' });

export const LinkedVisitRuleSchema = z
  .strictObject({
    /** The visit that comes first (the delivery). */
    first: VisitMatchSchema,
    /** The visit that follows it (the installation). */
    then: VisitMatchSchema,
    /** What joins the two jobs: a shared product order id, or the same service address. */
    by: z.enum(['order', 'address'], { error: 'expected "order" or "address"' }).default('order'),
    /** `then` starts at least this many minutes after `first` ends. */
    minGapMinutes: minutes.default(0),
    /** …and at most this many (absent = any time later in the plan). */
    maxGapMinutes: minutes.optional(),
    /** Both visits by the same technician (so on the same day). */
    sameTechnician: z.boolean({ error: 'expected true or false' }).default(false),
  })
  .superRefine((rule, ctx) => {
    if (rule.maxGapMinutes !== undefined && rule.maxGapMinutes < rule.minGapMinutes)
      ctx.addIssue({
        code: 'custom',
        path: ['maxGapMinutes'],
        message: `expected at least minGapMinutes (${rule.minGapMinutes})`,
      });
    if (rule.first.skill === rule.then.skill && rule.first.asin === rule.then.asin)
      ctx.addIssue({
        code: 'custom',
        path: ['then'],
        message: 'expected a different skill or ASIN than first (a job is not linked to itself)',
      });
  });
export type LinkedVisitRule = z.output<typeof LinkedVisitRuleSchema>;

/** The skill ids a linked-visit side names, for cross-checks against the two-person rules. */
export function linkedSkills(rule: LinkedVisitRule): string[] {
  return [rule.first.skill, rule.then.skill].filter((s): s is string => s !== undefined);
}
