/**
 * The solve passes. Pass 1 keeps what can be kept. Jobs it could not place that may move (a
 * kept technician or appointment that no longer fits) get a second, short pass with
 * everything placed in pass 1 pinned, their technician preference dropped and their other
 * windows opened; it starts from pass 1's routes, so it begins with what pass 1 serves.
 * Booked jobs still out after that keep their appointments on Amazon, which
 * go on taking store capacity: each gets a hold (booked-holds.ts) and the routes that must
 * make room are planned again around it, the rest staying pinned. Each pass builds its
 * problem once.
 */
import { performance } from 'node:perf_hooks';
import type { Solution, StartRoute } from '../../../solver/solution.ts';
import type { PlannableJob } from '../read/normalise.ts';
import { solveUpdate, type ProgressSink } from '../progress.ts';
import type { RunOptions } from '../run-context.ts';
import type { PlanningSetup } from '../setup/planning-setup.ts';
import type { Plan } from '../write/plan.ts';
import { fitAmazonCapacity } from '../capacity-fit.ts';
import { chooseHolds, unservedBookings, type CapacityHold } from './booked-holds.ts';
import { buildProblem, type BuiltProblem, type Placement } from './build-problem.ts';
import type { SolveRequest } from './solve-in-worker.ts';
import { trueReasons } from './unassigned-reasons.ts';
import { startFromPlan } from './warm-start.ts';

const MAX_HOLD_ROUNDS = 3;
/** Times a round's holds are checked again for booked visits they leave out (optimize-today). */
const MAX_HOLD_CHECKS = 3;

export interface SolveInput {
  setup: PlanningSetup;
  located: Parameters<typeof buildProblem>[1];
  matrix: Parameters<typeof buildProblem>[2];
  /** Placements of the previous plan to keep. */
  keep: Map<string, Placement>;
  /** The plan in force, pass 1's starting point. */
  previous: Plan | undefined;
  /** The run's clock (epoch ms): what Amazon's capacity counts from. */
  now: number;
}

export interface Solved {
  built: BuiltProblem;
  solution: Solution;
  holds: CapacityHold[];
  /** The deadline cut a pass short (its first plan unpolished, or begun with no time left). */
  cutShort: boolean;
}

type Pass = (built: BuiltProblem, budgetMs: number, label: string, start?: StartRoute[]) => Promise<Solution>;

/** Where the passes stand: the last problem and its solution, and what the hold rounds decided. */
interface PassState {
  built: BuiltProblem;
  solution: Solution;
  /** Jobs whose technician preference is dropped and other windows opened. */
  widen: Set<string>;
  holds: CapacityHold[];
  /** Booked jobs left out with a hold, with the reason asked of the problem they were left out of. */
  excluded: Map<string, Solution['unassigned'][number]>;
}

