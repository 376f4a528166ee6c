/**
 * How long a job takes on site. Rules by ASIN win over rules by skill; without a rule the
 * appointment's own duration is used, then the configured default.
 */
import { z } from 'zod';
import { PositiveMinutesSchema } from './fields.ts';

export const ServiceDurationRuleSchema = z
  .strictObject({
    asin: z.string().min(1).optional(),
    skill: z.string().min(1).optional(),
    /** Minutes for the first unit. */
    minutes: PositiveMinutesSchema,
    /** Minutes for each further unit of the quantity (default: the same as the first). */
    perAdditionalUnitMinutes: z.number().int().nonnegative().optional(),
  })
  .refine((rule) => (rule.asin === undefined) !== (rule.skill === undefined), {
    error: 'expected exactly one of asin or skill',
  });
export type ServiceDurationRule = z.infer<typeof ServiceDurationRuleSchema>;

export interface JobWork {
  asin?: string | undefined;
  quantity?: number | undefined;
  requiredSkills?: readonly string[] | undefined;
  /** The active appointment's (or preferred time's) duration. */
  appointmentMinutes?: number | undefined;
}

type ServiceDurationSource = 'asin-rule' | 'skill-rule' | 'appointment' | 'default';

export interface ServiceDuration {
  minutes: number;
  source: ServiceDurationSource;
}

export function resolveServiceDuration(
  rules: readonly ServiceDurationRule[],
  work: JobWork,
  defaultMinutes: number,
): ServiceDuration {
  const quantity = Math.max(1, Math.floor(work.quantity ?? 1));
  const byAsin = work.asin === undefined ? undefined : rules.find((r) => r.asin === work.asin);
  if (byAsin) return { minutes: applyQuantity(byAsin, quantity), source: 'asin-rule' };
  const skills = new Set(work.requiredSkills ?? []);
  const bySkill = rules.filter((r) => r.skill !== undefined && skills.has(r.skill));
  if (bySkill.length > 0) {
    // Several skills on one job: the longest rule governs (the work is not split across people).
    return { minutes: Math.max(...bySkill.map((r) => applyQuantity(r, quantity))), source: 'skill-rule' };
  }
  if (work.appointmentMinutes !== undefined && work.appointmentMinutes > 0) {
    return { minutes: work.appointmentMinutes, source: 'appointment' };
  }
  return { minutes: defaultMinutes, source: 'default' };
}

function applyQuantity(rule: ServiceDurationRule, quantity: number): number {
  return rule.minutes + (quantity - 1) * (rule.perAdditionalUnitMinutes ?? rule.minutes);
}
