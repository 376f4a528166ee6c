/**
 * The search: ruin-and-recreate with simulated-annealing acceptance (SISR, Christiaens &
 * Vanden Berghe 2020), starting from a greedy construction. Anytime: it stops at the time
 * or iteration budget and keeps the best plan seen.
 */
import type { CompiledProblem } from './data.ts';
import { Random } from './random.ts';
import { RouteSet } from './routes.ts';
import { recreate, insertBest } from './recreate.ts';
import { ruin, DEFAULT_RUIN } from './ruin.ts';
import { LocalSearch } from './localsearch.ts';
import { scheduleRoute, progressOf } from './schedule.ts';
import type { SolveOptions, StartRoute } from './solution.ts';
import { jointSearch, type SearchResult } from './joint-search.ts';
import { IMPROVEMENT, SLACK } from './tolerance.ts';

export type { SearchResult } from './joint-search.ts';

const BLINK = 0.01;

/** Local search inside the ruin-and-recreate loop. */
type IterationLocalSearch =
  /** none: every iteration is one ruin and one recreate */
  | 'off'
  /** a full local search whenever a candidate beats the best plan */
  | 'new-best'
  /** after every recreate, moves of the reinserted jobs only (relocate, swap, or-opt, 2-opt*) */
  | 'reinserted';

/** Search parameters (temperatures relative to the mean arc cost of the first plan). */
const searchTuning = {
  startTemperature: 1,
  endTemperature: 0.01,
  blink: BLINK,
  /** Local search on the constructed plan (cheap, and a much better start for short budgets). */
  constructionLocalSearch: 1,
  /**
   * 'reinserted': at equal CPU time it roughly halved the gap on Gehring & Homberger 200
   * (6 instances, 5 s: 1.61 % → 0.81 %) and helped on Solomon (1 s: 1.72 % → 1.42 %),
   * although an iteration costs about three times as much.
   */
  localSearch: 'reinserted' as IterationLocalSearch,
  /**
   * Passes over the reinserted jobs. At equal CPU time: Solomon (14 × 3 seeds, 1 s) 1.42 % with
   * one pass, 1.17 % with two, 1.01 % until no move improves; Gehring & Homberger 200 (6, 5 s)
   * 0.81 %, 1.02 %, 1.37 %. Two is the compromise.
   */
  localSearchPasses: 2,
  /**
   * Neighbours of a job tried by the local search (correlation neighbours). At equal CPU time,
   * 30 instead of 20: Gehring & Homberger 1000 (R1_10_1, RC2_10_1; 20 s) 2.20 % → 2.13 %,
   * Gehring & Homberger 200 (six, 5 s) 0.21 % → 0.12 %, Solomon (14 × 2 seeds, 1 s) 0.74 % → 0.67 %.
   */
  localSearchNeighbours: 30,
};

