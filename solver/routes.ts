/**
 * The working plan: one visit sequence per technician, with cached per-route cost, load,
 * travel time and, for routes that allow it, the forward/backward time data that makes an
 * insertion check constant time (earliest service start forward, latest feasible service
 * start backward; Savelsbergh 1992, the forward-slack idea behind Vidal's segments).
 * Routes that need the exact schedule (breaks, several windows, pins, soft windows, work
 * limits) are evaluated with `scheduleRoute` instead.
 */
import { arcCost, visitCost } from './arc-cost.ts';
import type { CompiledProblem } from './data.ts';
import type { Random } from './random.ts';
import { scheduleRoute } from './schedule.ts';
import { SLACK } from './tolerance.ts';

export class RouteSet {
  readonly cp: CompiledProblem;
  readonly seqs: number[][];
  /** Route (technician) of each job, −1 when unassigned. */
  readonly routeOf: Int32Array;
  /** Position of each assigned job in its route (valid after the route's refresh). */
  readonly posOf: Int32Array;
  readonly cost: Float64Array;
  readonly load: Float64Array;
  readonly travel: Float64Array;
  readonly complexJobs: Int32Array;
  /** Earliest service end per position. */
  readonly earliest: Float64Array[];
  /** Locations along the route: start, visits, end (−1 for an open end). */
  readonly locs: Int32Array[];
  /** Cost of the arc leaving locs[p] (0 into an open end). */
  readonly arcs: Float64Array[];
  /** Latest service start per position keeping the rest feasible (simple routes only). */
  readonly latest: Float64Array[];
  /** Load of the first p visits, [p * nDims + d] for p = 0..length (prefix sums for 2-opt*). */
  readonly cload: Float64Array[];
  private scratch: Int32Array;
  /** When set, the first change to a route saves its previous sequence here (for undo). */
  journal: Map<number, number[]> | null = null;
  /** Cost of each journaled route before its first change (filled with the journal). */
  readonly journalCost = new Map<number, number>();

  constructor(cp: CompiledProblem) {
    this.cp = cp;
    this.seqs = Array.from({ length: cp.nTechs }, () => []);
    this.routeOf = new Int32Array(cp.nJobs).fill(-1);
    this.posOf = new Int32Array(cp.nJobs);
    this.cost = new Float64Array(cp.nTechs);
    this.load = new Float64Array(cp.nTechs * cp.nDims);
    this.travel = new Float64Array(cp.nTechs);
    this.complexJobs = new Int32Array(cp.nTechs);
    this.earliest = Array.from({ length: cp.nTechs }, () => new Float64Array(8));
    this.latest = Array.from({ length: cp.nTechs }, () => new Float64Array(8));
    this.locs = Array.from({ length: cp.nTechs }, () => new Int32Array(10));
    this.arcs = Array.from({ length: cp.nTechs }, () => new Float64Array(10));
    this.cload = Array.from({ length: cp.nTechs }, () => new Float64Array(10 * Math.max(1, cp.nDims)));
    this.scratch = new Int32Array(cp.nJobs + 1);
    for (let r = 0; r < cp.nTechs; r++) this.refresh(r);
  }

  /** Sum of route costs plus penalties of unassigned jobs. */
  totalCost(): number {
    let total = 0;
    for (let r = 0; r < this.cp.nTechs; r++) total += this.cost[r]!;
    for (let j = 0; j < this.cp.nJobs; j++) if (this.routeOf[j]! < 0) total += this.cp.penalty[j]!;
    return total;
  }

  isSimple(r: number): boolean {
    return this.cp.techComplex[r] === 0 && this.complexJobs[r] === 0;
  }

  /** Replace a route's sequence and refresh its caches. */
  setRoute(r: number, seq: number[]): void {
    this.save(r);
    for (const j of this.seqs[r]!) if (this.routeOf[j] === r) this.routeOf[j] = -1;
    this.seqs[r] = seq;
    for (const j of seq) this.routeOf[j] = r;
    this.refresh(r);
  }

