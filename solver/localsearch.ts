/**
 * Local search on granular neighbourhoods (Toth & Vigo 2003; Vidal et al. 2013): for each
 * visit u and each of its nearest jobs v, try relocating u next to v, swapping u and v, moving
 * strings of two or three visits after v (or-opt) and exchanging route tails after u and v
 * (2-opt*). A move is first screened by the change of its arc costs. First improvement, until
 * no move improves or the pass limit is reached.
 *
 * Confirming a move: routes whose timing the cached forward/backward data decide (single
 * windows, no breaks, pins, soft windows, work or travel limits; see `RouteSet`) are checked
 * by concatenation: the unchanged prefix is summarised by its earliest service end, the
 * changed part is timed visit by visit, and the unchanged suffix by its latest feasible
 * service start (Savelsbergh 1992; the same idea as Vidal et al. 2013's segment
 * concatenation, restricted to what hard windows with waiting need). That is O(1) for moves
 * between routes and O(changed part) within a route, and the cost change is the arc and work
 * change. Every other route is confirmed by its exact schedule (`scheduleRoute`), so every
 * feature keeps working. New sequences are built only for moves that are applied.
 */
import { arcCost, visitCost } from './arc-cost.ts';
import type { CompiledProblem } from './data.ts';
import type { Random } from './random.ts';
import type { RouteSet } from './routes.ts';
import { scheduleRoute } from './schedule.ts';
import { technicianClasses } from './tech-classes.ts';
import { IMPROVEMENT, SLACK } from './tolerance.ts';

export class LocalSearch {
  private readonly cp: CompiledProblem;
  private readonly a: number[] = [];
  private readonly b: number[] = [];
  private order: number[] = [];
  /** Visits of the changed part of a route (concatenation checks). */
  private mid: Int32Array;
  granularity: number;
  /** Also try moving strings of two and three visits (or-opt). */
  orOpt = true;
  /** Use the concatenation checks where they are exact (off: always the full schedule; for tests). */
  concatenation = true;
  /** Checked once per moved job: true ends the run early (a time budget). */
  stop: (() => boolean) | null = null;

  constructor(cp: CompiledProblem, granularity = 20) {
    this.cp = cp;
    this.granularity = granularity;
    this.mid = new Int32Array(cp.nJobs + 1);
    this.tailClass = technicianClasses(cp, cp.nTechs, cp.nJobs, cp.nDims, 'tail');
  }

  /**
   * Technicians whose cached latest starts hold for each other's route tails (the `tail` key
   * of solver/tech-classes.ts, which cp.techClass extends): 2-opt* between them is checked
   * by concatenation.
   */
  private readonly tailClass: Int32Array;

  /**
   * Improves the plan in place; returns the total gain (≥ 0). With `jobs`, only those jobs
   * are tried as the moved job u (their neighbours may be anywhere).
   */
  run(plan: RouteSet, rng: Random, maxPasses = 8, jobs?: readonly number[]): number {
    const cp = this.cp;
    this.order.length = 0;
    if (jobs !== undefined) {
      for (const j of jobs) if (plan.routeOf[j]! >= 0 && cp.pinPos[j]! < 0) this.order.push(j);
    } else {
      for (let j = 0; j < cp.nJobs; j++) if (plan.routeOf[j]! >= 0 && cp.pinPos[j]! < 0) this.order.push(j);
    }
    rng.shuffle(this.order);
    let gain = 0;
    for (let pass = 0; pass < maxPasses; pass++) {
      let improved = false;
      for (const u of this.order) {
        if (this.stop !== null && this.stop()) return gain;
        const near = cp.granularNeighbours[u]!;
        const k = Math.min(this.granularity, near.length);
        for (let q = 0; q < k; q++) {
          const v = near[q]!;
          if (plan.routeOf[u]! < 0 || plan.routeOf[v]! < 0) continue;
          const g = this.tryMoves(plan, u, v);
          if (g > 0) {
            gain += g;
            improved = true;
          }
        }
      }
      if (!improved) break;
    }
    return gain;
  }

