/**
 * Exact scheduling of one route: given the technician and the visit order, the earliest
 * feasible timing with waiting, multiple windows, soft windows, breaks, overtime and the
 * working-time limit, and the route's cost. O(route length). The search uses it for routes
 * the constant-time checks cannot decide, and the solution is always written from it.
 *
 * Breaks: a pending break is taken in the gap before a visit when postponing it past that
 * visit would miss its window, or when taking it costs no delay there (it fits in waiting);
 * in a gap it is taken on arrival (during waiting) when its window allows, else before leaving.
 * Window choice: the earliest window in which service can start on time; with soft windows,
 * the least late one when none is on time.
 */
import type { CompiledProblem } from './compiled.ts';
import type { SolveProgress } from './solution.ts';
import { arcCost } from './arc-cost.ts';
import { SLACK } from './tolerance.ts';

interface VisitTiming {
  arrival: number;
  start: number;
  end: number;
  lateness: number;
}

interface BreakTiming {
  /** Index into the compiled break arrays. */
  index: number;
  start: number;
  end: number;
  afterVisits: number;
}

/** Full timing of a route, filled only when asked for (writing the solution, tests). */
export interface ScheduleDetail {
  visits: VisitTiming[];
  breaks: BreakTiming[];
  start: number;
  end: number;
  travelDuration: number;
  travelDistance: number;
  serviceDuration: number;
  lateness: number;
  overtime: number;
  /** Cost parts. */
  travelCost: number;
  workCost: number;
  affinityCost: number;
  fixedCost: number;
  overtimeCost: number;
  latenessCost: number;
}

export function emptyDetail(): ScheduleDetail {
  return {
    visits: [],
    breaks: [],
    start: 0,
    end: 0,
    travelDuration: 0,
    travelDistance: 0,
    serviceDuration: 0,
    lateness: 0,
    overtime: 0,
    travelCost: 0,
    workCost: 0,
    affinityCost: 0,
    fixedCost: 0,
    overtimeCost: 0,
    latenessCost: 0,
  };
}

// Outputs of startAt, kept in module scope so the hot path allocates nothing.
let chosenLateness = 0;
let chosenWindowEnd = Infinity;

/** Earliest service start of job j when ready at `ready`; Infinity when no window fits. */
function startAt(cp: CompiledProblem, j: number, ready: number): number {
  const release = cp.release;
  if (release !== null && ready < release[j]!) ready = release[j]!;
  const w0 = cp.winOffset[j]!;
  const w1 = cp.winOffset[j + 1]!;
  chosenLateness = 0;
  if (w0 === w1) {
    chosenWindowEnd = Infinity;
    return ready;
  }
  for (let w = w0; w < w1; w++) {
    const end = cp.winEnd[w]!;
    if (ready <= end) {
      chosenWindowEnd = end;
      const s = cp.winStart[w]!;
      return ready > s ? ready : s;
    }
  }
  if (cp.latenessCostPerSec > 0 && Number.isNaN(cp.pinStart[j]!)) {
    let latestEnd = -Infinity;
    for (let w = w0; w < w1; w++) if (cp.winEnd[w]! > latestEnd) latestEnd = cp.winEnd[w]!;
    if (ready - latestEnd <= cp.maxLateness) {
      chosenLateness = ready - latestEnd;
      chosenWindowEnd = latestEnd;
      return ready;
    }
  }
  return Infinity;
}

export interface ScheduleOptions {
  /** Skip pinned-position checks (used to ask whether a job fits alone). */
  ignorePinnedPositions?: boolean;
  /** Leave as late as possible without delaying the route (always done when a work limit binds). */
  latestDeparture?: boolean;
  /** Receives the service end of every visit when leaving at the shift start (earliest timing). */
  ends?: Float64Array;
}

/**
 * Cost of route `seq[0..len)` for technician t (Infinity when infeasible). Capacity and
 * compatibility are the caller's checks. An empty route costs 0.
 */
export function scheduleRoute(
  cp: CompiledProblem,
  t: number,
  seq: ArrayLike<number>,
  len: number,
  detail: ScheduleDetail | null = null,
  options: ScheduleOptions = {},
): number {
  if (len === 0) return 0;
  const first = run(cp, t, seq, len, cp.shiftStart[t]!, null, options, options.ends ?? null);
  if (first === Infinity && lastWorkExceeded === false) return Infinity;
  const end0 = lastEnd;
  const shift = lastDelay;
  const wantShift = options.latestDeparture === true || first === Infinity;
  if (wantShift && shift > 0) {
    const shifted = run(cp, t, seq, len, cp.shiftStart[t]! + shift, detail, options, null);
    if (shifted < Infinity && lastEnd <= end0 + SLACK) return shifted;
    if (first === Infinity) return Infinity;
  }
  if (first === Infinity) return Infinity;
  if (detail) return run(cp, t, seq, len, cp.shiftStart[t]!, detail, options, null);
  return first;
}