export async function solvePasses(
  input: SolveInput,
  options: RunOptions,
  progress: ProgressSink,
  solver: (req: SolveRequest) => Promise<Solution>,
): Promise<Solved> {
  const { setup, located, matrix } = input;
  const seconds = options.solverSeconds ?? setup.rules.solverBudgetSeconds;
  const step = progress.start('solve', 'Solving');
  // One bar over the whole solve budget: every pass reports the seconds since solving began,
  // so the time left runs down across passes instead of starting again at each one.
  const began = performance.now();
  const first = buildProblem(setup, located, matrix, { keep: input.keep });
  if (first.problem.jobs.length === 0) {
    step.done('no jobs to place');
    return { built: first, solution: emptySolution(), holds: [], cutShort: false };
  }
  // With a deadline, every pass shares what is left of it.
  const deadline =
    options.solveDeadline !== undefined
      ? options.solveDeadline - (options.solveReserveForSize?.(first.problem.jobs.length) ?? 0)
      : undefined;
  let overallMs = seconds * 1000;
  let cutShort = false;
  // What a pass costs beyond its search budget (the problem's trip to the worker, its
  // compilation, the first plan, the way back), as the last pass took it: later passes'
  // budgets leave it out, and a hold round is begun only when its passes still fit.
  let fixedMs = 0;
  const pass: Pass = async (built, budgetMs, label, start = []) => {
    const passBegan = performance.now() - began;
    if (deadline !== undefined && performance.now() >= deadline) cutShort = true;
    const solution = await solver({
      problem: built.problem,
      seed: options.seed ?? 1,
      ...(start.length > 0 ? { start } : {}),
      ...(options.solverIterations !== undefined
        ? { maxIterations: options.solverIterations }
        : { timeLimitMs: budgetMs }),
      // Planners see jobs placed, travel and time left, never the solver's internal cost.
      onProgress: (p) => {
        const u = solveUpdate({
          label,
          passBeganMs: passBegan,
          elapsedMs: p.elapsedMs,
          budgetMs: overallMs,
          jobs: built.problem.jobs.length,
          unassigned: p.unassigned,
          travelSeconds: p.travelDuration,
        });
        step.update(u.value, u.total, u.detail);
      },
    });
    if (solution.stats.cutShort === true) cutShort = true;
    fixedMs = Math.max(0, performance.now() - began - passBegan - budgetMs);
    return solution;
  };
  const left = (): number => (deadline !== undefined ? Math.max(50, deadline - performance.now()) : Infinity);
  const budget = Math.min(seconds * 1000, left());
  overallMs = budget;
  const share = (fraction: number): number =>
    deadline !== undefined
      ? Math.max(50, Math.min(left() - fixedMs, budget * fraction))
      : Math.max(1000, budget * fraction);
  // Without a deadline every pass fits; with one, `passes` more passes of the least budget.
  const fits = (passes: number): boolean =>
    deadline === undefined || deadline - performance.now() >= passes * (fixedMs + 50);
  // Pass 1 starts from the plan in force (warm-start.ts): what it serves is not lost by search luck.
  const state: PassState = {
    built: first,
    solution: await pass(first, budget * 0.6, 'pass 1', startFromPlan(input.previous, first)),
    widen: new Set<string>(),
    holds: [],
    excluded: new Map(),
  };
  const movable = new Set(
    state.solution.unassigned
      .map((u) => first.jobs.get(u.job))
      .filter(
        (j): j is PlannableJob => j !== undefined && j.pin === undefined && j.activeAppointment !== undefined,
      )
      .map((j) => j.serviceJobId),
  );
  if (movable.size > 0) {
    for (const id of movable) state.widen.add(id);
    const widen = state.widen;
    state.built = buildProblem(setup, located, matrix, {
      keep: placed(state.solution, first),
      widen,
      release: widen,
    });
    state.solution = await pass(state.built, share(0.1), 'pass 2', routesOf(state.solution));
  }
  // Booked work left out keeps its appointment: make room for it in its store's capacity, but
  // never at the cost of work the plan serves (a hold that does is not placed).
  // Past the deadline a round is not begun, or is given up before a retry it cannot afford
  // (its passes so far discarded): the capacity check after the passes still keeps the
  // unserved bookings' units free, so the plan never relies on capacity Amazon lacks.
  let holdsCut = false;
  for (let round = 1; round <= MAX_HOLD_ROUNDS; round++) {
    const more = await holdRound(state, round, input, options, {
      pass: (b, label) => pass(b, share(round === 1 ? 0.2 : 0.1), label),
      fits,
    });
    if (more === 'out of time') holdsCut = true;
    if (more !== true) break;
  }
  let solution = state.solution;
  if (state.excluded.size > 0) {
    const listed = new Set(solution.unassigned.map((u) => u.job));
    solution = {
      ...solution,
      unassigned: [...solution.unassigned, ...[...state.excluded.values()].filter((u) => !listed.has(u.job))],
    };
  }
  const built = state.built;
  // Where no hold could be kept for booked work left out, new work never takes its unit.
  solution = fitAmazonCapacity(setup, built, solution, {
    now: input.now,
    releasedAfter: options.kind === 'optimize_today' ? input.now : undefined,
  }).solution;
  const travelHours = solution.routes.reduce((h, r) => h + r.travelDuration, 0) / 3600;
  step.done(
    `${built.problem.jobs.length - solution.unassigned.length} of ${built.problem.jobs.length} jobs placed, travel ${travelHours.toFixed(1)} h` +
      (holdsCut ? '; no time left to hold capacity for every booking left out' : ''),
  );
  return { built, solution, holds: state.holds, cutShort };
}

