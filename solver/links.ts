/**
 * Linked visits: the member visits of a job that several routes serve together, precedence with
 * delays, same and different technicians. Compiled into visit-level constraints, and the joint
 * schedule that times all routes together.
 *
 * Every time constraint is a start-to-start difference `lo ≤ start[b] − start[a] ≤ hi` (a common
 * start is lo = hi = 0). The joint schedule is a fixpoint: time each route at its earliest, raise
 * the release time of every visit that starts too early for a partner on another route, re-time
 * the routes whose releases moved, until nothing moves. Starts only ever move later, so the
 * fixpoint is the earliest joint timing; a cycle of waits across routes (A waits for B, which
 * follows A's partner) never settles and is reported infeasible after a bounded number of rounds.
 */
import type { CompiledProblem, Links, UnassignedReasonStatic } from './compiled.ts';

export type { Links } from './compiled.ts';
import type { Job, Problem } from './problem.ts';
import { compileChains, nextShifts } from './days.ts';
import { isSynchronised } from './validate.ts';
import { scheduleEarliest, scheduleRoute } from './schedule.ts';
import { SLACK } from './tolerance.ts';

/**
 * Links in visit terms, or null when the problem has none (and no plan-wide lateness term).
 * Also spreads static reasons over groups: a job whose partner can never be served is left out.
 */