/**
 * Cost of the earliest timing only (leaving at the shift start), with the service end of every
 * visit in `ends`. A route that would need a later departure to meet its working-time limit
 * counts as infeasible here: linked visits need the times that are actually driven.
 */
export function scheduleEarliest(
  cp: CompiledProblem,
  t: number,
  seq: ArrayLike<number>,
  len: number,
  ends: Float64Array,
): number {
  if (len === 0) return 0;
  return run(cp, t, seq, len, cp.shiftStart[t]!, null, {}, ends);
}

let lastEnd = 0;
let lastDelay = 0;
let lastWorkExceeded = false;

function run(
  cp: CompiledProblem,
  t: number,
  seq: ArrayLike<number>,
  len: number,
  departure: number,
  detail: ScheduleDetail | null,
  options: ScheduleOptions,
  ends: Float64Array | null,
): number {
  lastWorkExceeded = false;
  lastDelay = 0;
  const L = cp.nLocs;
  const n = cp.nJobs;
  const inv = cp.invSpeed[t]!;
  const b1 = cp.breakOffset[t + 1]!;
  let nb = cp.breakOffset[t]!;
  const checkPins = options.ignorePinnedPositions !== true;

  let prevLoc = cp.techStart[t]!;
  let tFree = departure;
  let travelCost = 0;
  let travelTime = 0;
  let travelDist = 0;
  let workCost = 0;
  let affinityCost = 0;
  let serviceSum = 0;
  let lateness = 0;
  let fixedLate = 0;
  let idle = 0;
  let slackMin = Infinity;
  if (detail) {
    detail.visits.length = 0;
    detail.breaks.length = 0;
    detail.start = departure;
  }

  for (let i = 0; i < len; i++) {
    const j = seq[i]!;
    if (checkPins && cp.pinPos[j]! >= 0 && cp.pinPos[j] !== i) return Infinity;
    const loc = cp.jobLoc[j]!;
    const arc = prevLoc * L + loc;
    const T = cp.dur[arc]! * inv;
    travelCost += arcCost(cp, t, arc);
    travelTime += T;
    travelDist += cp.dist[arc]!;
    const serv = cp.service[t * n + j]!;

    // The gap before visit i: pending breaks, then travel.
    let leave = tFree; // when the technician leaves the previous place
    let travelled = false;
    let ready = 0;
    while (nb < b1) {
      const bs = cp.breakStart[nb]!;
      const be = cp.breakEnd[nb]!;
      const bd = cp.breakDur[nb]!;
      const cur = travelled ? ready : leave + T;
      const s0 = startAt(cp, j, cur);
      const deferOk = s0 < Infinity && Math.max(s0 + serv, bs) <= be;
      let s: number;
      let after: boolean;
      if (travelled) {
        s = Math.max(ready, bs);
        after = true;
      } else if (Math.max(leave + T, bs) <= be) {
        s = Math.max(leave + T, bs);
        after = true;
      } else {
        s = Math.max(leave, bs);
        after = false;
      }
      if (s > be) {
        if (deferOk) break;
        return Infinity;
      }
      const readyWith = after ? s + bd : s + bd + T;
      if (deferOk && startAt(cp, j, readyWith) > s0) break;
      idle += s - (after ? (travelled ? ready : leave + T) : leave);
      if (be - s + idle < slackMin) slackMin = be - s + idle;
      if (detail) detail.breaks.push({ index: nb, start: s, end: s + bd, afterVisits: i });
      if (after) {
        travelled = true;
        ready = s + bd;
      } else {
        leave = s + bd;
      }
      nb++;
    }
    const arrival = leave + T;
    if (!travelled) ready = arrival;
    const st = startAt(cp, j, ready);
    if (st === Infinity) return Infinity;
    idle += st - ready;
    lateness += chosenLateness;
    fixedLate += cp.fixedLateness[j]!;
    if (chosenWindowEnd - st + idle < slackMin) slackMin = chosenWindowEnd - st + idle;
    workCost += serv * cp.workCostPerSec[t]!;
    affinityCost += cp.affinity[t * n + j]!;
    serviceSum += serv;
    if (detail)
      detail.visits.push({
        arrival,
        start: st,
        end: st + serv,
        lateness: chosenLateness + cp.fixedLateness[j]!,
      });
    tFree = st + serv;
    if (ends !== null) ends[i] = tFree;
    prevLoc = loc;
  }

  // Breaks still pending after the last visit: the first `split` are taken before the way back,
  // the rest on arrival at the end. Taking one on arrival never ends later, but a tight window
  // may need it before leaving, so every split is tried (few breaks) and the earliest end wins;
  // ties keep breaks before the way back.
  const endLoc = cp.techEnd[t]!;
  let backT = 0;
  if (endLoc >= 0) {
    const arc = prevLoc * L + endLoc;
    backT = cp.dur[arc]! * inv;
    travelCost += arcCost(cp, t, arc);
    travelTime += backT;
    travelDist += cp.dist[arc]!;
  }
  const pending = b1 - nb;
  let split = -1;
  let bestEnd = Infinity;
  for (let m = pending; m >= 0; m--) {
    const e = tailEnd(cp, nb, pending, m, tFree, backT);
    if (e < bestEnd) {
      bestEnd = e;
      split = m;
    }
  }
  if (split < 0) return Infinity;
  let time = tFree;
  for (let k = 0; k < pending; k++) {
    if (k === split) time += backT;
    const b = nb + k;
    const s = Math.max(time, cp.breakStart[b]!);
    idle += s - time;
    if (cp.breakEnd[b]! - s + idle < slackMin) slackMin = cp.breakEnd[b]! - s + idle;
    if (detail) detail.breaks.push({ index: b, start: s, end: s + cp.breakDur[b]!, afterVisits: len });
    time = s + cp.breakDur[b]!;
  }
  if (split === pending) time += backT;
  const end = time;
  lastEnd = end;
  lastDelay = Math.max(0, Math.min(idle, slackMin));
  if (end > cp.latestEnd[t]! + SLACK) return Infinity;
  if (travelTime > cp.maxTravel[t]! + SLACK) return Infinity;
  if (end - departure > cp.maxWork[t]! + SLACK) {
    lastWorkExceeded = true;
    return Infinity;
  }
  const overtime = Math.max(0, end - cp.shiftEnd[t]!);
  const overtimeCost = overtime * cp.overtimeCostPerSec[t]!;
  const latenessCost = (lateness + fixedLate) * cp.latenessCostPerSec;
  const fixed = cp.fixedCost[t]!;
  if (detail) {
    detail.end = end;
    detail.travelDuration = travelTime;
    detail.travelDistance = travelDist;
    detail.serviceDuration = serviceSum;
    detail.lateness = lateness + fixedLate;
    detail.overtime = overtime;
    detail.travelCost = travelCost;
    detail.workCost = workCost;
    detail.affinityCost = affinityCost;
    detail.fixedCost = fixed;
    detail.overtimeCost = overtimeCost;
    detail.latenessCost = latenessCost;
  }
  return travelCost + workCost + affinityCost + fixed + overtimeCost + latenessCost;
}