/**
 * One round of holds: the booked jobs still unserved get a hold each where one can be kept
 * free, and the routes a hold cuts into are planned again. Returns false when there is
 * nothing left to hold (the rounds end), and 'out of time' when the deadline leaves no room
 * for the round's passes: the state is then as before the round.
 */
async function holdRound(
  state: PassState,
  round: number,
  input: SolveInput,
  options: RunOptions,
  run: {
    pass: (built: BuiltProblem, label: string) => Promise<Solution>;
    /** Whether that many more passes fit before the deadline. */
    fits: (passes: number) => boolean;
  },
): Promise<boolean | 'out of time'> {
  const { pass, fits } = run;
  const { setup, located, matrix } = input;
  const { built, solution, holds } = state;
  const unserved = unservedBookings(built, solution);
  if (unserved.length === 0) return false;
  const { holds: chosen, displaced } = chooseHolds(unserved, setup, built, solution, holds, {
    displaceBooked: options.kind !== 'optimize_today',
  });
  if (chosen.length === 0) return false;
  if (!fits(1)) return 'out of time';
  const round_: HoldRound = {
    added: chosen,
    byRoute: new Map(),
    // Visits a hold cuts into are placed again, and may move like pass 2's; the rest stay.
    widened: new Set(state.widen),
    keepNow: placed(solution, built),
  };
  placeHolds(round_, holds);
  for (const id of displaced) if (built.jobs.get(id)?.pin === undefined) round_.widened.add(id);
  for (const id of displaced) round_.keepNow.delete(id);
  const out = new Set([...state.excluded.keys(), ...unserved.map((j) => j.serviceJobId)]);
  const attempt = async (label: string) => {
    const b = buildProblem(setup, located, matrix, {
      keep: round_.keepNow,
      widen: round_.widened,
      release: round_.widened,
      exclude: out,
      holds: round_.byRoute,
    });
    return { b, s: await pass(b, label) };
  };
  let { b: next, s: tried } = await attempt(`room for booked work ${round}`);
  // Work the plan served that a hold's pins left out is placed again, free to move: a hold
  // takes from servable work only what Amazon's capacity really lacks.
  const lost = lostBetween(solution, tried);
  const today =
    options.kind === 'optimize_today'
      ? todaysBookedVisits(state, round_, displaced, unserved, setup)
      : undefined;
  today?.relocate(lost, true);
  const stays = today?.stays ?? new Set<string>();
  const unpin = (ids: readonly string[]): void => {
    for (const id of ids) {
      if (stays.has(id)) continue;
      round_.keepNow.delete(id);
      if (built.jobs.get(id)?.pin === undefined) round_.widened.add(id);
    }
  };
  if (lost.length > 0) {
    if (!fits(1)) return 'out of time';
    unpin(lost);
    ({ b: next, s: tried } = await attempt(`room for booked work ${round}, again`));
  }
  // Placing them again can push out other work the round had pinned at its old start: that
  // is freed the same way, so what a hold leaves out was last tried free to move.
  for (let again = 1; again <= MAX_HOLD_CHECKS; again++) {
    const pinned = lostBetween(solution, tried).filter((id) => round_.keepNow.has(id) && !stays.has(id));
    if (pinned.length === 0) break;
    if (!fits(1)) return 'out of time';
    unpin(pinned);
    ({ b: next, s: tried } = await attempt(`room for booked work ${round}, again`));
  }
  // A hold placed again on another route is checked the same way (it may squeeze that route's
  // lunch or travel too), and the last time round it is left out: the capacity check after
  // the passes keeps its unit free.
  for (let check = 1; today !== undefined && check <= MAX_HOLD_CHECKS; check++) {
    const lostNow = lostBetween(solution, tried);
    if (!today.relocate(lostNow, check < MAX_HOLD_CHECKS)) break;
    if (!fits(1)) return 'out of time';
    unpin(lostNow);
    ({ b: next, s: tried } = await attempt(`room for booked work ${round}, again`));
  }
  // Their reasons are asked of the problem they were left out of.
  const why = new Map(trueReasons(built, solution.unassigned).map((u) => [u.job, u]));
  for (const j of unserved) {
    const u = why.get(j.serviceJobId);
    if (u !== undefined) state.excluded.set(j.serviceJobId, u);
  }
  for (const id of round_.widened) state.widen.add(id);
  holds.push(...round_.added);
  state.solution = tried;
  state.built = next;
  return true;
}

