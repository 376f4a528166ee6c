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
import { JointPlan, jointTuning } from './joint-plan.ts';
import { Random } from './random.ts';
import { progressOf } from './schedule.ts';
import type { SolveOptions } from './solution.ts';
import { IMPROVEMENT, SLACK } from './tolerance.ts';

/** Routes as visit sequences, their cost and the iterations run (solver/search.ts and the joint search). */
export interface SearchResult {
  seqs: number[][];
  cost: number;
  iterations: number;
  /** The time limit ran out before the first plan was complete and polished (see `SolveStats.cutShort`). */
  cutShort?: boolean;
}

const BLINK = 0.01;
/** Floor of the mean arc cost that scales the annealing temperature (a plan of zero-cost arcs). */
const LEAST_MEAN_ARC = 1e-6;
/** Most rounds of a local search over the whole plan. */
const LOCAL_SEARCH_ROUNDS = 10;

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
  const cutShort = outOfTime();
  const searchLimit = mode === 'off' ? timeLimit : timeLimit * (1 - jointTuning.finalShare);
  let current = plan.evaluate() + unassignedValue(plan, groups);
  let best = current;
  let bestSeqs = plan.snapshot();

  let arcs = 0;
  for (const s of plan.seqs) if (s.length > 0) arcs += s.length + 1;
  const meanArc = arcs > 0 ? Math.max(LEAST_MEAN_ARC, plan.cost / arcs) : 1;
  const t0 = meanArc;
  const tEnd = 0.01 * meanArc;
  const report = (iteration: number): void => {
    options.onProgress?.(progressOf(cp, bestSeqs, iteration, best, elapsed()));
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
      if (current < best - IMPROVEMENT) {
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
    if (polished < best - IMPROVEMENT) {
      best = polished;
      bestSeqs = plan.snapshot();
    }
  }
  if (enforceMinWork(plan, bestSeqs)) {
    bestSeqs = plan.snapshot();
    best = plan.cost + unassignedValue(plan, groups);
  }
  report(iteration);
  return { seqs: bestSeqs, cost: best, iterations: iteration, ...(cutShort ? { cutShort } : {}) };
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
      if (plan.js.routeWork[r]! < cp.minWork[r]! - SLACK) short = r;
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
