/**
 * The solver's input, in plain numbers: times are seconds from an arbitrary reference,
 * distances are metres, locations are indices into the matrices. No dates, no I/O.
 *
 * The zod schemas are the single source of truth for the JSON problem format; the
 * TypeScript types are inferred from them. `compileProblem` (solver/data.ts) validates the
 * cross-references once and turns this into index-based typed arrays for the search.
 */
import { z } from 'zod';

/** Most people one job may need (synchronised visits are n linked visit copies). */
const MAX_TEAM = 8;

const seconds = z.number().finite().nonnegative();
const locationIndex = z.number().int().nonnegative();

const TimeWindowSchema = z
  .object({ start: seconds, end: seconds })
  .refine((w) => w.end >= w.start, { message: 'time window end must not be before its start' });
export type TimeWindow = z.infer<typeof TimeWindowSchema>;

const JobPinSchema = z.object({
  /** The job must be served by this technician (route id). */
  technician: z.string().min(1).optional(),
  /** Service must start exactly at this time (seconds). */
  start: seconds.optional(),
  /** The job keeps this 0-based position in its technician's route (dispatched or in progress). */
  position: z.number().int().nonnegative().optional(),
});

/** A soft wish for one person on a job: `weight` is the cost of serving the job without them. */
const PreferredTechnicianSchema = z.object({
  /** Person (resource id): a route's `members`, or the route id when it has none. */
  technician: z.string().min(1),
  weight: z.number().finite().positive(),
});

/** Minimum level per skill (levels are positive integers; having a skill at all is level 1). */
const skillLevels = z.record(z.string().min(1), z.number().int().positive());

const JobSchema = z.object({
  id: z.string().min(1),
  location: locationIndex,
  /** Service duration in seconds. */
  duration: seconds,
  /** Per-technician service duration (a senior technician may be faster), keyed by technician id. */
  durationByTechnician: z.record(z.string(), seconds).optional(),
  /** Windows in which service may start; absent or empty means any time in the shift. */
  windows: z.array(TimeWindowSchema).optional(),
  /** Skill ids the serving team must have, all of them. */
  skills: z.array(z.string().min(1)).optional(),
  /** Minimum level per skill the serving team must have (a listed skill is also required). */
  skillLevels: skillLevels.optional(),
  /**
   * People (resource ids) allowed to serve this job: a route qualifies when one of its members is
   * listed. Each route of a synchronised visit must qualify on its own.
   */
  requiredTechnicians: z.array(z.string().min(1)).min(1).optional(),
  /** People who must not serve this job: no member of a serving route may be listed. */
  excludedTechnicians: z.array(z.string().min(1)).optional(),
  /**
   * Soft wishes. A route serving the job pays (largest weight listed) − (largest weight of a
   * listed person among its members, 0 when none): nothing when the most wanted person serves.
   */
  preferredTechnicians: z.array(PreferredTechnicianSchema).optional(),
  /**
   * People needed on site (default 1). Served by one route whose team has that many members (a
   * crew) when the problem has such a route; otherwise by that many distinct routes whose visits
   * start together (a synchronised visit).
   */
  technicians: z.number().int().min(1).max(MAX_TEAM).optional(),
  /** Extra skills per member of a synchronised visit (member k needs skills + memberSkills[k]). */
  memberSkills: z.array(z.array(z.string().min(1))).optional(),
  /** Weight of leaving this job unassigned (default 1). */
  priority: z.number().finite().positive().optional(),
  /** Mandatory jobs are dropped only when no feasible plan can include them. */
  mandatory: z.boolean().optional(),
  /** Amount per capacity dimension (van space, Solomon demand); missing dimensions are 0. */
  load: z.array(z.number().finite().nonnegative()).optional(),
  pin: JobPinSchema.optional(),
});
export type Job = z.infer<typeof JobSchema>;

const BreakSchema = z.object({
  id: z.string().min(1).optional(),
  duration: seconds,
  /** Window in which the break must start; it is taken wherever the technician is. */
  window: TimeWindowSchema,
});
export type Break = z.infer<typeof BreakSchema>;

const TechnicianCostsSchema = z.object({
  /** Cost of one hour of travel (objective units). */
  perHourTravel: z.number().finite().nonnegative().optional(),
  /** Cost of one hour of service work. */
  perHourWork: z.number().finite().nonnegative().optional(),
  /** Fixed cost of using this technician at all. */
  fixed: z.number().finite().nonnegative().optional(),
  /** Cost per hour past the shift's regular end (only when `overtime` allows it). */
  perHourOvertime: z.number().finite().nonnegative().optional(),
});