export function search(cp: CompiledProblem, options: SolveOptions, startedAt?: number): SearchResult {
  // Linked visits are timed across routes: their own search (plain problems never go there).
  if (cp.links !== null) return jointSearch(cp, options, startedAt);
  const seed = options.seed ?? 1;
  const rng = new Random(seed);
  const clock = options.clock;
  const startMs = startedAt ?? (clock ? clock() : 0);
  const timeLimit = clock && options.timeLimitMs !== undefined ? options.timeLimitMs : Infinity;
  const maxIterations = options.maxIterations ?? (timeLimit < Infinity ? Infinity : 1000 + 10 * cp.nJobs);

  const plan = new RouteSet(cp);
  if (options.start !== undefined) placeStart(plan, options.start);
  construct(plan, rng);
  let current = plan.totalCost();
  let best = current;
  let bestSeqs = plan.snapshot();

  // Temperatures scale with the mean arc cost of the first plan, so that the schedule is
  // independent of the units of the matrices.
  let arcs = 0;
  let travel = 0;
  for (let r = 0; r < cp.nTechs; r++) {
    const len = plan.seqs[r]!.length;
    if (len > 0 && plan.cost[r]! < Infinity) {
      arcs += len + 1;
      travel += plan.cost[r]!;
    }
  }
  const meanArc = arcs > 0 ? travel / arcs : 1;
  const t0 = searchTuning.startTemperature * meanArc;
  const tEnd = searchTuning.endTemperature * meanArc;

  const elapsed = (): number => (clock ? clock() - startMs : 0);
  let iteration = 0;
  const report = (): void => {
    options.onProgress?.(progressOf(cp, bestSeqs, iteration, best, elapsed()));
  };
  report(); // the first complete plan

  const ls = new LocalSearch(cp, searchTuning.localSearchNeighbours);
  if (searchTuning.constructionLocalSearch > 0) {
    // Interrupted by the time budget: every applied move keeps the plan complete and feasible.
    if (timeLimit < Infinity) ls.stop = () => elapsed() >= timeLimit;
    ls.run(plan, rng);
    ls.stop = null;
  }
  // Out of time before the search proper: a valid plan, but not one to keep as final.
  const cutShort = timeLimit < Infinity && elapsed() >= timeLimit;
  // The local search only applies improving moves: the plan is the best so far.
  current = plan.totalCost();
  best = current;
  bestSeqs = plan.snapshot();
  const touched = new Set<number>();
  const journal = new Map<number, number[]>();
  const mark = new Uint8Array(cp.nJobs);
  // Routes changed since the best plan was copied: a new best copies only those, so keeping
  // the best plan costs the size of the change, not of the whole plan.
  const dirty = new Set<number>();
  // Movable jobs left out of the current plan (the recreate step retries them).
  let unassigned = 0;
  for (let j = 0; j < cp.nJobs; j++) if (plan.routeOf[j]! < 0 && cp.jobTechs[j]!.length > 0) unassigned++;
  let lastReport = 0;
  // Nothing to improve without jobs, or with every job fixed in place.
  let movable = 0;
  for (let j = 0; j < cp.nJobs; j++) if (cp.pinPos[j]! < 0 && cp.jobTechs[j]!.length > 0) movable++;
  while (iteration < maxIterations && movable > 0) {
    let progress: number;
    if (timeLimit < Infinity) {
      const now = elapsed();
      if (now >= timeLimit) break;
      progress = now / timeLimit;
      if (options.onProgress && now - lastReport >= 250) {
        lastReport = now;
        report();
      }
    } else {
      progress = iteration / maxIterations;
      if (options.onProgress && iteration % 1000 === 0) report();
    }
    const temperature = t0 * Math.pow(tEnd / t0, progress);
    iteration++;

    touched.clear();
    journal.clear();
    plan.journalCost.clear();
    plan.journal = journal;
    const removed = ruin(plan, rng, DEFAULT_RUIN, touched);
    const ruined = removed.length;
    let delta = 0;
    if (unassigned > 0) {
      addUnassigned(plan, removed, mark, rng);
      for (let k = ruined; k < removed.length; k++) delta -= cp.penalty[removed[k]!]!;
    }
    recreate(plan, removed, rng, searchTuning.blink);
    // Intensify: polish where the plan changed (or, optionally, promising candidates only).
    const mode = searchTuning.localSearch;
    if (mode === 'reinserted') {
      ls.run(plan, rng, searchTuning.localSearchPasses, removed);
    } else if (mode === 'new-best' && current + changeOf(plan) + delta < best - IMPROVEMENT) {
      ls.run(plan, rng);
    }
    let left = 0;
    for (const j of removed) {
      if (plan.routeOf[j]! < 0) {
        left++;
        delta += cp.penalty[j]!;
      }
    }
    delta += changeOf(plan);
    if (delta < -temperature * Math.log(rng.next() + 1e-300)) {
      current += delta;
      unassigned += left - (removed.length - ruined);
      for (const r of journal.keys()) dirty.add(r);
      if (current < best - IMPROVEMENT) {
        // The running total drifts by rounding: confirm against the exact total.
        current = plan.totalCost();
        if (current < best - IMPROVEMENT) {
          best = current;
          for (const r of dirty) bestSeqs[r] = plan.seqs[r]!.slice();
          dirty.clear();
        }
      }
      plan.journal = null;
    } else {
      plan.rollback();
      plan.journal = null;
    }
  }
  plan.journal = null;
  report();
  return { seqs: bestSeqs, cost: best, iterations: iteration, ...(cutShort ? { cutShort } : {}) };
}

/** Change of the routes' costs since the journal was opened. */
function changeOf(plan: RouteSet): number {
  let change = 0;
  for (const [r, before] of plan.journalCost) change += plan.cost[r]! - before;
  return change;
}

