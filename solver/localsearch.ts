/**
 * Local search on granular neighbourhoods (Toth & Vigo 2003; Vidal et al. 2013): for each
 * visit u and each of its nearest jobs v, try relocating u next to v, swapping u and v, and
 * exchanging route tails after u and v (2-opt*). A move is first screened by the change of its
 * arc costs, then confirmed by the exact schedule of the changed routes, so that every
 * feature (breaks, several windows, pins, limits) is respected. First improvement, until no
 * move improves or the pass limit is reached.
 */
import type { CompiledProblem } from './data.ts';
import type { Random } from './random.ts';
import type { RouteSet } from './routes.ts';
import { scheduleRoute } from './schedule.ts';

const SCREEN = 1e-9;

export class LocalSearch {
  private readonly cp: CompiledProblem;
  private readonly a: number[] = [];
  private readonly b: number[] = [];
  private order: number[] = [];
  granularity: number;
  /** Also try moving strings of two and three visits (or-opt). */
  orOpt = true;

  constructor(cp: CompiledProblem, granularity = 20) {
    this.cp = cp;
    this.granularity = granularity;
  }

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
        const near = cp.neighbours[u]!;
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

  private arc(r: number, from: number, to: number): number {
    const cp = this.cp;
    if (to < 0 || from < 0) return 0;
    const k = from * cp.nLocs + to;
    const ac = cp.arcCost;
    return ac !== null ? ac[k]! : cp.dist[k]! * cp.costPerDist[r]! + cp.dur[k]! * cp.costPerDur[r]!;
  }

  /** Location before position i of route r (the start for i = 0). */
  private locBefore(plan: RouteSet, r: number, i: number): number {
    return i === 0 ? this.cp.techStart[r]! : this.cp.jobLoc[plan.seqs[r]![i - 1]!]!;
  }

  /** Location at position i of route r (the end, or −1 for an open end, past the last visit). */
  private locAt(plan: RouteSet, r: number, i: number): number {
    const seq = plan.seqs[r]!;
    return i < seq.length ? this.cp.jobLoc[seq[i]!]! : this.cp.techEnd[r]!;
  }