  private save(r: number): void {
    if (this.journal !== null && !this.journal.has(r)) {
      this.journal.set(r, this.seqs[r]!.slice());
      this.journalCost.set(r, this.cost[r]!);
    }
  }

  /** Undo every change recorded in the journal. */
  rollback(): void {
    const journal = this.journal;
    if (journal === null) return;
    this.journal = null;
    for (const [r, seq] of journal) this.setRoute(r, seq);
    journal.clear();
    this.journalCost.clear();
    this.journal = journal;
  }

  insert(j: number, r: number, pos: number): void {
    this.save(r);
    this.seqs[r]!.splice(pos, 0, j);
    this.routeOf[j] = r;
    this.refresh(r);
  }

  remove(j: number): void {
    const r = this.routeOf[j]!;
    if (r < 0) return;
    this.save(r);
    const seq = this.seqs[r]!;
    seq.splice(seq.indexOf(j), 1);
    this.routeOf[j] = -1;
    this.refresh(r);
  }

  /** Remove without refreshing (the caller refreshes the route once after a batch). */
  removeQuiet(j: number): number {
    const r = this.routeOf[j]!;
    if (r < 0) return -1;
    this.save(r);
    const seq = this.seqs[r]!;
    seq.splice(seq.indexOf(j), 1);
    this.routeOf[j] = -1;
    return r;
  }

  refresh(r: number): void {
    const cp = this.cp;
    const seq = this.seqs[r]!;
    const len = seq.length;
    const D = cp.nDims;
    const n = cp.nJobs;
    let complex = 0;
    if (this.earliest[r]!.length < len) {
      this.earliest[r] = new Float64Array(2 * len);
      this.latest[r] = new Float64Array(2 * len);
      this.locs[r] = new Int32Array(2 * len + 2);
      this.arcs[r] = new Float64Array(2 * len + 2);
      this.cload[r] = new Float64Array((2 * len + 2) * Math.max(1, D));
    }
    const cload = this.cload[r]!;
    for (let d = 0; d < D; d++) {
      this.load[r * D + d] = 0;
      cload[d] = 0;
    }
    for (let i = 0; i < len; i++) {
      const j = seq[i]!;
      complex += cp.jobComplex[j]!;
      for (let d = 0; d < D; d++) {
        this.load[r * D + d] = this.load[r * D + d]! + cp.load[j * D + d]!;
        cload[(i + 1) * D + d] = this.load[r * D + d]!;
      }
    }
    this.complexJobs[r] = complex;
    {
      const locs = this.locs[r]!;
      const arcs = this.arcs[r]!;
      const L = cp.nLocs;
      locs[0] = cp.techStart[r]!;
      for (let i = 0; i < len; i++) {
        locs[i + 1] = cp.jobLoc[seq[i]!]!;
        this.posOf[seq[i]!] = i;
      }
      locs[len + 1] = cp.techEnd[r]!;
      for (let p = 0; p <= len; p++) {
        const to = locs[p + 1]!;
        arcs[p] = to < 0 ? 0 : arcCost(cp, r, locs[p]! * L + to);
      }
    }
    if (len === 0) {
      this.cost[r] = 0;
      this.travel[r] = 0;
      return;
    }
    if (!this.isSimple(r)) {
      this.refreshExact(r);
      return;
    }
    const es = this.earliest[r]!;
    const ls = this.latest[r]!;
    const L = cp.nLocs;
    const inv = cp.invSpeed[r]!;
    const arcs = this.arcs[r]!;
    let cost = cp.fixedCost[r]!;
    for (let p = 0; p <= len; p++) cost += arcs[p]!;
    let travel = 0;
    let prevLoc = cp.techStart[r]!;
    let tFree = cp.shiftStart[r]!;
    for (let i = 0; i < len; i++) {
      const j = seq[i]!;
      const loc = cp.jobLoc[j]!;
      const arc = prevLoc * L + loc;
      const T = cp.dur[arc]! * inv;
      travel += T;
      const arrive = tFree + T;
      const e = cp.jobEarliest[j]!;
      const st = arrive > e ? arrive : e;
      const serv = cp.service[r * n + j]!;
      es[i] = st + serv;
      cost += visitCost(cp, r, j);
      tFree = st + serv;
      prevLoc = loc;
    }
    const endLoc = cp.techEnd[r]!;
    let latestNext: number;
    if (endLoc >= 0) {
      const arc = prevLoc * L + endLoc;
      travel += cp.dur[arc]! * inv;
      latestNext = cp.latestEnd[r]! - cp.dur[arc]! * inv;
    } else {
      latestNext = cp.latestEnd[r]!;
    }
    // Backward: latest service start at i so that everything after stays feasible.
    for (let i = len - 1; i >= 0; i--) {
      const j = seq[i]!;
      const serv = cp.service[r * n + j]!;
      let l = latestNext - serv;
      const lj = cp.jobLatest[j]!;
      if (lj < l) l = lj;
      ls[i] = l;
      if (i > 0) {
        const arc = cp.jobLoc[seq[i - 1]!]! * L + cp.jobLoc[j]!;
        latestNext = l - cp.dur[arc]! * inv;
      }
    }
    let feasible = travel <= cp.maxTravel[r]! + SLACK;
    for (let i = 0; i < len && feasible; i++) {
      if (es[i]! - cp.service[r * n + seq[i]!]! > ls[i]! + SLACK) feasible = false;
    }
    this.cost[r] = feasible ? cost : Infinity;
    this.travel[r] = travel;
  }