export function compileLinks(
  problem: Problem,
  visitJob: Int32Array,
  jobFirstVisit: Int32Array,
  staticReason: (UnassignedReasonStatic | null)[],
  compat: Uint8Array,
  nTechs: number,
): Links | null {
  const nJobs = visitJob.length;
  const synchronised = nJobs > problem.jobs.length;
  const links = problem.links ?? [];
  // Plan-wide terms (largest lateness, workload balance, minimum work) need the joint search too.
  const maxTerm = (problem.objective?.softWindows?.maxCostPerSecond ?? 0) > 0;
  const balance = (problem.objective?.balance?.weight ?? 0) > 0;
  const minWork = problem.technicians.some((t) => (t.minWorkTime ?? 0) > 0);
  if (!synchronised && links.length === 0 && !maxTerm && !balance && !minWork) return null;

  const index = new Map(problem.jobs.map((job, i) => [job.id, i]));
  const consA: number[] = [];
  const consB: number[] = [];
  const consLo: number[] = [];
  const consHi: number[] = [];
  const diff: [number, number][] = [];
  const same: [number, number][] = [];
  const days: [number, number][] = [];
  const chains: number[][] = [];
  const parent = Int32Array.from({ length: nJobs }, (_, v) => v);
  const find = (v: number): number => {
    while (parent[v] !== v) v = parent[v] = parent[parent[v]!]!;
    return v;
  };
  const join = (a: number, b: number): void => {
    parent[find(a)] = find(b);
  };
  const visitsOf = (i: number): number[] => {
    const out: number[] = [];
    for (let v = jobFirstVisit[i]!; v < jobFirstVisit[i + 1]!; v++) out.push(v);
    return out;
  };

  problem.jobs.forEach((_, i) => {
    const vs = visitsOf(i);
    if (vs.length < 2) return;
    for (let k = 1; k < vs.length; k++) {
      consA.push(vs[0]!);
      consB.push(vs[k]!);
      consLo.push(0);
      consHi.push(0);
      join(vs[0]!, vs[k]!);
    }
    for (let a = 0; a < vs.length; a++) for (let b = a + 1; b < vs.length; b++) diff.push([vs[a]!, vs[b]!]);
    // Members are served all or none: one member's static reason is the job's.
    const reason = vs.map((v) => staticReason[v]).find((r) => r !== null) ?? null;
    const routes = new Set<number>();
    for (const v of vs) for (let t = 0; t < nTechs; t++) if (compat[t * nJobs + v]) routes.add(t);
    const all = reason ?? (routes.size < vs.length ? 'NO_TEAM_LARGE_ENOUGH' : null);
    if (all !== null) for (const v of vs) staticReason[v] = all;
  });
  for (const link of links) {
    if (link.kind === 'precedence') {
      const a = jobFirstVisit[index.get(link.from)!]!;
      const b = jobFirstVisit[index.get(link.to)!]!;
      consA.push(a);
      consB.push(b);
      consLo.push(link.minDelay ?? 0);
      consHi.push(link.maxDelay ?? Infinity);
      join(a, b);
      continue;
    }
    const vs = link.jobs.flatMap((id) => visitsOf(index.get(id)!));
    if (link.kind === 'consecutive-days') {
      // Parts are one-route jobs (validated): one visit each, in day order.
      for (let k = 0; k < vs.length; k++) join(vs[0]!, vs[k]!);
      for (let k = 1; k < vs.length; k++) days.push([vs[k - 1]!, vs[k]!]);
      chains.push(vs);
      continue;
    }
    for (let a = 0; a < vs.length; a++) {
      join(vs[0]!, vs[a]!);
      for (let b = a + 1; b < vs.length; b++) {
        if (visitJob[vs[a]!] === visitJob[vs[b]!]) continue;
        (link.kind === 'same-technician' ? same : diff).push([vs[a]!, vs[b]!]);
      }
    }
  }

  const nextShift = nextShifts(problem);
  compileChains(chains, nextShift, staticReason, compat, nJobs, nTechs);

  const { groupId, groupVisits } = groupsOf(nJobs, find);
  spreadReasons(groupVisits, staticReason, compat, nTechs);

  const linkedVisit = new Uint8Array(nJobs);
  for (let c = 0; c < consA.length; c++) linkedVisit[consA[c]!] = linkedVisit[consB[c]!] = 1;
  const lists = (pairs: ArrayLike<number>[], count: number): Int32Array[] => {
    const out: number[][] = Array.from({ length: nJobs }, () => []);
    for (let k = 0; k < count; k++) for (const side of pairs) out[side[k]!]!.push(k);
    return out.map((l) => Int32Array.from(l));
  };
  const diffA = Int32Array.from(diff, (p) => p[0]);
  const diffB = Int32Array.from(diff, (p) => p[1]);
  const sameA = Int32Array.from(same, (p) => p[0]);
  const sameB = Int32Array.from(same, (p) => p[1]);
  const dayA = Int32Array.from(days, (p) => p[0]);
  const dayB = Int32Array.from(days, (p) => p[1]);
  const cA = Int32Array.from(consA);
  const cB = Int32Array.from(consB);
  return {
    linkedVisit,
    consA: cA,
    consB: cB,
    consLo: Float64Array.from(consLo),
    consHi: Float64Array.from(consHi),
    diffA,
    diffB,
    sameA,
    sameB,
    group: groupId,
    groupVisits: groupVisits.map((g) => Int32Array.from(g)),
    diffOf: lists([diffA, diffB], diff.length),
    sameOf: lists([sameA, sameB], same.length),
    consOf: lists([cA, cB], consA.length),
    dayA,
    dayB,
    nextShift,
    dayOf: lists([dayA, dayB], days.length),
  };
}

/** A job linked to one that can never be served is left out with it (no route may take it). */
function spreadReasons(
  groupVisits: number[][],
  staticReason: (UnassignedReasonStatic | null)[],
  compat: Uint8Array,
  nTechs: number,
): void {
  const nJobs = staticReason.length;
  for (const vs of groupVisits) {
    if (!vs.some((v) => staticReason[v] !== null)) continue;
    for (const v of vs) staticReason[v] ??= 'LINKED_JOB_UNASSIGNED';
  }
  for (let v = 0; v < nJobs; v++) {
    if (staticReason[v] !== null) for (let t = 0; t < nTechs; t++) compat[t * nJobs + v] = 0;
  }
}

/** Groups of visits served all or none: the classes of the union-find, numbered in visit order. */
function groupsOf(
  nJobs: number,
  find: (v: number) => number,
): { groupId: Int32Array; groupVisits: number[][] } {
  const groupId = new Int32Array(nJobs).fill(-1);
  const groupVisits: number[][] = [];
  for (let v = 0; v < nJobs; v++) {
    const root = find(v);
    if (groupId[root] === -1) {
      groupId[root] = groupVisits.length;
      groupVisits.push([]);
    }
    groupId[v] = groupId[root]!;
    groupVisits[groupId[v]!]!.push(v);
  }
  return { groupId, groupVisits };
}