/** The holds a round adds, and the pins and widened jobs of its problem. */
interface HoldRound {
  added: CapacityHold[];
  byRoute: Map<string, CapacityHold[]>;
  widened: Set<string>;
  keepNow: Map<string, Placement>;
}

function placeHolds(round: HoldRound, holds: readonly CapacityHold[]): void {
  round.byRoute.clear();
  for (const h of [...holds, ...round.added])
    round.byRoute.set(h.routeId, [...(round.byRoute.get(h.routeId) ?? []), h]);
}

/**
 * On the day itself a booked visit of a technician at work stays: a hold of this round that
 * leaves one of them out (its route no longer fits it, lunch and travel included) is not
 * placed, and the visit keeps its place. Their bookings get a hold on another route, if one
 * can be kept free for them (`elsewhereAllowed`). `relocate` answers whether it blocked a
 * route; `stays` gathers the visits that stay.
 */
function todaysBookedVisits(
  state: PassState,
  round: HoldRound,
  displaced: ReadonlySet<string>,
  unserved: readonly PlannableJob[],
  setup: PlanningSetup,
): { stays: Set<string>; relocate: (lost: readonly string[], elsewhereAllowed: boolean) => boolean } {
  const { built, solution, holds } = state;
  const stays = new Set<string>();
  const blocked = new Set<string>();
  const routeOf = new Map(
    solution.routes.flatMap((r) => r.visits.map((v) => [v.job, r.technician] as const)),
  );
  const relocate = (lost: readonly string[], elsewhereAllowed: boolean): boolean => {
    const before = blocked.size;
    for (const id of lost) {
      const route = routeOf.get(id);
      if (route === undefined || displaced.has(id) || built.jobs.get(id)?.activeAppointment === undefined)
        continue;
      if (!round.added.some((h) => h.routeId === route)) continue;
      blocked.add(route);
      stays.add(id);
    }
    if (blocked.size === before) return false;
    const moved = new Set(round.added.filter((h) => blocked.has(h.routeId)).map((h) => h.serviceJobId));
    round.added = round.added.filter((h) => !blocked.has(h.routeId));
    if (elsewhereAllowed) {
      const elsewhere = chooseHolds(
        unserved.filter((j) => moved.has(j.serviceJobId)),
        setup,
        { ...built, routes: new Map([...built.routes].filter(([id]) => !blocked.has(id))) },
        solution,
        [...holds, ...round.added],
        { displaceBooked: false },
      );
      round.added = [...round.added, ...elsewhere.holds];
      for (const id of elsewhere.displaced) {
        round.keepNow.delete(id);
        if (built.jobs.get(id)?.pin === undefined) round.widened.add(id);
      }
    }
    placeHolds(round, holds);
    return true;
  };
  return { stays, relocate };
}

/** A solution's routes as the next pass's starting point: later passes begin where the last ended. */
function routesOf(s: Solution): StartRoute[] {
  return s.routes
    .filter((r) => r.visits.length > 0)
    .map((r) => ({ technician: r.technician, jobs: r.visits.map((v) => v.job) }));
}

/** Where a solution puts each job it serves, as pins for the next pass. */
function placed(s: Solution, b: BuiltProblem): Map<string, Placement> {
  const pinned = new Map<string, Placement>();
  for (const r of s.routes) {
    for (const v of r.visits) pinned.set(v.job, { routeId: r.technician, start: b.origin + v.start * 1000 });
  }
  return pinned;
}

/** Jobs `before` serves that `after` does not (each solution's jobs gathered once). */
function lostBetween(before: Solution, after: Solution): string[] {
  const now = servedIds(after);
  return [...servedIds(before)].filter((id) => !now.has(id));
}

/** Jobs a solution serves. */
function servedIds(solution: Solution): Set<string> {
  return new Set(solution.routes.flatMap((r) => r.visits.map((v) => v.job)));
}

function emptySolution(): Solution {
  return {
    routes: [],
    unassigned: [],
    cost: { total: 0, unassigned: 0, lateness: 0, travel: 0, work: 0, overtime: 0, fixed: 0 },
    stats: { iterations: 0, seed: 1 },
  };
}