/**
 * End of the route's tail (from `from`, the last service end) when the first `split` of the
 * `count` pending breaks starting at `b0` are taken before travelling `backT` to the end and the
 * rest after it; Infinity when a break would start after its window.
 */
function tailEnd(
  cp: CompiledProblem,
  b0: number,
  count: number,
  split: number,
  from: number,
  backT: number,
): number {
  let time = from;
  for (let k = 0; k < count; k++) {
    if (k === split) time += backT;
    const b = b0 + k;
    const s = Math.max(time, cp.breakStart[b]!);
    if (s > cp.breakEnd[b]!) return Infinity;
    time = s + cp.breakDur[b]!;
  }
  return split === count ? time + backT : time;
}

/**
 * Travel time of a plan (seconds), route by route as `writeSolution` times them when no visits
 * are linked; for progress reports, so it allocates one detail per call and nothing per route.
 */
function travelOf(cp: CompiledProblem, seqs: readonly (readonly number[])[]): number {
  const detail = emptyDetail();
  let travel = 0;
  for (let t = 0; t < seqs.length; t++) {
    const seq = seqs[t]!;
    if (seq.length === 0) continue;
    if (scheduleRoute(cp, t, seq, seq.length, detail, { latestDeparture: true }) < Infinity) {
      travel += detail.travelDuration;
    }
  }
  return travel;
}

/** A search's progress report on its best plan so far: jobs left out and travel, beside its cost. */
export function progressOf(
  cp: CompiledProblem,
  bestSeqs: readonly (readonly number[])[],
  iteration: number,
  bestCost: number,
  elapsedMs: number,
): SolveProgress {
  let served = 0;
  for (const s of bestSeqs) served += s.length;
  return {
    iteration,
    bestCost,
    unassigned: cp.nJobs - served,
    elapsedMs,
    travelDuration: travelOf(cp, bestSeqs),
  };
}
