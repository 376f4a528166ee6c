/**
 * The crews and planning configuration: technicians, crews, stores, service-duration rules
 * and planning settings. The zod schema is the single source of truth; types are inferred.
 */
import { z } from 'zod';
import { AffinityRuleSchema } from './affinity.ts';
import { CrewSchema } from './crew.ts';
import { PlanningSettingsSchema } from './planningSettings.ts';
import { ServiceDurationRuleSchema } from './serviceDuration.ts';
import { StoreSchema } from './store.ts';
import { TechnicianSchema } from './technician.ts';

export const PlanningConfigSchema = z
  .strictObject({
    version: z.literal(1, { error: 'expected version: 1' }).default(1),
    technicians: z.array(TechnicianSchema, { error: 'expected a list of technicians' }),
    crews: z.array(CrewSchema).default([]),
    /** Required, excluded and preferred technicians and minimum skill levels by ASIN, skill or postal code. */
    affinity: z.array(AffinityRuleSchema).default([]),
    stores: z.array(StoreSchema, { error: 'expected a list of stores' }),
    serviceDurations: z.array(ServiceDurationRuleSchema).default([]),
    planning: PlanningSettingsSchema.prefault({}),
  })
  .superRefine((config, ctx) => {
    const technicianIds = new Map<string, number>();
    config.technicians.forEach((t, i) => {
      const first = technicianIds.get(t.resourceId);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['technicians', i, 'resourceId'],
          message: `duplicate resource id ${JSON.stringify(t.resourceId)} (also technicians[${first}]); expected each technician once`,
        });
      } else technicianIds.set(t.resourceId, i);
    });

    config.affinity.forEach((rule, i) => {
      const named: [string, string[]][] = [
        ['required', rule.required ?? []],
        ['excluded', rule.excluded ?? []],
        ['preferred', (rule.preferred ?? []).map((p) => p.technician)],
      ];
      for (const [field, ids] of named) {
        ids.forEach((id, k) => {
          if (technicianIds.has(id)) return;
          ctx.addIssue({
            code: 'custom',
            path: ['affinity', i, field, k, ...(field === 'preferred' ? ['technician'] : [])],
            message: `unknown technician ${JSON.stringify(id)}; expected a resource id from technicians`,
          });
        });
      }
    });

    const held = new Set(
      config.technicians.flatMap((t) => [...t.skills, ...Object.keys(t.skillLevels ?? {})]),
    );
    config.planning.twoPersonSplit.forEach((rule, i) => {
      rule.helperSkills.forEach((skill, k) => {
        if (held.has(skill)) return;
        ctx.addIssue({
          code: 'custom',
          path: ['planning', 'twoPersonSplit', i, 'helperSkills', k],
          message: `no technician has skill ${JSON.stringify(skill)}, so no helper could ever be found; expected a skill listed under a technician's skills`,
        });
      });
    });

    const storeIds = new Map<string, number>();
    config.stores.forEach((s, i) => {
      const first = storeIds.get(s.storeId);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['stores', i, 'storeId'],
          message: `duplicate store id ${JSON.stringify(s.storeId)} (also stores[${first}])`,
        });
      } else storeIds.set(s.storeId, i);
    });

    config.technicians.forEach((t, i) => {
      t.stores?.forEach((storeId, j) => {
        if (!storeIds.has(storeId)) {
          ctx.addIssue({
            code: 'custom',
            path: ['technicians', i, 'stores', j],
            message: `unknown store ${JSON.stringify(storeId)}; expected one of the storeIds under stores`,
          });
        }
      });
    });

    const crewIds = new Map<string, number>();
    const crewOf = new Map<string, number>();
    config.crews.forEach((crew, i) => {
      const first = crewIds.get(crew.id);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['crews', i, 'id'],
          message: `duplicate crew id ${JSON.stringify(crew.id)} (also crews[${first}])`,
        });
      } else crewIds.set(crew.id, i);
      if (technicianIds.has(crew.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['crews', i, 'id'],
          message: `crew id ${JSON.stringify(crew.id)} is also a technician's resource id; expected a distinct id`,
        });
      }
      crew.members.forEach((member, j) => {
        const other = crewOf.get(member);
        if (other !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['crews', i, 'members', j],
            message: `technician ${JSON.stringify(member)} is already in crews[${other}]; expected each technician in one crew at most`,
          });
        } else crewOf.set(member, i);
        if (!technicianIds.has(member)) {
          ctx.addIssue({
            code: 'custom',
            path: ['crews', i, 'members', j],
            message: `unknown crew member ${JSON.stringify(member)}; expected a resource id listed under technicians`,
          });
        }
      });
    });
  });

/** The configuration after validation and defaults. */
export type PlanningConfig = z.output<typeof PlanningConfigSchema>;
/** What a configuration file may contain (defaults not yet applied); for writers of config files. */
export type PlanningConfigInput = z.input<typeof PlanningConfigSchema>;