/**
 * One visit per job, and n visit copies for a job that n routes serve together; copy k needs
 * the job's skills plus memberSkills[k]. Copies of a job are consecutive.
 */
export function expandVisits(problem: Problem): {
  jobs: Job[];
  visitJob: Int32Array;
  jobFirstVisit: Int32Array;
} {
  const jobs: Job[] = [];
  const owner: number[] = [];
  const first = new Int32Array(problem.jobs.length + 1);
  problem.jobs.forEach((job, i) => {
    first[i] = jobs.length;
    if (!isSynchronised(problem, job)) {
      jobs.push(job);
      owner.push(i);
      return;
    }
    const n = job.technicians ?? 1;
    for (let k = 0; k < n; k++) {
      const extra = job.memberSkills?.[k] ?? [];
      // A pinned technician or position is member 0's; every member keeps a pinned start.
      const pin =
        k === 0 || job.pin === undefined
          ? job.pin
          : job.pin.start !== undefined
            ? { start: job.pin.start }
            : undefined;
      const copy: Job = { ...job, technicians: 1, skills: [...(job.skills ?? []), ...extra] };
      if (pin === undefined) delete copy.pin;
      else copy.pin = pin;
      jobs.push(copy);
      owner.push(i);
    }
  });
  first[problem.jobs.length] = jobs.length;
  return { jobs, visitJob: Int32Array.from(owner), jobFirstVisit: first };
}

/**
 * Times a whole plan with its links. `evaluate` returns the plan's route costs plus the
 * plan-wide lateness term, or Infinity when a route or a link cannot be met; afterwards
 * `start` holds every assigned visit's service start and cp.release the releases that produce it.
 */
export class JointSchedule {
  readonly cp: CompiledProblem;
  readonly start: Float64Array;
  readonly routeCost: Float64Array;
  /** Largest single lateness of each route. */
  readonly routeLate: Float64Array;
  /** Work of each route: travel and service time (seconds). */
  readonly routeWork: Float64Array;
  /** Balance and minimum-work terms of the plan last timed. */
  balanceCost = 0;
  minWorkCost = 0;
  private readonly ends: Float64Array;
  private readonly dirty: Uint8Array;
  /** Routes without linked visits keep their cost until they change (cached = 1). */
  readonly cached: Uint8Array;
  rounds = 0;
  private readonly backup: {
    release: Float64Array;
    start: Float64Array;
    routeCost: Float64Array;
    routeLate: Float64Array;
    routeWork: Float64Array;
    cached: Uint8Array;
  };

  constructor(cp: CompiledProblem) {
    this.cp = cp;
    this.start = new Float64Array(cp.nJobs).fill(NaN);
    this.routeCost = new Float64Array(cp.nTechs);
    this.routeLate = new Float64Array(cp.nTechs);
    this.routeWork = new Float64Array(cp.nTechs);
    this.ends = new Float64Array(cp.nJobs + 1);
    this.dirty = new Uint8Array(cp.nTechs);
    this.cached = new Uint8Array(cp.nTechs);
    this.backup = {
      release: new Float64Array(cp.nJobs),
      start: new Float64Array(cp.nJobs),
      routeCost: new Float64Array(cp.nTechs),
      routeLate: new Float64Array(cp.nTechs),
      routeWork: new Float64Array(cp.nTechs),
      cached: new Uint8Array(cp.nTechs),
    };
  }

  /** Marks a route as changed (its cached cost is stale). */
  touch(r: number): void {
    this.cached[r] = 0;
  }

  evaluate(seqs: number[][], routeOf: Int32Array): number {
    const cp = this.cp;
    const release = cp.release!;
    if (!this.routeLinksHold(routeOf)) return Infinity;
    release.fill(-Infinity);
    for (let r = 0; r < cp.nTechs; r++) this.dirty[r] = seqs[r]!.length > 0 && !this.cached[r] ? 1 : 0;
    return this.settle(seqs, routeOf);
  }