  /**
   * Routes needing the exact schedule keep, for pruning, the exact earliest service end of each
   * visit and a relaxed latest service start (windows and travel only, breaks ignored): an
   * insertion that fails the relaxed test is infeasible, so the exact schedule is not run.
   */
  private refreshExact(r: number): void {
    const cp = this.cp;
    const seq = this.seqs[r]!;
    const len = seq.length;
    const ends = this.earliest[r]!;
    const ls = this.latest[r]!;
    this.cost[r] = scheduleRoute(cp, r, seq, len, null, { ends });
    const L = cp.nLocs;
    const n = cp.nJobs;
    const inv = cp.invSpeed[r]!;
    let travel = 0;
    let prevLoc = cp.techStart[r]!;
    for (let i = 0; i < len; i++) {
      const loc = cp.jobLoc[seq[i]!]!;
      travel += cp.dur[prevLoc * L + loc]! * inv;
      prevLoc = loc;
    }
    const endLoc = cp.techEnd[r]!;
    let latestNext = cp.latestEnd[r]!;
    if (endLoc >= 0) {
      travel += cp.dur[prevLoc * L + endLoc]! * inv;
      latestNext -= cp.dur[prevLoc * L + endLoc]! * inv;
    }
    this.travel[r] = travel;
    for (let i = len - 1; i >= 0; i--) {
      const j = seq[i]!;
      let l = latestNext - cp.service[r * n + j]!;
      const lj = latestStart(cp, j);
      if (lj < l) l = lj;
      ls[i] = l;
      if (i > 0) latestNext = l - cp.dur[cp.jobLoc[seq[i - 1]!]! * L + cp.jobLoc[j]!]! * inv;
    }
  }

  fitsCapacity(j: number, r: number): boolean {
    const D = this.cp.nDims;
    for (let d = 0; d < D; d++) {
      if (this.load[r * D + d]! + this.cp.load[j * D + d]! > this.cp.capacity[r * D + d]! + SLACK)
        return false;
    }
    return true;
  }

