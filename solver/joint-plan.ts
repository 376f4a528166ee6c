/**
 * The plan of the joint search (solver/joint-search.ts): routes as visit sequences timed by
 * the joint schedule (solver/links.ts), and the moves on it: a group's insertion (each position
 * screened with the route's own exact schedule under the current releases, the few best timed
 * jointly), its removal, and the local search's relocate and swap.
 */
import type { CompiledProblem } from './data.ts';
import { JointSchedule } from './links.ts';
import type { Random } from './random.ts';
import { scheduleRoute } from './schedule.ts';
import { IMPROVEMENT, SLACK } from './tolerance.ts';

/** Candidates per visit timed jointly after screening. */
const SCREENED = 6;
/** Nearest visits tried as swap partners. */
const SWAP_NEIGHBOURS = 10;

/** Search parameters of the joint search. */
export const jointTuning = {
  /** Most groups removed by one ruin step (25 beat 6, 12 and 40 on C1, D2, E3, E7 at 2 s). */
  maxRemoved: 25,
  /** Share of ruin steps that remove random groups instead of neighbours. */
  randomRemoval: 0.25,
  /**
   * Local search of the constructed plan and of the best plan at the end ('final'), also on the
   * visits each recreate put back ('reinserted') or on every new best plan ('new-best'); 'off' = none.
   */
  localSearch: 'final' as 'reinserted' | 'new-best' | 'final' | 'off',
  /** Share of the time budget kept for the local search of the best plan at the end. */
  finalShare: 0.05,
  /** Rounds of the local search around the reinserted visits. */
  localSearchPasses: 1,
  /** Moves of the local search. */
  moves: { group: true, relocate: true, swap: true },
};

export class JointPlan {
  readonly cp: CompiledProblem;
  readonly seqs: number[][];
  readonly routeOf: Int32Array;
  readonly js: JointSchedule;
  /** Joint cost of the routes (Infinity while a change is being tried). */
  cost = 0;
  /** Routes that take no more visits (technicians not called in). */
  readonly closed: Uint8Array;
  private readonly buffer: number[] = [];
  private readonly seenClass: Int32Array;
  private readonly topR = new Int32Array(SCREENED);
  private readonly topP = new Int32Array(SCREENED);
  private readonly topD = new Float64Array(SCREENED);

  constructor(cp: CompiledProblem) {
    this.cp = cp;
    this.seqs = Array.from({ length: cp.nTechs }, () => []);
    this.routeOf = new Int32Array(cp.nJobs).fill(-1);
    this.js = new JointSchedule(cp);
    this.seenClass = new Int32Array(cp.nTechs).fill(-1);
    this.closed = new Uint8Array(cp.nTechs);
  }

  evaluate(): number {
    this.cost = this.js.evaluate(this.seqs, this.routeOf);
    return this.cost;
  }

  private put(v: number, r: number, pos: number): void {
    this.seqs[r]!.splice(pos, 0, v);
    this.routeOf[v] = r;
    this.js.touch(r);
  }

  private take(v: number): void {
    const r = this.routeOf[v]!;
    const seq = this.seqs[r]!;
    seq.splice(seq.indexOf(v), 1);
    this.routeOf[v] = -1;
    this.js.touch(r);
  }

  removeGroup(g: number): void {
    for (const v of this.cp.links!.groupVisits[g]!) if (this.routeOf[v]! >= 0) this.take(v);
  }

  /**
   * Inserts every visit of group g, or none; returns whether it did. Needs a timed plan. A group
   * with parts on consecutive shifts that does not go in greedily is tried again with its first
   * visit held to each of its routes in turn (the first part's best day may leave no room for
   * the others on the days after).
   */
  insertGroup(g: number, rng: Random | null, blink: number): boolean {
    const L = this.cp.links!;
    const vs = L.groupVisits[g]!;
    if (this.insertVisits(vs, rng, blink)) return true;
    const anchor = vs[0]!;
    if (!vs.some((v) => L.dayOf[v]!.length > 0)) return false;
    this.heldVisit = anchor;
    try {
      for (const r of this.cp.jobTechs[anchor]!) {
        this.heldRoute = r;
        if (this.insertVisits(vs, rng, blink)) return true;
      }
    } finally {
      this.heldVisit = -1;
    }
    return false;
  }

  /** A visit held to one route while its group is inserted (−1 = none). */
  private heldVisit = -1;
  private heldRoute = -1;

