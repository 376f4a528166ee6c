/** Settings of a planning run: horizon, freeze, objective weights, solver budget, readings. */
import { z } from 'zod';
import { linkedSkills, LinkedVisitRuleSchema, TwoPersonSplitRuleSchema } from './linkedVisits.ts';

export const APPOINTMENT_TIME_READINGS = ['arrival-window', 'service-interval'] as const;
const RESOURCE_READINGS = ['per-technician', 'per-store'] as const;

const ObjectiveWeightsSchema = z.strictObject({
  /** What travel cost measures. */
  travel: z.enum(['duration', 'distance']).default('duration'),
  perHourTravel: z.number().nonnegative().default(1),
  perHourWork: z.number().nonnegative().default(0),
  perHourOvertime: z.number().nonnegative().default(0),
  /** Cost of leaving one job (priority 1) unplanned; default far above any route cost. */
  unassignedPenalty: z.number().positive().optional(),
  /** Late arrival allowed and priced; absent = appointment windows are hard. */
  lateness: z
    .strictObject({
      maxMinutes: z.number().nonnegative(),
      costPerMinute: z.number().positive(),
    })
    .optional(),
  /**
   * Workload balance across a store-day's technicians: `weight` per hour (measure 'work') or per
   * job ('jobs') of deviation from the mean, in the unit of travel cost; absent = no balance.
   */
  balance: z
    .strictObject({
      measure: z.enum(['work', 'jobs']).default('work'),
      weight: z.number().nonnegative({ error: 'expected a weight of 0 or more' }),
    })
    .optional(),
  /** Everyone called in works (travel + service) at least this many hours, or is not called in. */
  minWorkHours: z.number().nonnegative().max(24, { error: 'expected at most 24 hours' }).optional(),
});

const PriorityWeightsSchema = z.strictObject({
  /** Weight of every job. */
  base: z.number().positive({ error: 'expected a positive base priority' }).default(1),
  /** Added for a Prime member's job. */
  prime: z.number().nonnegative().default(1),
  /** Added per whole day the job has waited since it was created, up to `maxAgeDays`. */
  perDayWaiting: z.number().nonnegative().default(0.1),
  maxAgeDays: z.number().int().nonnegative().default(14),
  /** Added when an associated item's delivery promise falls inside the planned days. */
  promisedInHorizon: z.number().nonnegative().default(2),
});

const TravelSettingsSchema = z.strictObject({
  /** Road distance ÷ great-circle distance for the default travel model. */
  roadFactor: z.number().min(1, { error: 'expected a road factor of at least 1' }).default(1.3),
  /** Average speed for the default travel model, km/h. */
  speedKmh: z.number().positive({ error: 'expected a positive speed in km/h' }).default(40),
  /** OSRM server base URL; when set, travel times come from its table service. */
  osrmUrl: z.url({ error: 'expected an http(s) URL of an OSRM server' }).optional(),
});
export type TravelSettings = z.infer<typeof TravelSettingsSchema>;

const GeocodingSettingsSchema = z.strictObject({
  /**
   * A Nominatim server for street-level geocoding, tried before the postal-code centroid.
   * Buyer addresses are sent to it: use a self-hosted instance.
   */
  nominatimUrl: z.url({ error: 'expected an http(s) URL of a Nominatim server' }).optional(),
  userAgent: z.string().min(1).default('fieldplan'),
  /** Minimum milliseconds between geocoding requests (Nominatim's public policy: 1000). */
  minIntervalMs: z.number().int().nonnegative().default(1000),
});
export type GeocodingSettings = z.infer<typeof GeocodingSettingsSchema>;