  /** Cost of the arc from → to for technician r (0 into an open end). */
  private arc(r: number, from: number, to: number): number {
    return to < 0 ? 0 : arcCost(this.cp, r, from * this.cp.nLocs + to);
  }

  /** Work cost of job j done by technician r, with what r pays for missing its preferred people. */
  private work(r: number, j: number): number {
    return visitCost(this.cp, r, j);
  }

  /** Whether route r's moves can be confirmed by concatenation. */
  private fast(plan: RouteSet, r: number): boolean {
    return this.concatenation && plan.isSimple(r) && this.cp.maxTravel[r] === Infinity;
  }

  /**
   * Feasibility of route r made of its own first `pre` visits, then mid[0..m), then the visits
   * of route sr from position `suf` on (sr is r or a technician of the same class). Exact for
   * simple routes: the prefix's earliest service end and the suffix's latest service start
   * summarise both, and the changed part is timed visit by visit.
   */
  private feasible(plan: RouteSet, r: number, pre: number, m: number, sr: number, suf: number): boolean {
    const cp = this.cp;
    const L = cp.nLocs;
    const inv = cp.invSpeed[r]!;
    const base = r * cp.nJobs;
    let tFree = pre === 0 ? cp.shiftStart[r]! : plan.earliest[r]![pre - 1]!;
    let prevLoc = plan.locs[r]![pre]!;
    const mid = this.mid;
    for (let k = 0; k < m; k++) {
      const j = mid[k]!;
      const loc = cp.jobLoc[j]!;
      const arrive = tFree + cp.dur[prevLoc * L + loc]! * inv;
      const e = cp.jobEarliest[j]!;
      const st = arrive > e ? arrive : e;
      if (st > cp.jobLatest[j]! + SLACK) return false;
      tFree = st + cp.service[base + j]!;
      prevLoc = loc;
    }
    const lenS = plan.seqs[sr]!.length;
    if (suf < lenS) {
      return tFree + cp.dur[prevLoc * L + plan.locs[sr]![suf + 1]!]! * inv <= plan.latest[sr]![suf]! + SLACK;
    }
    if (pre === 0 && m === 0) return true; // an empty route
    const endLoc = cp.techEnd[r]!;
    const back = endLoc >= 0 ? cp.dur[prevLoc * L + endLoc]! * inv : 0;
    return tFree + back <= cp.latestEnd[r]! + SLACK;
  }

  /** Load of route r with `out` removed and `inLoad` added fits its capacity. */
  private fitsWith(plan: RouteSet, r: number, add: number, drop: number): boolean {
    const cp = this.cp;
    const D = cp.nDims;
    for (let d = 0; d < D; d++) {
      let l = plan.load[r * D + d]!;
      if (add >= 0) l += cp.load[add * D + d]!;
      if (drop >= 0) l -= cp.load[drop * D + d]!;
      if (l > cp.capacity[r * D + d]! + SLACK) return false;
    }
    return true;
  }

