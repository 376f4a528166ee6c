/**
 * Technician affinity rules: which technicians a job must have, must not have, or should
 * preferably have, matched by the job's ASIN, a required skill or the postal-code prefix of its
 * address. A rule may also raise the minimum skill level the job needs.
 */
import { z } from 'zod';

const resourceIds = z.array(z.string().min(1), { error: 'expected a list of technician resource ids' });

export const AffinityRuleSchema = z
  .strictObject({
    /** The job's item (scopeOfWork.asin). */
    asin: z.string({ error: 'expected an ASIN' }).min(1).optional(),
    /** One of the job's required skills. */
    skill: z.string({ error: 'expected a skill name' }).min(1).optional(),
    /** Start of the postal code of the job's address ("981" matches 98101). */
    postalCodePrefix: z.string({ error: 'expected the start of a postal code' }).min(1).optional(),
    /** One of these technicians must serve the job. */
    required: resourceIds.min(1, { error: 'expected at least one technician' }).optional(),
    /** None of these may serve it. */
    excluded: resourceIds.optional(),
    /** Wished-for technicians: missing one costs as much as this many extra minutes of driving. */
    preferred: z
      .array(
        z.strictObject({
          technician: z.string({ error: 'expected a technician resource id' }).min(1),
          weightMinutes: z
            .number({ error: 'expected a number of minutes' })
            .positive({ error: 'expected a positive number of minutes' }),
        }),
        { error: 'expected a list of { technician, weightMinutes }' },
      )
      .optional(),
    /** Minimum skill levels the job needs (technicians' skillLevels; a skill without a level is level 1). */
    minSkillLevels: z
      .record(
        z.string().min(1),
        z.number({ error: 'expected a level' }).int({ error: 'expected a whole level' }).positive({
          error: 'expected a level of at least 1',
        }),
      )
      .optional(),
  })
  .refine((r) => r.asin !== undefined || r.skill !== undefined || r.postalCodePrefix !== undefined, {
    error: 'expected at least one of asin, skill or postalCodePrefix to match jobs by',
  })
  .refine(
    (r) =>
      r.required !== undefined ||
      r.excluded !== undefined ||
      r.preferred !== undefined ||
      r.minSkillLevels !== undefined,
    { error: 'expected at least one of required, excluded, preferred or minSkillLevels' },
  );
export type AffinityRule = z.infer<typeof AffinityRuleSchema>;

/** What a job needs of its technicians, after every matching rule. */
export interface JobAffinity {
  /** Undefined = anyone; several rules' lists intersect (an empty list leaves nobody). */
  required?: string[] | undefined;
  excluded: string[];
  preferred: { technician: string; weightMinutes: number }[];
  minSkillLevels: Record<string, number>;
}

export interface AffinityJob {
  asin?: string | undefined;
  skills: readonly string[];
  postalCode: string;
}

/** Combine every rule that matches the job: all of them hold (required lists intersect). */
export function affinityFor(rules: readonly AffinityRule[], job: AffinityJob): JobAffinity {
  const out: JobAffinity = { excluded: [], preferred: [], minSkillLevels: {} };
  for (const r of rules) {
    if (r.asin !== undefined && r.asin !== job.asin) continue;
    if (r.skill !== undefined && !job.skills.includes(r.skill)) continue;
    if (r.postalCodePrefix !== undefined && !job.postalCode.startsWith(r.postalCodePrefix)) continue;
    if (r.required !== undefined) {
      const prev = out.required;
      out.required = prev === undefined ? [...r.required] : prev.filter((id) => r.required!.includes(id));
    }
    for (const id of r.excluded ?? []) if (!out.excluded.includes(id)) out.excluded.push(id);
    out.preferred.push(...(r.preferred ?? []));
    for (const [skill, level] of Object.entries(r.minSkillLevels ?? {}))
      out.minSkillLevels[skill] = Math.max(out.minSkillLevels[skill] ?? 0, level);
  }
  return out;
}
