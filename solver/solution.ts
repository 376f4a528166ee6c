/** The solver's output: routes with their timing, unassigned jobs with a reason, and cost parts. */

export type UnassignedReason =
  /** No technician has every skill the job requires. */
  | 'NO_SKILLED_TECHNICIAN'
  /** The skilled routes are all ruled out by the job's required or excluded technicians. */
  | 'NO_PERMITTED_TECHNICIAN'
  /** The job needs a bigger team than any route has. */
  | 'NO_TEAM_LARGE_ENOUGH'
  /** Outside every allowed territory (allowedJobs) of the otherwise suitable technicians. */
  | 'OUTSIDE_TERRITORY'
  /** Its load exceeds the capacity of every suitable technician. */
  | 'EXCEEDS_CAPACITY'
  /** No suitable technician's shift (with travel, breaks, working-time limits) meets a window. */
  | 'NO_WINDOW_FITS'
  /** Its pin cannot be honoured (unknown technician, impossible start or position). */
  | 'PIN_UNSATISFIABLE'
  /** It fits on its own, but more valuable work took the time. */
  | 'DISPLACED'
  /** Some members of a job served by several routes could be placed, but not all at one start. */
  | 'NO_PARTNER_FREE'
  /** A job it is linked to (precedence, same or different technicians) cannot be served. */
  | 'LINKED_JOB_UNASSIGNED'
  /** A part of a multi-day visit: no team has the consecutive shifts its parts need free. */
  | 'NO_CONSECUTIVE_DAYS'
  /** It fits on its own, but not together with the jobs it is linked to. */
  | 'LINK_UNSATISFIABLE'
  /** It fits only where a technician would work less than their minimum, so is not called in. */
  | 'MIN_WORK_NOT_MET';

export interface Visit {
  job: string;
  /** Arrival at the job's location. */
  arrival: number;
  /** Service start (arrival + waiting). */
  start: number;
  /** Service end. */
  end: number;
  waiting: number;
  /** Seconds past the window's end (only with soft windows). */
  lateness: number;
}

export interface PlannedBreak {
  id?: string;
  start: number;
  end: number;
  /** The break is taken after this many visits of the route (0 = before the first visit). */
  afterVisits: number;
}

export interface Route {
  technician: string;
  visits: Visit[];
  breaks: PlannedBreak[];
  /** Leaves the start location. */
  start: number;
  /** Arrives at the end location (or finishes the last visit, for open ends). */
  end: number;
  travelDuration: number;
  travelDistance: number;
  serviceDuration: number;
  waitingDuration: number;
  overtime: number;
  load: number[];
}

export interface UnassignedJob {
  job: string;
  reason: UnassignedReason;
}

export interface CostBreakdown {
  total: number;
  unassigned: number;
  lateness: number;
  travel: number;
  work: number;
  overtime: number;
  fixed: number;
  /** Workload-balance term (present when the objective has `balance`). */
  balance?: number;
  /** Cost of preferred technicians missed (problem.ts preferredTechnicians); absent = 0. */
  affinity?: number;
}

export interface Solution {
  routes: Route[];
  unassigned: UnassignedJob[];
  cost: CostBreakdown;
  stats: SolveStats;
}

interface SolveStats {
  iterations: number;
  seed: number;
  /**
   * The time limit ran out before the first plan was complete and polished by its local
   * search: the plan is valid but not what the solver would settle on. Absent otherwise.
   */
  cutShort?: true;
}

export interface SolveProgress {
  iteration: number;
  bestCost: number;
  unassigned: number;
  elapsedMs: number;
  /** Travel time of the best plan so far, seconds. */
  travelDuration: number;
}

export interface SolveOptions {
  seed?: number;
  /** Wall-clock budget in milliseconds; needs `clock`. */
  timeLimitMs?: number;
  maxIterations?: number;
  /** Monotonic clock in milliseconds, passed in so the core stays free of I/O (e.g. performance.now). */
  clock?: () => number;
  onProgress?: (progress: SolveProgress) => void;
  /**
   * A plan to start from (a warm start): visit order per technician, by job id. A route is
   * taken as it is when every rule holds on it (skills, territory, pins, capacity, the exact
   * schedule); otherwise, and for jobs it does not name, the greedy construction places the
   * work. The search keeps the best plan seen, so the answer never costs more than a feasible
   * start: work the start serves is dropped only for work worth more. Ignored for problems
   * with linked visits (synchronised or ordered visits across routes).
   */
  start?: readonly StartRoute[];
}

export interface StartRoute {
  technician: string;
  jobs: readonly string[];
}