  private tryMoves(plan: RouteSet, u: number, v: number): number {
    const cp = this.cp;
    const n = cp.nJobs;
    const ru = plan.routeOf[u]!;
    const rv = plan.routeOf[v]!;
    const su = plan.seqs[ru]!;
    const sv = plan.seqs[rv]!;
    const iu = plan.posOf[u]!;
    const iv = plan.posOf[v]!;
    const locsU = plan.locs[ru]!;
    const locsV = plan.locs[rv]!;
    const lu = cp.jobLoc[u]!;
    const lv = cp.jobLoc[v]!;
    const uPrev = locsU[iu]!;
    const uNext = locsU[iu + 2]!;
    const vPrev = locsV[iv]!;
    const vNext = locsV[iv + 2]!;
    const fastU = this.fast(plan, ru);
    const fastV = ru === rv ? fastU : this.fast(plan, rv);
    // Cached arc costs along both routes: arcsX[p] leaves locsX[p].
    const arcsU = plan.arcs[ru]!;
    const arcsV = plan.arcs[rv]!;
    const removeGain = arcsU[iu]! + arcsU[iu + 1]! - this.arc(ru, uPrev, uNext);
    const mid = this.mid;

    // Relocate u after v, then before v.
    if (cp.compat[rv * n + u]) {
      for (let side = 0; side < 2; side++) {
        const p = side === 0 ? iv + 1 : iv; // after v, then before v (index in sv before removing u)
        if (ru === rv && (p === iu || p === iu + 1)) continue;
        const prev = locsV[p]!;
        const next = locsV[p + 1]!;
        const addCost = this.arc(rv, prev, lu) + this.arc(rv, lu, next) - arcsV[p]!;
        if (addCost - removeGain >= -IMPROVEMENT) continue;
        if (ru === rv) {
          if (fastU) {
            let m = 0;
            let pre: number;
            let suf: number;
            if (p < iu) {
              mid[m++] = u;
              for (let i = p; i < iu; i++) mid[m++] = su[i]!;
              pre = p;
              suf = iu + 1;
            } else {
              for (let i = iu + 1; i < p; i++) mid[m++] = su[i]!;
              mid[m++] = u;
              pre = iu;
              suf = p;
            }
            if (!this.feasible(plan, ru, pre, m, ru, suf)) continue;
          }
          this.a.length = 0;
          for (let i = 0; i <= su.length; i++) {
            if (i === p) this.a.push(u);
            if (i < su.length && i !== iu) this.a.push(su[i]!);
          }
          const g = fastU
            ? this.apply(plan, ru, this.a, -1, null, removeGain - addCost)
            : this.commit(plan, ru, this.a, -1, null);
          if (g > 0) return g;
        } else {
          if (fastU && fastV) {
            if (!this.fitsWith(plan, rv, u, -1)) continue;
            if (!this.feasible(plan, ru, iu, 0, ru, iu + 1)) continue;
            mid[0] = u;
            if (!this.feasible(plan, rv, p, 1, rv, p)) continue;
            const newU = su.length === 1 ? 0 : plan.cost[ru]! - removeGain - this.work(ru, u);
            const newV = plan.cost[rv]! + addCost + this.work(rv, u);
            const gain = plan.cost[ru]! + plan.cost[rv]! - newU - newV;
            if (gain <= IMPROVEMENT) continue;
            this.buildRelocate(su, iu, sv, p, u);
            return this.apply(plan, ru, this.a, rv, this.b, gain);
          }
          this.buildRelocate(su, iu, sv, p, u);
          const g = this.commit(plan, ru, this.a, rv, this.b);
          if (g > 0) return g;
        }
      }
    }

    // Swap u and v.
    if (ru !== rv ? cp.compat[rv * n + u] && cp.compat[ru * n + v] : Math.abs(iu - iv) > 1) {
      const delta =
        this.arc(ru, uPrev, lv) +
        this.arc(ru, lv, uNext) -
        arcsU[iu]! -
        arcsU[iu + 1]! +
        this.arc(rv, vPrev, lu) +
        this.arc(rv, lu, vNext) -
        arcsV[iv]! -
        arcsV[iv + 1]!;
      if (delta < -IMPROVEMENT) {
        if (ru === rv) {
          let ok = true;
          if (fastU) {
            const lo = iu < iv ? iu : iv;
            const hi = iu < iv ? iv : iu;
            let m = 0;
            mid[m++] = su[hi]!;
            for (let i = lo + 1; i < hi; i++) mid[m++] = su[i]!;
            mid[m++] = su[lo]!;
            ok = this.feasible(plan, ru, lo, m, ru, hi + 1);
          }
          if (ok) {
            this.a.length = 0;
            for (const j of su) this.a.push(j === u ? v : j === v ? u : j);
            const g = fastU
              ? this.apply(plan, ru, this.a, -1, null, -delta)
              : this.commit(plan, ru, this.a, -1, null);
            if (g > 0) return g;
          }
        } else if (fastU && fastV) {
          mid[0] = v;
          let ok = this.fitsWith(plan, ru, v, u) && this.fitsWith(plan, rv, u, v);
          ok = ok && this.feasible(plan, ru, iu, 1, ru, iu + 1);
          mid[0] = u;
          ok = ok && this.feasible(plan, rv, iv, 1, rv, iv + 1);
          if (ok) {
            const gain = -delta - this.work(ru, v) + this.work(ru, u) - this.work(rv, u) + this.work(rv, v);
            if (gain > IMPROVEMENT) {
              this.buildSwap(su, sv, u, v);
              return this.apply(plan, ru, this.a, rv, this.b, gain);
            }
          }
        } else {
          this.buildSwap(su, sv, u, v);
          const g = this.commit(plan, ru, this.a, rv, this.b);
          if (g > 0) return g;
        }
      }
    }

    // Or-opt: the string of u and its next one or two visits moves after v.
    for (let m = 2; m <= 3 && this.orOpt; m++) {
      if (iu + m > su.length) break;
      const g = this.moveString(plan, ru, su, iu, m, rv, sv, iv, fastU && fastV);
      if (g > 0) return g;
    }

    // 2-opt*: u is followed by v's successor tail, v by u's successor tail; and the mirror
    // (u's predecessor tail joined before v).
    if (ru !== rv) {
      const sameClass =
        fastU &&
        fastV &&
        this.tailClass[ru] === this.tailClass[rv] &&
        (cp.techClass[ru] === cp.techClass[rv] || this.tailsAllowed(plan, ru, iu, rv, iv));
      const delta1 = this.arc(ru, lu, vNext) + this.arc(rv, lv, uNext) - arcsU[iu + 1]! - arcsV[iv + 1]!;
      if (delta1 < -IMPROVEMENT) {
        if (sameClass) {
          if (
            this.tailsFit(plan, ru, iu + 1, rv, iv + 1) &&
            this.feasible(plan, ru, iu + 1, 0, rv, iv + 1) &&
            this.feasible(plan, rv, iv + 1, 0, ru, iu + 1)
          ) {
            this.buildTails(su, iu + 1, sv, iv + 1);
            return this.apply(plan, ru, this.a, rv, this.b, -delta1);
          }
        } else {
          this.buildTails(su, iu + 1, sv, iv + 1);
          const g = this.commit(plan, ru, this.a, rv, this.b);
          if (g > 0) return g;
        }
      }
      const delta2 = this.arc(ru, uPrev, lv) + this.arc(rv, vPrev, lu) - arcsU[iu]! - arcsV[iv]!;
      if (delta2 < -IMPROVEMENT) {
        if (sameClass) {
          if (
            this.tailsFit(plan, ru, iu, rv, iv) &&
            this.feasible(plan, ru, iu, 0, rv, iv) &&
            this.feasible(plan, rv, iv, 0, ru, iu)
          ) {
            this.buildTails(su, iu, sv, iv);
            return this.apply(plan, ru, this.a, rv, this.b, -delta2);
          }
        } else {
          this.buildTails(su, iu, sv, iv);
          const g = this.commit(plan, ru, this.a, rv, this.b);
          if (g > 0) return g;
        }
      }
    }
    return 0;
  }