  /**
   * After one visit was added to route r of the plan this schedule last timed: starts from the
   * current releases (adding work only delays, so they stay lower bounds) and re-times only
   * what moves. A screening device: the plan kept is always timed from scratch by `evaluate`.
   */
  evaluateInsertion(seqs: number[][], routeOf: Int32Array, r: number): number {
    if (!this.routeLinksHold(routeOf)) return Infinity;
    this.dirty.fill(0);
    this.dirty[r] = 1;
    return this.settle(seqs, routeOf);
  }

  /** Keeps the timing state, to come back to it after trying a change. */
  save(): void {
    const b = this.backup;
    b.release.set(this.cp.release!);
    b.start.set(this.start);
    b.routeCost.set(this.routeCost);
    b.routeLate.set(this.routeLate);
    b.routeWork.set(this.routeWork);
    b.cached.set(this.cached);
  }

  restore(): void {
    const b = this.backup;
    this.cp.release!.set(b.release);
    this.start.set(b.start);
    this.routeCost.set(b.routeCost);
    this.routeLate.set(b.routeLate);
    this.routeWork.set(b.routeWork);
    this.cached.set(b.cached);
  }

  private routeLinksHold(routeOf: Int32Array): boolean {
    const L = this.cp.links!;
    for (let k = 0; k < L.diffA.length; k++) {
      const ra = routeOf[L.diffA[k]!]!;
      if (ra >= 0 && ra === routeOf[L.diffB[k]!]) return false;
    }
    for (let k = 0; k < L.sameA.length; k++) {
      const ra = routeOf[L.sameA[k]!]!;
      const rb = routeOf[L.sameB[k]!]!;
      if (ra >= 0 && rb >= 0 && ra !== rb) return false;
    }
    for (let k = 0; k < L.dayA.length; k++) {
      const ra = routeOf[L.dayA[k]!]!;
      const rb = routeOf[L.dayB[k]!]!;
      if (ra >= 0 && rb >= 0 && L.nextShift[ra] !== rb) return false;
    }
    return true;
  }

  /** The fixpoint from the current releases and dirty routes. */
  private settle(seqs: number[][], routeOf: Int32Array): number {
    const cp = this.cp;
    const L = cp.links!;
    const release = cp.release!;
    for (let r = 0; r < cp.nTechs; r++) {
      if (seqs[r]!.length === 0) {
        this.routeCost[r] = 0;
        this.routeLate[r] = 0;
        this.routeWork[r] = 0;
        this.cached[r] = 1;
        this.dirty[r] = 0;
      }
    }
    // Without a positive cycle each round settles at least one more link of the longest chain.
    const maxRounds = L.consA.length + 2;
    let rounds = 0;
    for (;;) {
      let any = false;
      for (let r = 0; r < cp.nTechs; r++) {
        if (this.dirty[r] === 0) continue;
        this.dirty[r] = 0;
        any = true;
        if (!this.timeRoute(r, seqs[r]!)) return Infinity;
      }
      if (!any) break;
      if (++rounds > maxRounds) return Infinity;
      for (let c = 0; c < L.consA.length; c++) {
        const a = L.consA[c]!;
        const b = L.consB[c]!;
        const ra = routeOf[a]!;
        const rb = routeOf[b]!;
        if (ra < 0 || rb < 0) continue;
        const sa = this.start[a]!;
        const sb = this.start[b]!;
        const needB = sa + L.consLo[c]!;
        if (sb < needB - SLACK * Math.max(1, Math.abs(needB))) {
          release[b] = needB;
          this.dirty[rb] = 1;
        }
        const needA = sb - L.consHi[c]!;
        if (sa < needA - SLACK * Math.max(1, Math.abs(needA))) {
          release[a] = needA;
          this.dirty[ra] = 1;
        }
      }
    }
    this.rounds = rounds;
    let total = 0;
    let late = 0;
    for (let r = 0; r < cp.nTechs; r++) {
      total += this.routeCost[r]!;
      if (this.routeLate[r]! > late) late = this.routeLate[r]!;
    }
    this.balanceCost = balanceTerm(cp, this.routeWork, seqs);
    this.minWorkCost = minWorkTerm(cp, this.routeWork, seqs);
    return total + late * cp.maxLatenessCostPerSec + this.balanceCost + this.minWorkCost;
  }