export const PlanningSettingsSchema = z
  .strictObject({
    /** Days planned from the first planned day (1 = just tomorrow, or just today). */
    horizonDays: z.number().int().min(1).max(60).default(1),
    /** Work starting within this many minutes from now is frozen (not moved). */
    freezeMinutes: z.number().int().nonnegative().default(60),
    solverBudgetSeconds: z.number().positive().max(3600).default(10),
    /**
     * How an appointment's start and duration are read: `arrival-window` = the technician
     * must arrive inside [start, start + duration] and the service duration comes from the rules;
     * `service-interval` = the work itself fills the interval (arrive at start).
     */
    appointmentTime: z.enum(APPOINTMENT_TIME_READINGS).default('arrival-window'),
    /** Whose resource id schedules and reservations are written for. */
    resources: z.enum(RESOURCE_READINGS).default('per-technician'),
    /** Service minutes when neither a rule nor the appointment gives a duration. */
    defaultServiceMinutes: z.number().int().positive().default(60),
    /**
     * Jobs that need any of these skills need two technicians on site; only a crew (see
     * `crews`) can serve them.
     */
    twoTechnicianSkills: z.array(z.string().min(1, { error: 'expected a skill id' })).default([]),
    /**
     * Plan a job longer than one day's work in parts on consecutive working days of one
     * technician or crew (docs/planning-run.md). Off by default: such a job is then left
     * unplanned with its reason, as before.
     */
    multiDayVisits: z.boolean({ error: 'expected true or false' }).default(false),
    /**
     * Two-person jobs whose members need different skills: a job needing `skill` is served by a
     * lead with all its skills and a helper with `helperSkills`, each on their own route,
     * starting together (never by a crew).
     */
    twoPersonSplit: z.array(TwoPersonSplitRuleSchema).default([]),
    /** Linked visits: a job follows another of the same order or address, within a gap. */
    linkedVisits: z.array(LinkedVisitRuleSchema).default([]),
    /**
     * Service-duration multiplier by skill and technician level (`{ HVAC_INSTALL: { "3": 0.8 } }`:
     * level-3 technicians take 80 % of the time). A technician's own skillDurationFactor for the
     * skill wins; a level without an entry takes the nearest lower level's, else 1.
     */
    skillLevelDurationFactor: z
      .record(
        z.string().min(1),
        z
          .record(z.string(), z.number().positive({ error: 'expected a positive multiplier' }))
          .superRefine((byLevel, ctx) => {
            for (const key of Object.keys(byLevel))
              if (!/^[1-9][0-9]*$/.test(key))
                ctx.addIssue({
                  code: 'custom',
                  path: [key],
                  message: `expected a skill level (1, 2, …) as the key, got ${JSON.stringify(key)}`,
                });
          }),
      )
      .default({}),
    /**
     * Minutes each technician (and crew) may work past the shift's end per day, priced by
     * `objective.perHourOvertime`; 0 = shifts end on time.
     */
    overtime: z
      .number()
      .int({ error: 'expected whole minutes' })
      .nonnegative()
      .max(12 * 60, { error: 'expected at most 720 minutes of overtime per day' })
      .default(0),
    /**
     * Prefer the technician who served the earlier job of the same product order (the delivery
     * before the installation): missing them costs as much as `weightMinutes` of driving. Jobs
     * completed within `lookbackDays` count. Absent = off.
     */
    previousTechnician: z
      .strictObject({
        weightMinutes: z
          .number({ error: 'expected a number of minutes' })
          .positive({ error: 'expected a positive number of minutes' }),
        lookbackDays: z
          .number({ error: 'expected a number of days' })
          .int({ error: 'expected whole days' })
          .min(1, { error: 'expected at least 1 day' })
          .max(730, { error: 'expected at most 730 days' })
          .default(90),
      })
      .optional(),
    /** How much leaving a job unplanned weighs: a base, plus Prime, age and a delivery promise. */
    priority: PriorityWeightsSchema.prefault({}),
    objective: ObjectiveWeightsSchema.prefault({}),
    travel: TravelSettingsSchema.prefault({}),
    geocoding: GeocodingSettingsSchema.prefault({}),
  })
  .superRefine((settings, ctx) => {
    checkTwoPersonRules(settings, ctx);
    // A price for overtime nobody may work would be ignored: refuse it rather than plan as if it were not there.
    if (settings.objective.perHourOvertime > 0 && settings.overtime === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['objective', 'perHourOvertime'],
        message:
          'prices overtime, but planning.overtime allows none; set planning.overtime (minutes per technician and day) or remove perHourOvertime',
      });
    }
  });

/** A skill is two-person one way only, and "same technician" cannot hold for a two-person visit. */
function checkTwoPersonRules(
  settings: {
    twoTechnicianSkills: string[];
    twoPersonSplit: { skill: string }[];
    linkedVisits: Parameters<typeof linkedSkills>[0][];
  },
  ctx: z.RefinementCtx,
): void {
  settings.twoPersonSplit.forEach((rule, i) => {
    if (settings.twoTechnicianSkills.includes(rule.skill))
      ctx.addIssue({
        code: 'custom',
        path: ['twoPersonSplit', i, 'skill'],
        message: `skill ${JSON.stringify(rule.skill)} is also in twoTechnicianSkills; expected it in one of the two`,
      });
  });
  const twoPerson = new Set([
    ...settings.twoTechnicianSkills,
    ...settings.twoPersonSplit.map((r) => r.skill),
  ]);
  settings.linkedVisits.forEach((rule, i) => {
    if (!rule.sameTechnician) return;
    for (const skill of linkedSkills(rule))
      if (twoPerson.has(skill))
        ctx.addIssue({
          code: 'custom',
          path: ['linkedVisits', i, 'sameTechnician'],
          message: `skill ${JSON.stringify(skill)} needs two people, so one technician cannot do both visits; expected sameTechnician: false`,
        });
  });
}