  /** Compatibility of every visit from iu on in ru with rv, and from iv on in rv with ru. */
  private tailsAllowed(plan: RouteSet, ru: number, iu: number, rv: number, iv: number): boolean {
    const cp = this.cp;
    const n = cp.nJobs;
    const su = plan.seqs[ru]!;
    const sv = plan.seqs[rv]!;
    for (let i = iu; i < su.length; i++) if (cp.compat[rv * n + su[i]!] === 0) return false;
    for (let i = iv; i < sv.length; i++) if (cp.compat[ru * n + sv[i]!] === 0) return false;
    return true;
  }

  /** a = su without u; b = sv with u inserted before index p. */
  private buildRelocate(su: number[], iu: number, sv: number[], p: number, u: number): void {
    this.a.length = 0;
    this.b.length = 0;
    for (let i = 0; i < su.length; i++) if (i !== iu) this.a.push(su[i]!);
    for (let i = 0; i <= sv.length; i++) {
      if (i === p) this.b.push(u);
      if (i < sv.length) this.b.push(sv[i]!);
    }
  }

  private buildSwap(su: number[], sv: number[], u: number, v: number): void {
    this.a.length = 0;
    this.b.length = 0;
    for (const j of su) this.a.push(j === u ? v : j);
    for (const j of sv) this.b.push(j === v ? u : j);
  }

