/**
 * The compiled problem's shape: everything the search reads, indexed by integers and held in
 * typed arrays (built by solver/data.ts, the links part by solver/links.ts). Types only, so
 * the modules that build and read it do not import each other in a circle.
 */
import type { Problem } from './problem.ts';
import type { UnassignedReason } from './solution.ts';

export interface Links {
  /** 1 when the visit has a time constraint with another visit. */
  readonly linkedVisit: Uint8Array;
  /** Time constraints: lo ≤ start[consB] − start[consA] ≤ hi (hi may be +∞). */
  readonly consA: Int32Array;
  readonly consB: Int32Array;
  readonly consLo: Float64Array;
  readonly consHi: Float64Array;
  /** Pairs of visits that must be on different routes, and on the same route. */
  readonly diffA: Int32Array;
  readonly diffB: Int32Array;
  readonly sameA: Int32Array;
  readonly sameB: Int32Array;
  /** Parts on consecutive shifts: route of dayB[k] must be nextShift[route of dayA[k]]. */
  readonly dayA: Int32Array;
  readonly dayB: Int32Array;
  /** Per route: the next route of the same team by shift start (−1 = none). */
  readonly nextShift: Int32Array;
  /** Visits served all together or not at all (a job's members and the jobs linked to it). */
  readonly group: Int32Array;
  readonly groupVisits: Int32Array[];
  /** Per visit: indices into the diff/same pair lists that involve it. */
  readonly diffOf: Int32Array[];
  readonly sameOf: Int32Array[];
  readonly consOf: Int32Array[];
  readonly dayOf: Int32Array[];
}

/** Reasons decided before the search, from the data alone. */
export type UnassignedReasonStatic = Exclude<UnassignedReason, 'NO_WINDOW_FITS' | 'DISPLACED'>;

export interface CompiledProblem {
  readonly problem: Problem;
  /**
   * Visits to plan: one per job, except that a job served by n routes meeting on site has n
   * visit copies ("member visits"). Every per-job array below is indexed by visit.
   */
  readonly nJobs: number;
  /** Problem job of each visit. */
  readonly visitJob: Int32Array;
  /** Visits of problem job i are jobFirstVisit[i] .. jobFirstVisit[i+1]). */
  readonly jobFirstVisit: Int32Array;
  /** Synchronisation, precedence and route links between visits (null when there are none). */
  readonly links: Links | null;
  /**
   * Earliest service start per visit imposed by linked visits on other routes (−∞ = none).
   * Written by the joint schedule (solver/links.ts) before a route is evaluated; null when the
   * problem has no links, so plain problems pay nothing.
   */
  readonly release: Float64Array | null;
  readonly nTechs: number;
  readonly nLocs: number;
  readonly nDims: number;
  /** Row-major nLocs × nLocs. */
  readonly dur: Float64Array;
  readonly dist: Float64Array;
  /** Both matrices are symmetric: hot loops may read a job's own row (fewer cache misses). */
  readonly symmetric: boolean;

  readonly jobLoc: Int32Array;
  /** Service duration per technician and job: [t * nJobs + j]. */
  readonly service: Float64Array;
  /** Windows of job j are winStart/winEnd[winOffset[j] .. winOffset[j+1]), sorted by start. */
  readonly winOffset: Int32Array;
  readonly winStart: Float64Array;
  readonly winEnd: Float64Array;
  /** Single-window summary for the constant-time checks (−∞/+∞ without a window). */
  readonly jobEarliest: Float64Array;
  readonly jobLatest: Float64Array;
  /** 1 when the job needs the exact schedule (several windows, pinned start or position). */
  readonly jobComplex: Uint8Array;
  readonly pinTech: Int32Array;
  /** Pinned service start (NaN = none). */
  readonly pinStart: Float64Array;
  readonly pinPos: Int32Array;
  /** Lateness a pinned start carries with soft windows (0 otherwise). */
  readonly fixedLateness: Float64Array;
  /** [j * nDims + d]. */
  readonly load: Float64Array;
  /** Cost of leaving the job unassigned. */
  readonly penalty: Float64Array;
  /** Cost of technician t serving job j for missing its preferred technicians: [t * nJobs + j]. */
  readonly affinity: Float64Array;
  /** 1 when technician t may serve job j alone: [t * nJobs + j]. */
  readonly compat: Uint8Array;
  readonly jobTechs: Int32Array[];
  /** Why a job can never be assigned, known before searching (null = it might be). */
  readonly staticReason: (UnassignedReasonStatic | null)[];
  /** Nearest other jobs by travel, used by the ruin step. */
  readonly neighbours: Int32Array[];
  /**
   * Nearest other jobs by travel plus the least waiting and lateness their windows force
   * between them (Vidal et al. 2013's correlation measure): the granular neighbourhoods of
   * insertion and local search.
   */
  readonly granularNeighbours: Int32Array[];

  readonly techStart: Int32Array;
  /** −1 = open end. */
  readonly techEnd: Int32Array;
  readonly shiftStart: Float64Array;
  readonly shiftEnd: Float64Array;
  /** Shift end plus allowed overtime. */
  readonly latestEnd: Float64Array;
  readonly invSpeed: Float64Array;
  /** Arc cost of technician t = dist × costPerDist[t] + dur × costPerDur[t]. */
  readonly costPerDist: Float64Array;
  readonly costPerDur: Float64Array;
  /** The arc cost matrix when every technician prices arcs by exactly one matrix (null otherwise). */
  readonly arcCost: Float64Array | null;
  readonly fixedCost: Float64Array;
  readonly workCostPerSec: Float64Array;
  readonly overtimeCostPerSec: Float64Array;
  readonly maxWork: Float64Array;
  readonly maxTravel: Float64Array;
  /** [t * nDims + d]. */
  readonly capacity: Float64Array;
  /** Breaks of technician t are [breakOffset[t], breakOffset[t+1]), sorted by window start. */
  readonly breakOffset: Int32Array;
  readonly breakStart: Float64Array;
  readonly breakEnd: Float64Array;
  readonly breakDur: Float64Array;
  readonly breakId: (string | undefined)[];
  /** 1 when the technician's routes need the exact schedule (breaks, work limit, priced overtime, soft windows). */
  readonly techComplex: Uint8Array;
  /**
   * Technicians that are interchangeable while their routes are empty (same places, shift,
   * costs, limits, breaks, capacity, and the same jobs at the same service durations) share
   * a class: an insertion into one empty route of a class stands for all of them. The `route`
   * key of solver/tech-classes.ts.
   */
  readonly techClass: Int32Array;

  readonly maxLateness: number;
  /** Price per second of the plan's largest single lateness (solved by the joint search). */
  readonly maxLatenessCostPerSec: number;
  readonly latenessCostPerSec: number;
  readonly unassignedUnit: number;
  /** Workload balance: 0 = none, 1 = work (per second of deviation), 2 = visits. */
  readonly balanceMeasure: number;
  readonly balanceWeight: number;
  /** Least work (travel + service, seconds) of a used route; 0 = none. */
  readonly minWork: Float64Array;
  /** Price per second a used route works less than its minimum (search only; the plan kept meets it). */
  readonly minWorkPenalty: Float64Array;
  /** 1 for visits left out because the only routes they fit would work less than their minimum. */
  readonly minWorkDropped: Uint8Array;
}
