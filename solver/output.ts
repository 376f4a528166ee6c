/**
 * Writes the solution: exact timing of each route (leaving as late as the route allows, so
 * that no time is spent waiting at the start), cost parts, and a reason for every job left out.
 */
import type { CompiledProblem } from './data.ts';
import { fitsInto } from './joint-plan.ts';
import { JointSchedule } from './links.ts';
import { emptyDetail, scheduleRoute } from './schedule.ts';
import type { CostBreakdown, Route, Solution, UnassignedJob, UnassignedReason } from './solution.ts';

export function writeSolution(
  cp: CompiledProblem,
  seqs: number[][],
  iterations: number,
  seed: number,
  cutShort = false,
): Solution {
  const { jobs, technicians } = cp.problem;
  const routes: Route[] = [];
  const cost: Required<Omit<CostBreakdown, 'balance'>> & Pick<CostBreakdown, 'balance'> = {
    total: 0,
    unassigned: 0,
    lateness: 0,
    travel: 0,
    work: 0,
    affinity: 0,
    overtime: 0,
    fixed: 0,
  };
  const served = new Uint8Array(cp.nJobs);
  const detail = emptyDetail();
  const links = cp.links;
  let planLateness = 0;
  let balance = 0;
  if (links) {
    // Sets the releases that give every linked visit its joint start.
    const routeOf = new Int32Array(cp.nJobs).fill(-1);
    seqs.forEach((seq, r) => seq.forEach((v) => (routeOf[v] = r)));
    const js = new JointSchedule(cp);
    if (js.evaluate(seqs, routeOf) === Infinity) {
      throw new Error('internal error: the linked visits of the plan cannot be timed together');
    }
    for (let r = 0; r < cp.nTechs; r++) planLateness = Math.max(planLateness, js.routeLate[r]!);
    balance = js.balanceCost;
  }
  for (let t = 0; t < cp.nTechs; t++) {
    const seq = seqs[t]!;
    if (seq.length === 0) continue;
    // Linked visits keep their joint starts: such routes leave at the shift start.
    const linked = links !== null && seq.some((v) => links.linkedVisit[v] === 1);
    const c = scheduleRoute(cp, t, seq, seq.length, detail, { latestDeparture: !linked });
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
      job: jobs[cp.visitJob[seq[i]!]!]!.id,
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
    cost.affinity += detail.affinityCost;
    cost.fixed += detail.fixedCost;
    cost.overtime += detail.overtimeCost;
    cost.lateness += detail.latenessCost;
  }
  cost.lateness += planLateness * cp.maxLatenessCostPerSec;
  const unassigned: UnassignedJob[] = [];
  for (let i = 0; i < jobs.length; i++) {
    const j = cp.jobFirstVisit[i]!;
    if (served[j]) continue;
    for (let v = j; v < cp.jobFirstVisit[i + 1]!; v++) cost.unassigned += cp.penalty[v]!;
    const reason = links ? linkedReason(cp, seqs, i) : unassignedReason(cp, j);
    unassigned.push({ job: jobs[i]!.id, reason });
  }
  cost.total =
    cost.unassigned + cost.lateness + cost.travel + cost.work + cost.affinity + cost.overtime + cost.fixed;
  if (cp.balanceMeasure !== 0) {
    cost.balance = balance;
    cost.total += balance;
  }
  return { routes, unassigned, cost, stats: { iterations, seed, ...(cutShort ? { cutShort: true } : {}) } };
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

/**
 * Why problem job i, which has linked visits, is not in the plan: it fits with its group in an
 * empty plan (displaced; or its partners are busy when one member would still fit the plan), or
 * only its own visits fit (the links cannot be met), or one member fits but never all of them.
 */
function linkedReason(cp: CompiledProblem, seqs: number[][], i: number): UnassignedReason {
  const first = cp.jobFirstVisit[i]!;
  const fixed = cp.staticReason[first];
  if (fixed) return fixed;
  const own = ownVisits(cp, i);
  const multi = own.length > 1;
  const group = cp.links!.groupVisits[cp.links!.group[first]!]!;
  if (cp.minWorkDropped[first]) return 'MIN_WORK_NOT_MET';
  if (fitsInto(cp, null, group)) {
    if (multi && fitsInto(cp, seqs, [first])) return 'NO_PARTNER_FREE';
    return roomButNoChain(cp, seqs, group) ? 'NO_CONSECUTIVE_DAYS' : 'DISPLACED';
  }
  if (multi && fitsInto(cp, null, [first])) {
    return group.length > own.length && fitsInto(cp, null, own) ? 'LINK_UNSATISFIABLE' : 'NO_PARTNER_FREE';
  }
  if (group.length > own.length && fitsInto(cp, null, own)) return 'LINK_UNSATISFIABLE';
  return Number.isNaN(cp.pinStart[first]!) ? 'NO_WINDOW_FITS' : 'PIN_UNSATISFIABLE';
}

/**
 * A multi-day group that the plan has room for part by part, but not on consecutive shifts of
 * one team (each part fits the plan alone, all of them together do not).
 */
function roomButNoChain(cp: CompiledProblem, seqs: number[][], group: ArrayLike<number>): boolean {
  const L = cp.links!;
  let chained = false;
  for (let k = 0; k < group.length; k++) if (L.dayOf[group[k]!]!.length > 0) chained = true;
  if (!chained) return false;
  for (let k = 0; k < group.length; k++) if (!fitsInto(cp, seqs, [group[k]!])) return false;
  return true;
}

function ownVisits(cp: CompiledProblem, i: number): number[] {
  const out: number[] = [];
  for (let v = cp.jobFirstVisit[i]!; v < cp.jobFirstVisit[i + 1]!; v++) out.push(v);
  return out;
}