  /** a = su[0..cu) + sv[cv..]; b = sv[0..cv) + su[cu..]. */
  private buildTails(su: number[], cu: number, sv: number[], cv: number): void {
    this.a.length = 0;
    this.b.length = 0;
    for (let i = 0; i < cu; i++) this.a.push(su[i]!);
    for (let i = cv; i < sv.length; i++) this.a.push(sv[i]!);
    for (let i = 0; i < cv; i++) this.b.push(sv[i]!);
    for (let i = cu; i < su.length; i++) this.b.push(su[i]!);
  }

  /** Capacities after exchanging the tails of ru from cu and of rv from cv. */
  private tailsFit(plan: RouteSet, ru: number, cu: number, rv: number, cv: number): boolean {
    const cp = this.cp;
    const D = cp.nDims;
    const lu = plan.cload[ru]!;
    const lv = plan.cload[rv]!;
    for (let d = 0; d < D; d++) {
      const headU = lu[cu * D + d]!;
      const headV = lv[cv * D + d]!;
      const tailU = plan.load[ru * D + d]! - headU;
      const tailV = plan.load[rv * D + d]! - headV;
      if (headU + tailV > cp.capacity[ru * D + d]! + SLACK) return false;
      if (headV + tailU > cp.capacity[rv * D + d]! + SLACK) return false;
    }
    return true;
  }

  /** Moves su[iu .. iu+m) after sv[iv] when cheaper and feasible; returns the gain. */
  private moveString(
    plan: RouteSet,
    ru: number,
    su: number[],
    iu: number,
    m: number,
    rv: number,
    sv: number[],
    iv: number,
    fast: boolean,
  ): number {
    const cp = this.cp;
    const D = cp.nDims;
    if (ru === rv && iv >= iu - 1 && iv < iu + m) return 0;
    for (let i = iu; i < iu + m; i++) {
      if (!cp.compat[rv * cp.nJobs + su[i]!] || cp.pinPos[su[i]!]! >= 0) return 0;
    }
    const locsU = plan.locs[ru]!;
    const locsV = plan.locs[rv]!;
    const first = locsU[iu + 1]!;
    const last = locsU[iu + m]!;
    const before = locsU[iu]!;
    const after = locsU[iu + m + 1]!;
    const lv = locsV[iv + 1]!;
    const vNext = locsV[iv + 2]!;
    const arcsU = plan.arcs[ru]!;
    const arcU = this.arc(ru, before, after) - arcsU[iu]! - arcsU[iu + m]!;
    const delta = arcU + this.arc(rv, lv, first) + this.arc(rv, last, vNext) - plan.arcs[rv]![iv + 1]!;
    if (delta >= -IMPROVEMENT) return 0;
    const mid = this.mid;
    this.a.length = 0;
    this.b.length = 0;
    if (ru === rv) {
      if (fast) {
        let k = 0;
        let ok: boolean;
        if (iv >= iu + m) {
          for (let i = iu + m; i <= iv; i++) mid[k++] = su[i]!;
          for (let i = iu; i < iu + m; i++) mid[k++] = su[i]!;
          ok = this.feasible(plan, ru, iu, k, ru, iv + 1);
        } else {
          for (let i = iu; i < iu + m; i++) mid[k++] = su[i]!;
          for (let i = iv + 1; i < iu; i++) mid[k++] = su[i]!;
          ok = this.feasible(plan, ru, iv + 1, k, ru, iu + m);
        }
        if (!ok) return 0;
      }
      const v = sv[iv]!;
      for (let i = 0; i < su.length; i++) {
        if (i >= iu && i < iu + m) continue;
        this.a.push(su[i]!);
        if (su[i] === v) for (let k = iu; k < iu + m; k++) this.a.push(su[k]!);
      }
      return fast ? this.apply(plan, ru, this.a, -1, null, -delta) : this.commit(plan, ru, this.a, -1, null);
    }
    let gain = 0;
    if (fast) {
      for (let d = 0; d < D; d++) {
        let l = plan.load[rv * D + d]!;
        for (let i = iu; i < iu + m; i++) l += cp.load[su[i]! * D + d]!;
        if (l > cp.capacity[rv * D + d]! + SLACK) return 0;
      }
      if (!this.feasible(plan, ru, iu, 0, ru, iu + m)) return 0;
      for (let i = iu; i < iu + m; i++) mid[i - iu] = su[i]!;
      if (!this.feasible(plan, rv, iv + 1, m, rv, iv + 1)) return 0;
      // The string's inner arcs and work move from ru to rv.
      let innerU = 0;
      let innerV = 0;
      let workU = 0;
      let workV = 0;
      for (let i = iu; i < iu + m; i++) {
        workU += this.work(ru, su[i]!);
        workV += this.work(rv, su[i]!);
        if (i < iu + m - 1) {
          innerU += arcsU[i + 1]!;
          innerV += this.arc(rv, locsU[i + 1]!, locsU[i + 2]!);
        }
      }
      const newU = su.length === m ? 0 : plan.cost[ru]! + arcU - innerU - workU;
      const newV = plan.cost[rv]! + (delta - arcU) + innerV + workV;
      gain = plan.cost[ru]! + plan.cost[rv]! - newU - newV;
      if (gain <= IMPROVEMENT) return 0;
    }
    for (let i = 0; i < su.length; i++) if (i < iu || i >= iu + m) this.a.push(su[i]!);
    for (let i = 0; i < sv.length; i++) {
      this.b.push(sv[i]!);
      if (i === iv) for (let k = iu; k < iu + m; k++) this.b.push(su[k]!);
    }
    return fast ? this.apply(plan, ru, this.a, rv, this.b, gain) : this.commit(plan, ru, this.a, rv, this.b);
  }