const TechnicianSchema = z.object({
  /** Route id: one technician (or crew) on one shift. */
  id: z.string().min(1),
  /** Resource ids of the people in this route's team (default: [id]). Team size = members.length. */
  members: z.array(z.string().min(1)).min(1).optional(),
  start: locationIndex,
  /** End location; absent = back to start, null = the route ends at its last visit (open end). */
  end: locationIndex.nullable().optional(),
  shift: TimeWindowSchema,
  /** Seconds the shift may run past its end, priced by costs.perHourOvertime (default 0). */
  overtime: seconds.optional(),
  breaks: z.array(BreakSchema).optional(),
  skills: z.array(z.string().min(1)).optional(),
  /** Level per skill (a skill listed here is had even when not in `skills`; default level 1). */
  skillLevels: skillLevels.optional(),
  /** Capacity per dimension; a dimension a job loads but the technician lacks has capacity 0. */
  capacity: z.array(z.number().finite().nonnegative()).optional(),
  /** Maximum working time (travel + service + waiting, shift start to end) in seconds. */
  maxWorkTime: seconds.optional(),
  /**
   * Minimum work (travel + service, seconds) if the route is used at all: the technician
   * works at least this long or is not called in (the route stays empty).
   */
  minWorkTime: seconds.optional(),
  maxTravelTime: seconds.optional(),
  /** Travel durations are divided by this factor (2 = twice as fast). Default 1. */
  speedFactor: z.number().finite().positive().optional(),
  costs: TechnicianCostsSchema.optional(),
  /** Territory as data: when present, only these job ids may be served by this route. */
  allowedJobs: z.array(z.string().min(1)).optional(),
});
export type Technician = z.infer<typeof TechnicianSchema>;

const ObjectiveSchema = z.object({
  /** What travel cost measures: 'distance' (metres, the benchmark convention) or 'duration'. */
  travel: z.enum(['distance', 'duration']).optional(),
  /** Lateness allowed past a window's end, priced per second; absent = hard windows. */
  softWindows: z
    .object({
      maxLateness: seconds,
      costPerSecond: z.number().finite().positive(),
      /** Price per second of the largest single lateness in the plan (a plan-wide term). */
      maxCostPerSecond: z.number().finite().nonnegative().optional(),
    })
    .optional(),
  /** Penalty per unit of priority for an unassigned job (default: far above any travel cost). */
  unassignedPenalty: z.number().finite().positive().optional(),
  /**
   * Workload balance: `weight` × the sum over all routes of |x − mean x|, x being a route's
   * work (travel + service, in hours) or its number of visits.
   */
  balance: z
    .object({
      measure: z.enum(['work', 'jobs']),
      weight: z.number().finite().nonnegative(),
    })
    .optional(),
});

const PrecedenceLinkSchema = z.object({
  kind: z.literal('precedence'),
  from: z.string().min(1),
  to: z.string().min(1),
  /** `to` starts at least this many seconds after `from` starts (start-to-start; default 0). */
  minDelay: seconds.optional(),
  /** ... and at most this many seconds after (default: no bound). */
  maxDelay: seconds.optional(),
});
const SameTechnicianLinkSchema = z.object({
  kind: z.literal('same-technician'),
  jobs: z.array(z.string().min(1)).min(2),
});
const DifferentTechniciansLinkSchema = z.object({
  kind: z.literal('different-technicians'),
  jobs: z.array(z.string().min(1)).min(2),
});
/**
 * The parts of one long visit, in day order: part k+1 is served on the next shift of the team
 * (the same members) that serves part k, all parts or none. See docs/problem-format.md.
 */
const ConsecutiveDaysLinkSchema = z.object({
  kind: z.literal('consecutive-days'),
  jobs: z.array(z.string().min(1)).min(2),
});
const LinkSchema = z.discriminatedUnion('kind', [
  PrecedenceLinkSchema,
  SameTechnicianLinkSchema,
  DifferentTechniciansLinkSchema,
  ConsecutiveDaysLinkSchema,
]);
export type Link = z.infer<typeof LinkSchema>;

const matrix = z.array(z.array(z.number().finite().nonnegative()));

export const ProblemSchema = z.object({
  /** Travel durations in seconds and distances in metres, [from][to]; may be asymmetric. */
  matrices: z.object({ durations: matrix, distances: matrix.optional() }),
  jobs: z.array(JobSchema),
  technicians: z.array(TechnicianSchema).min(1),
  /** Linked visits: precedence with delays, same technician, different technicians, consecutive days. */
  links: z.array(LinkSchema).optional(),
  objective: ObjectiveSchema.optional(),
});
export type Problem = z.infer<typeof ProblemSchema>;