  /** Earliest timing of one route under the current releases; false when infeasible. */
  private timeRoute(r: number, seq: number[]): boolean {
    const cp = this.cp;
    const L = cp.links!;
    let linked = false;
    for (const v of seq) if (L.linkedVisit[v]) linked = true;
    // Routes without linked visits may leave later to meet a work limit (their times bind nobody).
    const cost = linked
      ? scheduleEarliest(cp, r, seq, seq.length, this.ends)
      : scheduleRoute(cp, r, seq, seq.length, null, { ends: this.ends });
    if (cost === Infinity) return false;
    this.routeCost[r] = cost;
    this.cached[r] = linked ? 0 : 1;
    this.routeWork[r] = routeWork(cp, r, seq);
    let late = 0;
    for (let i = 0; i < seq.length; i++) {
      const v = seq[i]!;
      const s = this.ends[i]! - cp.service[r * cp.nJobs + v]!;
      this.start[v] = s;
      const l = latenessOf(cp, v, s);
      if (l > late) late = l;
    }
    this.routeLate[r] = late;
    return true;
  }
}

/** Lateness of visit v starting at s (after its last window's end, with soft windows). */
function latenessOf(cp: CompiledProblem, v: number, s: number): number {
  if (cp.latenessCostPerSec === 0) return 0;
  const w0 = cp.winOffset[v]!;
  const w1 = cp.winOffset[v + 1]!;
  let end = -Infinity;
  for (let w = w0; w < w1; w++) if (cp.winEnd[w]! > end) end = cp.winEnd[w]!;
  return (w0 === w1 ? 0 : Math.max(0, s - end)) + cp.fixedLateness[v]!;
}

/** Travel and service time of route r serving seq (seconds). */
function routeWork(cp: CompiledProblem, r: number, seq: ArrayLike<number>): number {
  if (seq.length === 0) return 0;
  const L = cp.nLocs;
  let work = 0;
  let at = cp.techStart[r]!;
  for (let i = 0; i < seq.length; i++) {
    const v = seq[i]!;
    const loc = cp.jobLoc[v]!;
    work += cp.dur[at * L + loc]! * cp.invSpeed[r]! + cp.service[r * cp.nJobs + v]!;
    at = loc;
  }
  const end = cp.techEnd[r]!;
  if (end >= 0) work += cp.dur[at * L + end]! * cp.invSpeed[r]!;
  return work;
}

/** weight × Σ over all routes |x − mean x|, x = work (seconds) or visits. */
function balanceTerm(cp: CompiledProblem, work: Float64Array, seqs: number[][]): number {
  if (cp.balanceMeasure === 0) return 0;
  const n = cp.nTechs;
  const x = (r: number): number => (cp.balanceMeasure === 1 ? work[r]! : seqs[r]!.length);
  let mean = 0;
  for (let r = 0; r < n; r++) mean += x(r);
  mean /= n;
  let spread = 0;
  for (let r = 0; r < n; r++) spread += Math.abs(x(r) - mean);
  return cp.balanceWeight * spread;
}

/**
 * Price of used routes working less than their minimum: one unassigned-job unit for being short
 * at all, plus the same again pro rata of the shortfall, so the search fills such a route or
 * empties it; the plan returned has none (see the repair in the joint search).
 */
function minWorkTerm(cp: CompiledProblem, work: Float64Array, seqs: number[][]): number {
  let cost = 0;
  for (let r = 0; r < cp.nTechs; r++) {
    const min = cp.minWork[r]!;
    if (min <= 0 || seqs[r]!.length === 0 || work[r]! >= min - SLACK) continue;
    cost += cp.unassignedUnit + (min - work[r]!) * cp.minWorkPenalty[r]!;
  }
  return cost;
}