  private insertVisits(vs: Int32Array, rng: Random | null, blink: number): boolean {
    for (const v of vs) {
      if (!this.insertVisit(v, rng, blink)) {
        for (const u of vs) if (this.routeOf[u]! >= 0) this.take(u);
        this.evaluate();
        return false;
      }
    }
    return true;
  }

  /** Route whose cost without the visit being placed is `baseCost` (-1 = none), for screening. */
  private baseRoute = -1;
  private baseCost = 0;

  /**
   * The SCREENED cheapest positions of visit v (release rel) by each route's own schedule,
   * sorted into topR/topP/topD; returns how many there are.
   */
  private screen(v: number, rel: number, rng: Random | null, blink: number): number {
    const cp = this.cp;
    const release = cp.release!;
    // The SCREENED cheapest positions by the route's own schedule, kept sorted.
    const topR = this.topR;
    const topP = this.topP;
    const topD = this.topD;
    let count = 0;
    const techs = cp.jobTechs[v]!;
    this.seenClass.fill(-1);
    for (let k = 0; k < techs.length; k++) {
      const r = techs[k]!;
      if (this.closed[r] || !this.routeAllowed(v, r) || !this.fitsLoad(v, r)) continue;
      if (v === this.heldVisit && r !== this.heldRoute) continue;
      const seq = this.seqs[r]!;
      if (seq.length === 0) {
        const cls = cp.techClass[r]!;
        if (this.seenClass[cls] === 1) continue;
        this.seenClass[cls] = 1;
      }
      const base = r === this.baseRoute ? this.baseCost : this.js.routeCost[r]!;
      const buf = this.buffer;
      for (let p = 0; p <= seq.length; p++) {
        if (rng !== null && blink > 0 && rng.next() < blink) continue;
        buf.length = 0;
        for (let i = 0; i < p; i++) buf.push(seq[i]!);
        buf.push(v);
        for (let i = p; i < seq.length; i++) buf.push(seq[i]!);
        release[v] = rel;
        const c = scheduleRoute(cp, r, buf, buf.length);
        release[v] = -Infinity;
        if (c === Infinity) continue;
        const d = c - base;
        if (count === SCREENED && d >= topD[SCREENED - 1]!) continue;
        let at = count < SCREENED ? count++ : SCREENED - 1;
        while (at > 0 && topD[at - 1]! > d) {
          topD[at] = topD[at - 1]!;
          topR[at] = topR[at - 1]!;
          topP[at] = topP[at - 1]!;
          at--;
        }
        topD[at] = d;
        topR[at] = r;
        topP[at] = p;
      }
    }
    return count;
  }

  /** Best joint position of one visit, given the visits placed so far. */
  insertVisit(v: number, rng: Random | null, blink: number): boolean {
    // Releases from partners already placed: a lower bound on v's start.
    const rel = this.partnerRelease(v);
    const count = this.screen(v, rel, rng, blink);
    if (count === 0) return false;
    let best = Infinity;
    let bestR = -1;
    let bestP = -1;
    this.js.save();
    for (let k = 0; k < count; k++) {
      const r = this.topR[k]!;
      const p = this.topP[k]!;
      this.put(v, r, p);
      const total = this.js.evaluateInsertion(this.seqs, this.routeOf, r);
      this.take(v);
      this.js.restore();
      if (total < best) {
        best = total;
        bestR = r;
        bestP = p;
      }
    }
    if (bestR < 0) return false;
    this.put(v, bestR, bestP);
    // The plan kept is timed from scratch.
    if (this.evaluate() === Infinity) {
      this.take(v);
      this.evaluate();
      return false;
    }
    return true;
  }

  /**
   * Relocate: visit v taken out and put back at its best joint place (any route, any position,
   * its links kept). Kept only when the joint cost falls; returns whether it moved.
   */
  relocate(v: number): boolean {
    const r0 = this.routeOf[v]!;
    if (r0 < 0 || this.cp.pinPos[v]! >= 0) return false;
    const before = this.cost;
    const seq0 = this.seqs[r0]!;
    const at = seq0.indexOf(v);
    // Screen: the route without v and v's best place, each timed alone under the current releases.
    const ownRelease = this.cp.release![v]!;
    seq0.splice(at, 1);
    this.routeOf[v] = -1;
    const without = scheduleRoute(this.cp, r0, seq0, seq0.length);
    this.baseRoute = r0;
    this.baseCost = without;
    const count = without === Infinity ? 0 : this.screen(v, this.partnerRelease(v), null, 0);
    this.baseRoute = -1;
    const removal = without - this.js.routeCost[r0]!;
    seq0.splice(at, 0, v);
    this.routeOf[v] = r0;
    this.cp.release![v] = ownRelease;
    if (count === 0 || !(removal + this.topD[0]! < -IMPROVEMENT)) return false;
    this.take(v);
    this.evaluate();
    const placed = this.cost < Infinity && this.insertVisit(v, null, 0);
    if (placed && this.cost < before - IMPROVEMENT * Math.max(1, Math.abs(before))) return true;
    if (this.routeOf[v]! >= 0) this.take(v);
    this.put(v, r0, at);
    this.evaluate();
    return false;
  }