  /**
   * Cheapest feasible insertion of job j into route r, if cheaper than `bound`. Writes the
   * position to `bestPos` and returns the cost increase (Infinity when none). Each position is
   * skipped with probability `blink` (SISR's blinks).
   */
  bestInsertion(
    j: number,
    r: number,
    bound: number,
    rng: Random | null,
    blink: number,
    from = 0,
    to = Number.MAX_SAFE_INTEGER,
  ): number {
    const cp = this.cp;
    this.bestPos = -1;
    if (cp.compat[r * cp.nJobs + j] === 0 || !this.fitsCapacity(j, r)) return Infinity;
    const seq = this.seqs[r]!;
    const len = seq.length;
    const L = cp.nLocs;
    const n = cp.nJobs;
    const inv = cp.invSpeed[r]!;
    const loc = cp.jobLoc[j]!;
    const serv = cp.service[r * n + j]!;
    const base = visitCost(cp, r, j) + (len === 0 ? cp.fixedCost[r]! : 0);
    let best = bound;
    const simple = this.isSimple(r) && cp.jobComplex[j] === 0;
    const es = this.earliest[r]!;
    const ls = this.latest[r]!;
    const e = cp.jobEarliest[j]!;
    const l = cp.jobLatest[j]!;
    const routeCost = this.cost[r]!;
    const eLoose = simple ? e : earliestStart(cp, j);
    const lLoose = simple ? l : latestStart(cp, j);
    const locs = this.locs[r]!;
    const arcs = this.arcs[r]!;
    const last = to < len ? to : len;
    for (let p = from; p <= last; p++) {
      const prevLoc = locs[p]!;
      const nextLoc = locs[p + 1]!;
      const a1 = prevLoc * L + loc;
      let delta = base + arcCost(cp, r, a1) - arcs[p]!;
      if (nextLoc >= 0) delta += arcCost(cp, r, loc * L + nextLoc);
      if (delta >= best) continue;
      if (blink > 0 && rng !== null && rng.next() < blink) continue;
      if (simple) {
        if (!this.fitsSimple(j, r, p, len, a1, nextLoc)) continue;
        if (cp.maxTravel[r]! < Infinity) {
          let dt = cp.dur[a1]! * inv;
          if (nextLoc >= 0) dt += (cp.dur[loc * L + nextLoc]! - cp.dur[prevLoc * L + nextLoc]!) * inv;
          if (this.travel[r]! + dt > cp.maxTravel[r]! + SLACK) continue;
        }
        best = delta;
        this.bestPos = p;
      } else {
        // Relaxed necessary conditions first (earliest timing, latest starts without breaks).
        const prevEnd = p === 0 ? cp.shiftStart[r]! : es[p - 1]!;
        const arrive = prevEnd + cp.dur[a1]! * inv;
        if (arrive > lLoose + SLACK) continue;
        const fin = (arrive > eLoose ? arrive : eLoose) + serv;
        if (p < len && fin + cp.dur[loc * L + nextLoc]! * inv > ls[p]! + SLACK) continue;
        const s = this.scratch;
        for (let i = 0; i < p; i++) s[i] = seq[i]!;
        s[p] = j;
        for (let i = p; i < len; i++) s[i + 1] = seq[i]!;
        const c = scheduleRoute(cp, r, s, len + 1);
        if (c === Infinity) continue;
        const exact = c - routeCost;
        if (exact < best) {
          best = exact;
          this.bestPos = p;
        }
      }
    }
    return this.bestPos >= 0 ? best : Infinity;
  }

  /**
   * `bestInsertion` restricted to positions from..to of a simple route for a simple job (the
   * granular insertion's case), with less set-up per call. Same result, same use of `rng`:
   * the same cost change and the same `fitsSimple` test, only without the exact-schedule
   * branch and its set-up. Kept apart for that reason: the granular insertion calls it for
   * every neighbour of every job it places, where the set-up would dominate.
   */
  bestInsertionSimple(
    j: number,
    r: number,
    bound: number,
    rng: Random | null,
    blink: number,
    from: number,
    to: number,
  ): number {
    const cp = this.cp;
    this.bestPos = -1;
    if (!this.isSimple(r) || cp.jobComplex[j] !== 0 || cp.maxTravel[r]! < Infinity)
      return this.bestInsertion(j, r, bound, rng, blink, from, to);
    const n = cp.nJobs;
    if (cp.compat[r * n + j] === 0 || !this.fitsCapacity(j, r)) return Infinity;
    const len = this.seqs[r]!.length;
    const L = cp.nLocs;
    const loc = cp.jobLoc[j]!;
    const base = visitCost(cp, r, j) + (len === 0 ? cp.fixedCost[r]! : 0);
    const locs = this.locs[r]!;
    const arcs = this.arcs[r]!;
    const last = to < len ? to : len;
    const sym = cp.symmetric;
    let best = bound;
    for (let p = from; p <= last; p++) {
      const prevLoc = locs[p]!;
      const nextLoc = locs[p + 1]!;
      const a1 = sym ? loc * L + prevLoc : prevLoc * L + loc;
      let delta = base + arcCost(cp, r, a1) - arcs[p]!;
      if (nextLoc >= 0) delta += arcCost(cp, r, loc * L + nextLoc);
      if (delta >= best) continue;
      if (blink > 0 && rng !== null && rng.next() < blink) continue;
      if (!this.fitsSimple(j, r, p, len, a1, nextLoc)) continue;
      best = delta;
      this.bestPos = p;
    }
    return this.bestPos >= 0 ? best : Infinity;
  }