  /** Applies sequences already known to be feasible and `gain` cheaper; returns the gain. */
  private apply(
    plan: RouteSet,
    r1: number,
    s1: number[],
    r2: number,
    s2: number[] | null,
    gain: number,
  ): number {
    if (gain <= IMPROVEMENT) return 0;
    plan.setRoute(r1, s1.slice());
    if (s2 !== null) plan.setRoute(r2, s2.slice());
    return gain;
  }

  /** Applies new sequences for one or two routes when they are feasible and cheaper; returns the gain. */
  private commit(plan: RouteSet, r1: number, s1: number[], r2: number, s2: number[] | null): number {
    const cp = this.cp;
    if (!this.allowed(plan, r1, s1)) return 0;
    if (s2 !== null && !this.allowed(plan, r2, s2)) return 0;
    const c1 = scheduleRoute(cp, r1, s1, s1.length);
    if (c1 === Infinity) return 0;
    let before = plan.cost[r1]!;
    let after = c1;
    if (s2 !== null) {
      before += plan.cost[r2]!;
      if (after - before >= -IMPROVEMENT) return 0;
      const c2 = scheduleRoute(cp, r2, s2, s2.length);
      if (c2 === Infinity) return 0;
      after += c2;
    }
    if (after - before >= -IMPROVEMENT) return 0;
    plan.setRoute(r1, s1.slice());
    if (s2 !== null) plan.setRoute(r2, s2.slice());
    return before - after;
  }

  /** Compatibility and capacity of a whole candidate sequence. */
  private allowed(plan: RouteSet, r: number, seq: number[]): boolean {
    const cp = this.cp;
    const D = cp.nDims;
    const n = cp.nJobs;
    for (const j of seq) if (cp.compat[r * n + j] === 0) return false;
    for (let d = 0; d < D; d++) {
      let total = 0;
      for (const j of seq) total += cp.load[j * D + d]!;
      if (total > cp.capacity[r * D + d]! + SLACK) return false;
    }
    void plan;
    return true;
  }
}