  /**
   * Group move: every visit of group g taken out together and inserted again (members of a
   * synchronised job move to a new common start at once). Kept only when the joint cost falls.
   */
  reinsertGroup(g: number): boolean {
    const vs = this.cp.links!.groupVisits[g]!;
    for (const v of vs) if (this.routeOf[v]! < 0 || this.cp.pinPos[v]! >= 0) return false;
    const before = this.cost;
    const routes = [...new Set(Array.from(vs, (v) => this.routeOf[v]!))];
    const seqsBefore = routes.map((r) => this.seqs[r]!.slice());
    this.removeGroup(g);
    this.evaluate();
    if (this.cost < Infinity && this.insertGroup(g, null, 0)) {
      if (this.cost < before - IMPROVEMENT * Math.max(1, Math.abs(before))) return true;
    }
    this.removeGroup(g);
    routes.forEach((r, k) => {
      const seq = this.seqs[r]!;
      seq.length = 0;
      for (const u of seqsBefore[k]!) {
        seq.push(u);
        this.routeOf[u] = r;
      }
      this.js.touch(r);
    });
    this.evaluate();
    return false;
  }

  /**
   * Swap: visits v and u on different routes trade places. Screened by the two routes' own
   * schedules under the current releases, then timed jointly; kept only when the joint cost
   * falls. Returns whether it swapped.
   */
  swap(v: number, u: number): boolean {
    const cp = this.cp;
    const ra = this.routeOf[v]!;
    const rb = this.routeOf[u]!;
    if (ra < 0 || rb < 0 || ra === rb || cp.pinPos[v]! >= 0 || cp.pinPos[u]! >= 0) return false;
    if (!cp.compat[rb * cp.nJobs + v] || !cp.compat[ra * cp.nJobs + u]) return false;
    const sa = this.seqs[ra]!;
    const sb = this.seqs[rb]!;
    const ia = sa.indexOf(v);
    const ib = sb.indexOf(u);
    sa[ia] = u;
    sb[ib] = v;
    this.routeOf[u] = ra;
    this.routeOf[v] = rb;
    const undo = (): void => {
      sa[ia] = v;
      sb[ib] = u;
      this.routeOf[v] = ra;
      this.routeOf[u] = rb;
    };
    if (!this.linksAllowOn(v) || !this.linksAllowOn(u) || !this.loadFits(ra) || !this.loadFits(rb)) {
      undo();
      return false;
    }
    // Screen: the two new routes timed alone under the releases of the current plan.
    const release = cp.release!;
    const relV = release[v]!;
    const relU = release[u]!;
    release[v] = this.partnerRelease(v);
    release[u] = this.partnerRelease(u);
    const ca = scheduleRoute(cp, ra, sa, sa.length);
    const cb = ca === Infinity ? Infinity : scheduleRoute(cp, rb, sb, sb.length);
    release[v] = relV;
    release[u] = relU;
    const screened = ca + cb - this.js.routeCost[ra]! - this.js.routeCost[rb]!;
    if (!(screened < -IMPROVEMENT)) {
      undo();
      return false;
    }
    const before = this.cost;
    this.js.touch(ra);
    this.js.touch(rb);
    if (this.evaluate() < before - IMPROVEMENT * Math.max(1, Math.abs(before))) return true;
    undo();
    this.js.touch(ra);
    this.js.touch(rb);
    this.evaluate();
    return false;
  }

  /** Earliest start that v's placed partners (other than on its own route) allow. */
  private partnerRelease(v: number): number {
    const L = this.cp.links!;
    let rel = -Infinity;
    for (const c of L.consOf[v]!) {
      const a = L.consA[c]!;
      const b = L.consB[c]!;
      if (b === v && this.routeOf[a]! >= 0) rel = Math.max(rel, this.js.start[a]! + L.consLo[c]!);
      if (a === v && this.routeOf[b]! >= 0) rel = Math.max(rel, this.js.start[b]! - L.consHi[c]!);
    }
    return rel;
  }