  private tryMoves(plan: RouteSet, u: number, v: number): number {
    const cp = this.cp;
    const ru = plan.routeOf[u]!;
    const rv = plan.routeOf[v]!;
    const su = plan.seqs[ru]!;
    const sv = plan.seqs[rv]!;
    const iu = plan.posOf[u]!;
    const iv = plan.posOf[v]!;
    const lu = cp.jobLoc[u]!;
    const lv = cp.jobLoc[v]!;
    const uPrev = this.locBefore(plan, ru, iu);
    const uNext = this.locAt(plan, ru, iu + 1);
    const removeGain = this.arc(ru, uPrev, lu) + this.arc(ru, lu, uNext) - this.arc(ru, uPrev, uNext);

    // Relocate u after v, then before v.
    if (cp.compat[rv * cp.nJobs + u]) {
      for (let side = 0; side < 2; side++) {
        const p = side === 0 ? iv + 1 : iv; // after v, then before v (index in sv before removing u)
        if (ru === rv && (p === iu || p === iu + 1)) continue;
        const prev = this.locBefore(plan, rv, p);
        const next = this.locAt(plan, rv, p);
        const addCost = this.arc(rv, prev, lu) + this.arc(rv, lu, next) - this.arc(rv, prev, next);
        if (addCost - removeGain >= -SCREEN) continue;
        this.a.length = 0;
        this.b.length = 0;
        if (ru === rv) {
          for (let i = 0; i <= su.length; i++) {
            if (i === p) this.a.push(u);
            if (i < su.length && i !== iu) this.a.push(su[i]!);
          }
          const g = this.commit(plan, ru, this.a, -1, null);
          if (g > 0) return g;
        } else {
          for (let i = 0; i < su.length; i++) if (i !== iu) this.a.push(su[i]!);
          for (let i = 0; i <= sv.length; i++) {
            if (i === p) this.b.push(u);
            if (i < sv.length) this.b.push(sv[i]!);
          }
          const g = this.commit(plan, ru, this.a, rv, this.b);
          if (g > 0) return g;
        }
      }
    }

    // Swap u and v.
    if (ru !== rv ? cp.compat[rv * cp.nJobs + u] && cp.compat[ru * cp.nJobs + v] : Math.abs(iu - iv) > 1) {
      const vPrev = this.locBefore(plan, rv, iv);
      const vNext = this.locAt(plan, rv, iv + 1);
      const delta =
        this.arc(ru, uPrev, lv) +
        this.arc(ru, lv, uNext) -
        this.arc(ru, uPrev, lu) -
        this.arc(ru, lu, uNext) +
        this.arc(rv, vPrev, lu) +
        this.arc(rv, lu, vNext) -
        this.arc(rv, vPrev, lv) -
        this.arc(rv, lv, vNext);
      if (delta < -SCREEN) {
        if (ru === rv) {
          this.a.length = 0;
          for (const j of su) this.a.push(j === u ? v : j === v ? u : j);
          const g = this.commit(plan, ru, this.a, -1, null);
          if (g > 0) return g;
        } else {
          this.a.length = 0;
          this.b.length = 0;
          for (const j of su) this.a.push(j === u ? v : j);
          for (const j of sv) this.b.push(j === v ? u : j);
          const g = this.commit(plan, ru, this.a, rv, this.b);
          if (g > 0) return g;
        }
      }
    }

    // Or-opt: the string of u and its next one or two visits moves after v.
    for (let m = 2; m <= 3 && this.orOpt; m++) {
      if (iu + m > su.length) break;
      const g = this.moveString(plan, ru, su, iu, m, rv, sv, iv);
      if (g > 0) return g;
    }

    // 2-opt*: u is followed by v's successor tail, v by u's successor tail; and the mirror
    // (u's predecessor tail joined before v).
    if (ru !== rv) {
      const vNext = this.locAt(plan, rv, iv + 1);
      const delta1 =
        this.arc(ru, lu, vNext) + this.arc(rv, lv, uNext) - this.arc(ru, lu, uNext) - this.arc(rv, lv, vNext);
      if (delta1 < -SCREEN) {
        this.a.length = 0;
        this.b.length = 0;
        for (let i = 0; i <= iu; i++) this.a.push(su[i]!);
        for (let i = iv + 1; i < sv.length; i++) this.a.push(sv[i]!);
        for (let i = 0; i <= iv; i++) this.b.push(sv[i]!);
        for (let i = iu + 1; i < su.length; i++) this.b.push(su[i]!);
        const g = this.commit(plan, ru, this.a, rv, this.b);
        if (g > 0) return g;
      }
      const vPrev = this.locBefore(plan, rv, iv);
      const delta2 =
        this.arc(ru, uPrev, lv) + this.arc(rv, vPrev, lu) - this.arc(ru, uPrev, lu) - this.arc(rv, vPrev, lv);
      if (delta2 < -SCREEN) {
        this.a.length = 0;
        this.b.length = 0;
        for (let i = 0; i < iu; i++) this.a.push(su[i]!);
        for (let i = iv; i < sv.length; i++) this.a.push(sv[i]!);
        for (let i = 0; i < iv; i++) this.b.push(sv[i]!);
        for (let i = iu; i < su.length; i++) this.b.push(su[i]!);
        const g = this.commit(plan, ru, this.a, rv, this.b);
        if (g > 0) return g;
      }
    }
    return 0;
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
  ): number {
    const cp = this.cp;
    if (ru === rv && iv >= iu - 1 && iv < iu + m) return 0;
    for (let i = iu; i < iu + m; i++) {
      if (!cp.compat[rv * cp.nJobs + su[i]!] || cp.pinPos[su[i]!]! >= 0) return 0;
    }
    const first = cp.jobLoc[su[iu]!]!;
    const last = cp.jobLoc[su[iu + m - 1]!]!;
    const before = this.locBefore(plan, ru, iu);
    const after = this.locAt(plan, ru, iu + m);
    const lv = cp.jobLoc[sv[iv]!]!;
    const vNext = this.locAt(plan, rv, iv + 1);
    const delta =
      this.arc(ru, before, after) -
      this.arc(ru, before, first) -
      this.arc(ru, last, after) +
      this.arc(rv, lv, first) +
      this.arc(rv, last, vNext) -
      this.arc(rv, lv, vNext);
    if (delta >= -SCREEN) return 0;
    this.a.length = 0;
    this.b.length = 0;
    if (ru === rv) {
      const v = sv[iv]!;
      for (let i = 0; i < su.length; i++) {
        if (i >= iu && i < iu + m) continue;
        this.a.push(su[i]!);
        if (su[i] === v) for (let k = iu; k < iu + m; k++) this.a.push(su[k]!);
      }
      return this.commit(plan, ru, this.a, -1, null);
    }
    for (let i = 0; i < su.length; i++) if (i < iu || i >= iu + m) this.a.push(su[i]!);
    for (let i = 0; i < sv.length; i++) {
      this.b.push(sv[i]!);
      if (i === iv) for (let k = iu; k < iu + m; k++) this.b.push(su[k]!);
    }
    return this.commit(plan, ru, this.a, rv, this.b);
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
      if (after - before >= -SCREEN) return 0;
      const c2 = scheduleRoute(cp, r2, s2, s2.length);
      if (c2 === Infinity) return 0;
      after += c2;
    }
    if (after - before >= -SCREEN) return 0;
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
      if (total > cp.capacity[r * D + d]! + 1e-9) return false;
    }
    void plan;
    return true;
  }
}