/**
 * Jobs left out get another chance: all of them when few, otherwise those near the removed
 * jobs plus a random sample, so that an overloaded day does not make every iteration slow.
 */
function addUnassigned(plan: RouteSet, removed: number[], mark: Uint8Array, rng: Random): void {
  const cp = plan.cp;
  for (const j of removed) mark[j] = 1;
  const pool: number[] = [];
  for (let j = 0; j < cp.nJobs; j++) {
    if (plan.routeOf[j]! < 0 && mark[j] === 0 && cp.jobTechs[j]!.length > 0) pool.push(j);
  }
  const limit = Math.max(10, removed.length);
  if (pool.length <= limit) {
    for (const j of pool) removed.push(j);
  } else {
    const count = removed.length;
    for (let k = 0; k < count; k++) {
      const near = cp.neighbours[removed[k]!]!;
      for (let q = 0; q < Math.min(5, near.length); q++) {
        const c = near[q]!;
        if (plan.routeOf[c]! < 0 && mark[c] === 0 && cp.jobTechs[c]!.length > 0) {
          mark[c] = 1;
          removed.push(c);
        }
      }
    }
    for (let k = 0; k < limit; k++) {
      const c = pool[rng.int(pool.length)]!;
      if (mark[c] === 0) {
        mark[c] = 1;
        removed.push(c);
      }
    }
  }
  for (const j of removed) mark[j] = 0;
}

/**
 * The warm start's routes, in their order: each job is kept on its start route when it is
 * known, served once, compatible with the technician (skills, territory, pin) and the route
 * with it still fits capacity and has a finite exact schedule; otherwise it is left for the
 * construction. A stale start (a job whose window moved) thus costs that job, not its route.
 */
function placeStart(plan: RouteSet, start: readonly StartRoute[]): void {
  const cp = plan.cp;
  const techIndex = new Map(cp.problem.technicians.map((t, i) => [t.id, i]));
  const visitOf = new Map<string, number>();
  cp.problem.jobs.forEach((job, i) => {
    // Jobs served by several routes at once (member visits) are left to the construction.
    if (cp.jobFirstVisit[i + 1]! - cp.jobFirstVisit[i]! === 1) visitOf.set(job.id, cp.jobFirstVisit[i]!);
  });
  const used = new Set<number>();
  const D = cp.nDims;
  const load = new Float64Array(Math.max(1, D));
  for (const route of start) {
    const t = techIndex.get(route.technician);
    if (t === undefined || plan.seqs[t]!.length > 0) continue;
    const seq: number[] = [];
    load.fill(0);
    for (const id of route.jobs) {
      const j = visitOf.get(id);
      if (j === undefined || used.has(j) || cp.compat[t * cp.nJobs + j] === 0) continue;
      if (cp.pinTech[j]! >= 0 && cp.pinTech[j] !== t) continue;
      if (cp.pinPos[j]! >= 0 && cp.pinPos[j] !== seq.length) continue;
      let fits = true;
      for (let d = 0; d < D; d++)
        if (load[d]! + cp.load[j * D + d]! > cp.capacity[t * D + d]! + SLACK) fits = false;
      if (!fits) continue;
      seq.push(j);
      if (scheduleRoute(cp, t, seq, seq.length) === Infinity) {
        seq.pop();
        continue;
      }
      for (let d = 0; d < D; d++) load[d] = load[d]! + cp.load[j * D + d]!;
      used.add(j);
    }
    if (seq.length === 0) continue;
    plan.setRoute(t, seq);
    if (plan.cost[t] === Infinity) {
      plan.setRoute(t, []);
      for (const j of seq) used.delete(j);
    }
  }
}

/** First plan: pinned-position jobs in their order, then everything by greedy insertion. */
function construct(plan: RouteSet, rng: Random): void {
  const cp = plan.cp;
  const pinned: number[] = [];
  const free: number[] = [];
  for (let j = 0; j < cp.nJobs; j++) {
    if (cp.jobTechs[j]!.length === 0 || plan.routeOf[j]! >= 0) continue;
    if (cp.pinPos[j]! >= 0) pinned.push(j);
    else free.push(j);
  }
  pinned.sort((a, b) => cp.pinPos[a]! - cp.pinPos[b]! || a - b);
  for (const j of pinned) insertBest(plan, j, null, 0);
  recreate(plan, free, rng, 0);
}