  /** Different- and same-technician links of v hold where v now is. */
  private linksAllowOn(v: number): boolean {
    return this.routeAllowed(v, this.routeOf[v]!);
  }

  private loadFits(r: number): boolean {
    const cp = this.cp;
    const D = cp.nDims;
    for (let d = 0; d < D; d++) {
      let sum = 0;
      for (const u of this.seqs[r]!) sum += cp.load[u * D + d]!;
      if (sum > cp.capacity[r * D + d]! + SLACK) return false;
    }
    return true;
  }

  /**
   * Local search around the given visits: group moves, relocations and swaps with the nearest
   * visits, each kept only when the joint cost falls, for at most `passes` rounds.
   */
  improve(visits: number[], passes: number, deadline: () => boolean): void {
    const cp = this.cp;
    const L = cp.links!;
    for (let pass = 0; pass < passes; pass++) {
      let moved = false;
      const seenGroup = new Set<number>();
      for (const v of visits) {
        if (deadline()) return;
        if (this.routeOf[v]! < 0) continue;
        const g = L.group[v]!;
        if (jointTuning.moves.group && L.groupVisits[g]!.length > 1 && !seenGroup.has(g)) {
          seenGroup.add(g);
          if (this.reinsertGroup(g)) moved = true;
        }
        if (jointTuning.moves.relocate && this.relocate(v)) moved = true;
        const near = cp.neighbours[v]!;
        for (let k = 0; jointTuning.moves.swap && k < near.length && k < SWAP_NEIGHBOURS; k++) {
          const u = near[k]!;
          if (this.routeOf[v]! < 0) break;
          if (this.swap(v, u)) moved = true;
        }
      }
      if (!moved) return;
    }
  }

  private fitsLoad(v: number, r: number): boolean {
    const cp = this.cp;
    const D = cp.nDims;
    for (let d = 0; d < D; d++) {
      let sum = cp.load[v * D + d]!;
      if (sum === 0) continue;
      for (const u of this.seqs[r]!) sum += cp.load[u * D + d]!;
      if (sum > cp.capacity[r * D + d]! + SLACK) return false;
    }
    return true;
  }

  /** Different- and same-technician links with visits already placed. */
  private routeAllowed(v: number, r: number): boolean {
    const L = this.cp.links!;
    for (const k of L.diffOf[v]!) {
      const other = L.diffA[k] === v ? L.diffB[k]! : L.diffA[k]!;
      if (this.routeOf[other] === r) return false;
    }
    for (const k of L.sameOf[v]!) {
      const other = L.sameA[k] === v ? L.sameB[k]! : L.sameA[k]!;
      const ro = this.routeOf[other]!;
      if (ro >= 0 && ro !== r) return false;
    }
    for (const k of L.dayOf[v]!) {
      if (L.dayA[k] === v) {
        const rb = this.routeOf[L.dayB[k]!]!;
        if (rb >= 0 && L.nextShift[r] !== rb) return false;
      } else {
        const ra = this.routeOf[L.dayA[k]!]!;
        if (ra >= 0 && L.nextShift[ra] !== r) return false;
      }
    }
    return true;
  }

  snapshot(): number[][] {
    return this.seqs.map((s) => s.slice());
  }

  restore(seqs: number[][]): void {
    this.routeOf.fill(-1);
    seqs.forEach((seq, r) => {
      // Refilled in place: the plan's route arrays are never replaced.
      const own = this.seqs[r]!;
      own.length = 0;
      for (const v of seq) {
        own.push(v);
        this.routeOf[v] = r;
      }
      this.js.touch(r);
    });
    this.evaluate();
  }
}

/**
 * Whether these visits (all of them, honouring the links among them and with the plan) could be
 * added to the plan `seqs` (null = an empty plan). Used to explain jobs left out.
 */
export function fitsInto(cp: CompiledProblem, seqs: number[][] | null, visits: ArrayLike<number>): boolean {
  const plan = new JointPlan(cp);
  if (seqs) plan.restore(seqs);
  else plan.evaluate();
  if (plan.cost === Infinity) return false;
  for (let k = 0; k < visits.length; k++) if (!plan.insertVisit(visits[k]!, null, 0)) return false;
  return true;
}