  bestPos = -1;

  /**
   * The constant-time insertion test of a simple job into a simple route: job j at position p
   * (of len), reached over arc a1 (its start place → j; either direction when the matrices are
   * symmetric), followed by nextLoc, keeps its window and the rest of the route its latest
   * starts, or the shift's latest end when it is the last visit. Travel limits are the caller's.
   */
  private fitsSimple(j: number, r: number, p: number, len: number, a1: number, nextLoc: number): boolean {
    const cp = this.cp;
    const L = cp.nLocs;
    const loc = cp.jobLoc[j]!;
    const inv = cp.invSpeed[r]!;
    const prevEnd = p === 0 ? cp.shiftStart[r]! : this.earliest[r]![p - 1]!;
    const arrive = prevEnd + cp.dur[a1]! * inv;
    const e = cp.jobEarliest[j]!;
    const st = arrive > e ? arrive : e;
    if (st > cp.jobLatest[j]! + SLACK) return false;
    const fin = st + cp.service[r * cp.nJobs + j]!;
    if (p === len) {
      const endLoc = cp.techEnd[r]!;
      const back = endLoc >= 0 ? cp.dur[loc * L + endLoc]! * inv : 0;
      return !(fin + back > cp.latestEnd[r]! + SLACK);
    }
    return !(fin + cp.dur[loc * L + nextLoc]! * inv > this.latest[r]![p]! + SLACK);
  }

  private classSeen = new Int32Array(0);
  private round = 0;

  /** Starts a new round of empty-route evaluations (see `emptySeen`). */
  newRound(): void {
    if (this.classSeen.length < this.cp.nTechs) this.classSeen = new Int32Array(this.cp.nTechs);
    if (++this.round >= 0x7fffffff) {
      this.classSeen.fill(0);
      this.round = 1;
    }
  }

  /**
   * True when an empty route interchangeable with r was already evaluated this round; else
   * records r's class as evaluated. Only meaningful for empty routes.
   */
  emptySeen(r: number): boolean {
    const c = this.cp.techClass[r]!;
    if (this.classSeen[c] === this.round) return true;
    this.classSeen[c] = this.round;
    return false;
  }

  snapshot(): number[][] {
    return this.seqs.map((s) => s.slice());
  }

  restore(seqs: number[][]): void {
    this.routeOf.fill(-1);
    for (let r = 0; r < seqs.length; r++) {
      this.seqs[r] = seqs[r]!.slice();
      for (const j of this.seqs[r]!) this.routeOf[j] = r;
      this.refresh(r);
    }
  }
}

/** Earliest possible service start of a job over all its windows. */
function earliestStart(cp: CompiledProblem, j: number): number {
  const w0 = cp.winOffset[j]!;
  return w0 === cp.winOffset[j + 1]! ? -Infinity : cp.winStart[w0]!;
}

/** Latest possible service start of a job over all its windows (with the soft-window allowance). */
function latestStart(cp: CompiledProblem, j: number): number {
  const w0 = cp.winOffset[j]!;
  const w1 = cp.winOffset[j + 1]!;
  if (w0 === w1) return Infinity;
  let l = -Infinity;
  for (let w = w0; w < w1; w++) if (cp.winEnd[w]! > l) l = cp.winEnd[w]!;
  if (cp.latenessCostPerSec > 0 && Number.isNaN(cp.pinStart[j]!)) l += cp.maxLateness;
  return l;
}
