/**
 * Writes the solution: exact timing of each route (leaving as late as the route allows, so
 * that no time is spent waiting at the start), cost parts, and a reason for every job left out.
 */
import type { CompiledProblem } from './data.ts';
import { emptyDetail, scheduleRoute } from './schedule.ts';
import type { CostBreakdown, Route, Solution, UnassignedJob, UnassignedReason } from './solution.ts';

export function writeSolution(
  cp: CompiledProblem,
  seqs: number[][],
  iterations: number,
  seed: number,
): Solution {
  const { jobs, technicians } = cp.problem;
  const routes: Route[] = [];
  const cost: CostBreakdown = {
    total: 0,
    unassigned: 0,
    lateness: 0,
    travel: 0,
    work: 0,
    overtime: 0,
    fixed: 0,
  };
  const served = new Uint8Array(cp.nJobs);
  const detail = emptyDetail();
  for (let t = 0; t < cp.nTechs; t++) {
    const seq = seqs[t]!;
    if (seq.length === 0) continue;
    const c = scheduleRoute(cp, t, seq, seq.length, detail, { latestDeparture: true });
    if (c === Infinity) {
      // The search only keeps feasible routes; this guards the contract anyway.
      throw new Error(`internal error: route of technician index ${t} is not feasible`);
    }
    const load = new Array<number>(cp.nDims).fill(0);
    for (const j of seq) {
      served[j] = 1;
      for (let d = 0; d < cp.nDims; d++) load[d]! += cp.load[j * cp.nDims + d]!;
    }
    const visits = detail.visits.map((v, i) => ({
      job: jobs[seq[i]!]!.id,
      arrival: v.arrival,
      start: v.start,
      end: v.end,
      waiting: v.start - v.arrival,
      lateness: v.lateness,
    }));
    let waiting = 0;
    for (const v of visits) waiting += v.waiting;
    routes.push({
      technician: technicians[t]!.id,
      visits,
      breaks: detail.breaks.map((b) => {
        const id = cp.breakId[b.index];
        return id === undefined
          ? { start: b.start, end: b.end, afterVisits: b.afterVisits }
          : { id, start: b.start, end: b.end, afterVisits: b.afterVisits };
      }),
      start: detail.start,
      end: detail.end,
      travelDuration: detail.travelDuration,
      travelDistance: detail.travelDistance,
      serviceDuration: detail.serviceDuration,
      waitingDuration: waiting,
      overtime: detail.overtime,
      load,
    });
    cost.travel += detail.travelCost;
    cost.work += detail.workCost;
    cost.fixed += detail.fixedCost;
    cost.overtime += detail.overtimeCost;
    cost.lateness += detail.latenessCost;
  }
  const unassigned: UnassignedJob[] = [];
  for (let j = 0; j < cp.nJobs; j++) {
    if (served[j]) continue;
    cost.unassigned += cp.penalty[j]!;
    unassigned.push({ job: jobs[j]!.id, reason: unassignedReason(cp, j) });
  }
  cost.total = cost.unassigned + cost.lateness + cost.travel + cost.work + cost.overtime + cost.fixed;
  return { routes, unassigned, cost, stats: { iterations, seed } };
}

/** Why job j is not in the plan: a static reason, else whether it fits alone in an empty route. */
export function unassignedReason(cp: CompiledProblem, j: number): UnassignedReason {
  const fixed = cp.staticReason[j];
  if (fixed) return fixed;
  const pinned = cp.pinPos[j]! >= 0 || !Number.isNaN(cp.pinStart[j]!);
  const single = [j];
  for (const t of cp.jobTechs[j]!) {
    if (scheduleRoute(cp, t, single, 1, null, { ignorePinnedPositions: true }) < Infinity) {
      // A position pin can fail even when the job fits alone: the visits before it are missing.
      return cp.pinPos[j]! > 0 ? 'PIN_UNSATISFIABLE' : 'DISPLACED';
    }
  }
  return pinned ? 'PIN_UNSATISFIABLE' : 'NO_WINDOW_FITS';
}
