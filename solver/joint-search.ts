/**
 * The search for problems with linked visits: ruin and recreate over groups (a job's member
 * visits and the jobs linked to it are removed and inserted together, all or none), every plan
 * timed by the joint schedule (solver/links.ts), simulated-annealing acceptance.
 *
 * Insertion screens each position of a visit with the route's own exact schedule under the
 * current releases (a lower bound on the linked timing), then times the few best candidates
 * jointly. Plain problems never come here: their search and its constant-time checks are
 * unchanged.
 */
import type { CompiledProblem } from './data.ts';
import { JointSchedule } from './links.ts';
import { Random } from './random.ts';
import { scheduleRoute } from './schedule.ts';
import type { SolveOptions } from './solution.ts';

/** Routes as visit sequences, their cost and the iterations run (solver/search.ts and the joint search). */
export interface SearchResult {
  seqs: number[][];
  cost: number;
  iterations: number;
}

/** Candidates per visit timed jointly after screening. */
const SCREENED = 6;
const BLINK = 0.01;
/** Least relative fall of the joint cost that counts as an improvement. */
const IMPROVEMENT = 1e-9;
/** Nearest visits tried as swap partners. */
const SWAP_NEIGHBOURS = 10;
/** Most rounds of a local search over the whole plan. */
const LOCAL_SEARCH_ROUNDS = 10;

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

  /** Inserts every visit of group g, or none; returns whether it did. Needs a timed plan. */
  insertGroup(g: number, rng: Random | null, blink: number): boolean {
    const vs = this.cp.links!.groupVisits[g]!;
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
    if (count === 0 || !(removal + this.topD[0]! < -1e-9)) return false;
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
    if (!(screened < -1e-9)) {
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
    const L = this.cp.links!;
    const r = this.routeOf[v]!;
    for (const k of L.diffOf[v]!) {
      const other = L.diffA[k] === v ? L.diffB[k]! : L.diffA[k]!;
      if (this.routeOf[other] === r) return false;
    }
    for (const k of L.sameOf[v]!) {
      const other = L.sameA[k] === v ? L.sameB[k]! : L.sameA[k]!;
      const ro = this.routeOf[other]!;
      if (ro >= 0 && ro !== r) return false;
    }
    return true;
  }

  private loadFits(r: number): boolean {
    const cp = this.cp;
    const D = cp.nDims;
    for (let d = 0; d < D; d++) {
      let sum = 0;
      for (const u of this.seqs[r]!) sum += cp.load[u * D + d]!;
      if (sum > cp.capacity[r * D + d]! + 1e-9) return false;
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
      if (sum > cp.capacity[r * D + d]! + 1e-9) return false;
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
    return true;
  }

  snapshot(): number[][] {
    return this.seqs.map((s) => s.slice());
  }

  restore(seqs: number[][]): void {
    this.routeOf.fill(-1);
    for (let r = 0; r < seqs.length; r++) {
      const seq = seqs[r]!;
      this.seqs[r]!.length = 0;
      for (const v of seq) {
        this.seqs[r]!.push(v);
        this.routeOf[v] = r;
      }
      this.js.touch(r);
    }
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

/** Groups that can be planned at all (no static reason), first visit's penalty times size. */
function groupValue(cp: CompiledProblem, g: number): number {
  let value = 0;
  for (const v of cp.links!.groupVisits[g]!) value += cp.penalty[v]!;
  return value;
}

function plannable(cp: CompiledProblem): number[] {
  const out: number[] = [];
  const groups = cp.links!.groupVisits;
  for (let g = 0; g < groups.length; g++) {
    if (groups[g]!.every((v) => cp.jobTechs[v]!.length > 0)) out.push(g);
  }
  return out;
}

/** A group with a visit pinned to its route position stays where construction put it. */
function pinnedGroup(cp: CompiledProblem, g: number): boolean {
  for (const v of cp.links!.groupVisits[g]!) if (cp.pinPos[v]! >= 0) return true;
  return false;
}

function insertAll(plan: JointPlan, groups: number[], rng: Random, blink: number): void {
  const cp = plan.cp;
  rng.shuffle(groups);
  const pinnedAt = (g: number): number => {
    let at = cp.nJobs;
    for (const v of cp.links!.groupVisits[g]!) if (cp.pinPos[v]! >= 0) at = Math.min(at, cp.pinPos[v]!);
    return at;
  };
  if (rng.int(2) === 0) {
    // Tightest windows first now and then: they have the fewest places to go.
    const width = (g: number): number => {
      const v = cp.links!.groupVisits[g]![0]!;
      return cp.jobLatest[v]! - cp.jobEarliest[v]!;
    };
    groups.sort((a, b) => width(a) - width(b));
  }
  groups.sort((a, b) => pinnedAt(a) - pinnedAt(b) || groupValue(cp, b) - groupValue(cp, a));
  for (const g of groups) plan.insertGroup(g, rng, blink);
}

function unassignedValue(plan: JointPlan, groups: number[]): number {
  let value = 0;
  for (const g of groups) {
    const first = plan.cp.links!.groupVisits[g]![0]!;
    if (plan.routeOf[first]! < 0) value += groupValue(plan.cp, g);
  }
  return value;
}

export function jointSearch(cp: CompiledProblem, options: SolveOptions, startedAt?: number): SearchResult {
  const rng = new Random(options.seed ?? 1);
  const clock = options.clock;
  const startMs = startedAt ?? (clock ? clock() : 0);
  const timeLimit = clock && options.timeLimitMs !== undefined ? options.timeLimitMs : Infinity;
  const maxIterations = options.maxIterations ?? (timeLimit < Infinity ? Infinity : 500 + 5 * cp.nJobs);
  const elapsed = (): number => (clock ? clock() - startMs : 0);
  const groups = plannable(cp);
  const L = cp.links!;

  const plan = new JointPlan(cp);
  plan.evaluate();
  insertAll(plan, groups.slice(), rng, 0);
  const outOfTime = (): boolean => timeLimit < Infinity && elapsed() >= timeLimit;
  const mode = jointTuning.localSearch;
  const placedVisits = (): number[] => {
    const all: number[] = [];
    for (let v = 0; v < cp.nJobs; v++) if (plan.routeOf[v]! >= 0) all.push(v);
    return all;
  };
  // Polishing the constructed plan made the search worse on D3 (three seeds): only the other modes do.
  if (mode === 'reinserted' || mode === 'new-best') plan.improve(placedVisits(), 2, outOfTime);
  const searchLimit = mode === 'off' ? timeLimit : timeLimit * (1 - jointTuning.finalShare);
  let current = plan.evaluate() + unassignedValue(plan, groups);
  let best = current;
  let bestSeqs = plan.snapshot();

  let arcs = 0;
  for (const s of plan.seqs) if (s.length > 0) arcs += s.length + 1;
  const meanArc = arcs > 0 ? Math.max(1e-6, plan.cost / arcs) : 1;
  const t0 = meanArc;
  const tEnd = 0.01 * meanArc;
  const report = (iteration: number): void => {
    if (!options.onProgress) return;
    let served = 0;
    for (const s of bestSeqs) served += s.length;
    options.onProgress({ iteration, bestCost: best, unassigned: cp.nJobs - served, elapsedMs: elapsed() });
  };
  report(0);

  let iteration = 0;
  let lastReport = 0;
  while (iteration < maxIterations && groups.length > 0) {
    let progress: number;
    if (timeLimit < Infinity) {
      const now = elapsed();
      if (now >= searchLimit) break;
      progress = now / searchLimit;
      if (now - lastReport >= 250) {
        lastReport = now;
        report(iteration);
      }
    } else progress = iteration / maxIterations;
    const temperature = t0 * Math.pow(tEnd / t0, progress);
    iteration++;

    const before = plan.snapshot();
    const removed = ruinGroups(plan, rng, groups.length);
    for (const g of groups) {
      if (plan.routeOf[L.groupVisits[g]![0]!]! < 0 && !removed.includes(g)) removed.push(g);
    }
    plan.evaluate();
    insertAll(plan, removed, rng, BLINK);
    if (mode === 'reinserted') {
      const touched: number[] = [];
      for (const g of removed) for (const v of L.groupVisits[g]!) touched.push(v);
      plan.improve(touched, jointTuning.localSearchPasses, outOfTime);
    }
    const candidate = plan.cost + unassignedValue(plan, groups);
    if (candidate < current - temperature * Math.log(rng.next() + 1e-300)) {
      current = candidate;
      if (current < best - 1e-9) {
        if (mode === 'new-best') {
          plan.improve(placedVisits(), LOCAL_SEARCH_ROUNDS, outOfTime);
          current = plan.cost + unassignedValue(plan, groups);
        }
        best = current;
        bestSeqs = plan.snapshot();
      }
    } else {
      plan.restore(before);
    }
  }
  if (mode !== 'off' && groups.length > 0) {
    // The best plan, polished until no move improves it (or the budget is spent).
    plan.restore(bestSeqs);
    plan.improve(placedVisits(), LOCAL_SEARCH_ROUNDS, outOfTime);
    const polished = plan.cost + unassignedValue(plan, groups);
    if (polished < best - 1e-9) {
      best = polished;
      bestSeqs = plan.snapshot();
    }
  }
  if (enforceMinWork(plan, bestSeqs)) {
    bestSeqs = plan.snapshot();
    best = plan.cost + unassignedValue(plan, groups);
  }
  report(iteration);
  return { seqs: bestSeqs, cost: best, iterations: iteration };
}

/**
 * Minimum work as a hard rule on the plan returned: a used route that works less than its
 * technician's minimum is emptied and closed (the technician is not called in), its jobs placed
 * elsewhere where they fit, else left out (marked in cp.minWorkDropped). Returns whether the
 * plan changed; the plan ends up timed.
 */
function enforceMinWork(plan: JointPlan, seqs: number[][]): boolean {
  const cp = plan.cp;
  if (!cp.minWork.some((m) => m > 0)) return false;
  const L = cp.links!;
  plan.restore(seqs);
  let changed = false;
  for (;;) {
    let short = -1;
    for (let r = 0; r < cp.nTechs && short < 0; r++) {
      if (plan.closed[r] || plan.seqs[r]!.length === 0 || cp.minWork[r]! <= 0) continue;
      if (plan.js.routeWork[r]! < cp.minWork[r]! - 1e-9) short = r;
    }
    if (short < 0) return changed;
    changed = true;
    plan.closed[short] = 1;
    const dropped = [...new Set(plan.seqs[short]!.map((v) => L.group[v]!))];
    for (const g of dropped) plan.removeGroup(g);
    plan.evaluate();
    for (const g of dropped) {
      if (plan.insertGroup(g, null, 0)) continue;
      for (const v of L.groupVisits[g]!) cp.minWorkDropped[v] = 1;
    }
    plan.evaluate();
  }
}

/** Removes a few groups near a random assigned visit (or a random few); returns them. */
function ruinGroups(plan: JointPlan, rng: Random, nGroups: number): number[] {
  const cp = plan.cp;
  const L = cp.links!;
  const removed: number[] = [];
  const assigned: number[] = [];
  for (let v = 0; v < cp.nJobs; v++) if (plan.routeOf[v]! >= 0) assigned.push(v);
  if (assigned.length === 0) return removed;
  const count = 1 + rng.int(Math.max(1, Math.min(jointTuning.maxRemoved, Math.ceil(nGroups / 3))));
  const take = (v: number): void => {
    const g = L.group[v]!;
    if (plan.routeOf[v]! < 0 || removed.includes(g) || pinnedGroup(cp, g)) return;
    removed.push(g);
    plan.removeGroup(g);
  };
  if (rng.next() < jointTuning.randomRemoval) {
    for (let k = 0; k < count; k++) take(assigned[rng.int(assigned.length)]!);
    return removed;
  }
  const seed = assigned[rng.int(assigned.length)]!;
  take(seed);
  const near = cp.neighbours[seed]!;
  for (let k = 0; k < near.length && removed.length < count; k++) take(near[k]!);
  return removed;
}
