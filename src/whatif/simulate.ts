/**
 * The what-if simulation, plain computation (runs in a worker thread): K seeded sample days,
 * each planned for the base crews and for the scenario's with the solver on an iteration
 * budget, so the same request always gives the same answer. Base and scenario share their
 * random draws (common random numbers): with the same demand changes they plan the same jobs.
 *
 * The scenario's plan of a day is the better (more jobs served, then lower cost) of a fresh
 * solve and the base plan of that day carried over, when every route of the base plan is still
 * feasible in the scenario (checked with the exact route schedule). Adding technicians
 * therefore never lowers the served share of a sampled day.
 */
import { DateTime } from 'luxon';
import { compileProblem, solve, type Solution } from '../../solver/index.ts';
import { writeSolution } from '../../solver/output.ts';
import { Random } from '../../solver/random.ts';
import { buildProblem, type BuiltProblem } from '../pipeline/solve/build-problem.ts';
import { partOf } from '../pipeline/solve/multi-day.ts';
import type { Located } from '../pipeline/solve/geography.ts';
import type { CandidateWindow, PlannableJob } from '../pipeline/read/normalise.ts';
import { setupFromConfig } from '../pipeline/setup/from-config.ts';
import type { PlanningSetup } from '../pipeline/setup/planning-setup.ts';
import type { PlanningConfig } from '../config/index.ts';
import { engineCapacity } from '../capacity/engine.ts';
import type { DayModel } from '../capacity/day-model.ts';
import { routeFeasible } from '../capacity/insertion.ts';
import type { DemandTemplate, PreparedWhatIf } from './demand.ts';
import { staffingBound, type LpTechnician, type StaffingBound } from './lp.ts';
import { samplePlan, type SampleDayPlan } from './sample-plan.ts';
import { demandWeight, durationFactor, type WhatIfChanges } from './scenario.ts';

interface DayResult {
  sample: number;
  day: string;
  jobs: number;
  served: number;
  servedPct: number;
  unservedByReason: Record<string, number>;
  travelHours: number;
  serviceHours: number;
  overtimeHours: number;
  utilisationPct: number;
  technicians: number;
  /** Free capacity per slot (local label) for the capacity skill, on the day's plan. */
  capacityPerSlot: Record<string, number>;
  staffing: StaffingBound;
  /** The scenario's plan came from the base plan carried over. */
  carriedOver: boolean;
}

export interface Distribution {
  mean: number;
  min: number;
  p10: number;
  median: number;
  p90: number;
  max: number;
}

interface VariantSummary {
  servedPct: Distribution;
  travelHours: Distribution;
  utilisationPct: Distribution;
  overtimeHours: Distribution;
  unservedByReason: Record<string, Distribution>;
  capacityPerSlot: Record<string, Distribution>;
  /** Staffing bound per sample: the largest over the sampled days (enough for every one of them). */
  staffingTechnicians: Distribution | null;
  staffingBySkill: Record<string, number>;
}

/**
 * The sampled day whose served share is nearest the median for both base and scenario, with
 * both plans as the board draws them (made-up job ids, postal-code centroids).
 */
interface RepresentativeDay {
  sample: number;
  day: string;
  base: SampleDayPlan;
  scenario: SampleDayPlan;
}

/** The sampled days of base and scenario, summarised (the what-if's result without the staffing search). */
export interface SampledResult {
  samples: number;
  seed: number;
  iterations: number;
  targetServedPct: number;
  capacitySkill: string | null;
  base: { summary: VariantSummary; days: DayResult[] };
  scenario: { summary: VariantSummary; days: DayResult[] };
  /** Null when the request asked for no plans (`samplePlans: false`). */
  representative: RepresentativeDay | null;
}

const HOUR = 3600;

function poisson(rng: Random, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda > 50) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal(rng)));
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k += 1;
    p *= rng.next();
  } while (p > l);
  return k - 1;
}

function normal(rng: Random): number {
  const u = Math.max(1e-12, rng.next());
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

export function distribution(xs: readonly number[]): Distribution {
  if (xs.length === 0) return { mean: 0, min: 0, p10: 0, median: 0, p90: 0, max: 0 };
  const s = [...xs].sort((a, b) => a - b);
  const q = (f: number): number => s[Math.min(s.length - 1, Math.max(0, Math.ceil(f * s.length) - 1))]!;
  const round = (x: number): number => Math.round(x * 100) / 100;
  return {
    mean: round(s.reduce((a, b) => a + b, 0) / s.length),
    min: round(s[0]!),
    p10: round(q(0.1)),
    median: round(q(0.5)),
    p90: round(q(0.9)),
    max: round(s[s.length - 1]!),
  };
}

interface SampledJob {
  id: string;
  template: DemandTemplate;
}

/** The day's jobs for one variant: Poisson volume (exact volume for a date base), templates drawn by weight. */
function sampleJobs(p: PreparedWhatIf, k: number, scale: WhatIfChanges['scaleDemand']): SampledJob[] {
  const rng = new Random(p.options.seed * 7919 + k);
  const weights = p.templates.map((t) => demandWeight(t, scale));
  const total = weights.reduce((a, b) => a + b, 0);
  const lambda = (p.rate * total) / Math.max(1, p.templates.length);
  const n = p.days.length === 1 ? Math.round(lambda) : poisson(rng, lambda);
  const out: SampledJob[] = [];
  if (total <= 0) return out;
  for (let i = 0; i < n; i++) {
    let x = rng.next() * total;
    let pick = 0;
    while (pick < weights.length - 1 && x >= weights[pick]!) x -= weights[pick++]!;
    out.push({ id: `s${k}-j${i}`, template: p.templates[pick]! });
  }
  return out;
}

function toJobs(p: PreparedWhatIf, setup: PlanningSetup, day: string, sampled: SampledJob[]): PlannableJob[] {
  const midnight = DateTime.fromISO(day, { zone: p.timeZone }).startOf('day');
  const reading = setup.rules.appointmentTime;
  const slots = setup.stores[0]?.slots ?? [];
  return sampled.map(({ id, template }) => {
    const minutes = Math.max(
      1,
      Math.round(template.durationMinutes * durationFactor(template.skills, p.changes.scaleDurations)),
    );
    const windows: CandidateWindow[] =
      template.windows !== null
        ? template.windows.map((w) => {
            const start = midnight.plus({ minutes: w.startMin }).toMillis();
            const end = midnight.plus({ minutes: w.endMin }).toMillis();
            return { start, end, appointment: undefined };
          })
        : slots.map((s) => ({
            start: s.start,
            end: reading === 'service-interval' ? Math.max(s.start, s.end - minutes * 60_000) : s.end,
            appointment: undefined,
          }));
    return {
      serviceJobId: id,
      storeId: p.storeId,
      status: 'PENDING_SCHEDULE',
      postalCode: template.postalCode,
      countryCode: undefined,
      windows,
      rescheduleWindows: [],
      durationMinutes: minutes,
      skills: [...template.skills],
      technicians: 1,
      priority: template.priority,
      activeAppointment: undefined,
      pin: undefined,
      keepTechnicianIds: [],
    };
  });
}

export interface Planned {
  setup: PlanningSetup;
  built: BuiltProblem;
  solution: Solution;
  located: Located;
  jobs: PlannableJob[];
}

/**
 * Service jobs served: visits, leaving out the later days' parts of a multi-day visit (its parts
 * are served all or none, so its first part counts for it).
 */
export function served(s: Solution): number {
  return s.routes.reduce((n, r) => n + r.visits.filter((v) => partOf(v.job) === undefined).length, 0);
}

/** Service jobs of a day's problem (a multi-day visit's later parts are not jobs of their own). */
export function jobsOf(built: BuiltProblem): number {
  return built.problem.jobs.filter((j) => partOf(j.id) === undefined).length;
}

/** The base plan's routes on the scenario's problem, when every one of them is still feasible there. */
function carryOver(built: BuiltProblem, basePlan: Solution, seed: number): Solution | undefined {
  const cp = compileProblem(built.problem);
  const jobIndex = new Map(built.problem.jobs.map((j, i) => [j.id, i]));
  const techIndex = new Map(built.problem.technicians.map((t, i) => [t.id, i]));
  const seqs: number[][] = built.problem.technicians.map(() => []);
  for (const r of basePlan.routes) {
    if (r.visits.length === 0) continue;
    const t = techIndex.get(r.technician);
    if (t === undefined) return undefined;
    const seq: number[] = [];
    for (const v of r.visits) {
      const j = jobIndex.get(v.job);
      if (j === undefined) return undefined;
      seq.push(j);
    }
    if (!routeFeasible(cp, t, seq)) return undefined;
    seqs[t] = seq;
  }
  return writeSolution(cp, seqs, 0, seed);
}

/** A sampled day's setup and jobs, before planning. */
export function dayInputs(
  p: PreparedWhatIf,
  config: PlanningConfig,
  k: number,
  day: string,
  scale: WhatIfChanges['scaleDemand'],
  crew: (setup: PlanningSetup) => PlanningSetup = (setup) => setup,
): { setup: PlanningSetup; sampled: SampledJob[]; jobs: PlannableJob[] } {
  const setup = crew(setupFromConfig(config, { date: day, days: 1, storeIds: [p.storeId] }));
  const sampled = sampleJobs(p, k, scale);
  return { setup, sampled, jobs: toJobs(p, setup, day, sampled) };
}

/** The LP's view of a day's working technicians: skills, usable minutes, fastest duration factor. */
export function lpTechnicians(setup: PlanningSetup): LpTechnician[] {
  return setup.technicians
    .filter((t) => t.shifts.length > 0)
    .map((t) => {
      const s = t.shifts[0]!;
      const usable = s.end - s.start - s.breaks.reduce((n, b) => n + b.duration, 0);
      const limit = t.maxWorkTime ?? Infinity;
      const factors = Object.values(setup.rules.skillDurationFactor[t.technicianId] ?? {});
      return {
        skills: t.skills,
        usableMinutes: Math.min(usable, limit) / 60_000,
        fastestFactor: Math.min(1, ...factors),
      };
    });
}

export function planDay(
  p: PreparedWhatIf,
  config: PlanningConfig,
  k: number,
  day: string,
  scale: WhatIfChanges['scaleDemand'],
  basePlan: Solution | undefined,
  crew: (setup: PlanningSetup) => PlanningSetup = (setup) => setup,
): Planned & { carriedOver: boolean } {
  const { setup, sampled, jobs } = dayInputs(p, config, k, day, scale, crew);
  const jobLocation = new Map(sampled.map((x) => [x.id, x.template.location]));
  const technicianLocation = new Map<string, number>();
  for (const t of setup.technicians) {
    const at = p.technicianLocation[t.technicianId];
    if (at !== undefined) technicianLocation.set(t.technicianId, at);
  }
  const located: Located = { points: p.points, jobLocation, technicianLocation, jobs, issues: [] };
  const built = buildProblem(setup, located, p.matrix);
  let solution: Solution;
  if (built.problem.technicians.length === 0) {
    solution = {
      routes: [],
      unassigned: built.problem.jobs.map((j) => ({ job: j.id, reason: 'NO_SKILLED_TECHNICIAN' as const })),
      cost: { total: 0, unassigned: 0, lateness: 0, travel: 0, work: 0, overtime: 0, fixed: 0 },
      stats: { iterations: 0, seed: p.options.seed + k },
    };
  } else {
    solution = solve(built.problem, { seed: p.options.seed + k, maxIterations: p.options.iterations });
  }
  let carriedOver = false;
  if (basePlan !== undefined && built.problem.technicians.length > 0) {
    const carried = carryOver(built, basePlan, p.options.seed + k);
    if (
      carried !== undefined &&
      (served(carried) > served(solution) ||
        (served(carried) === served(solution) && carried.cost.total < solution.cost.total))
    ) {
      solution = carried;
      carriedOver = true;
    }
  }
  return { setup, built, solution, located, jobs, carriedOver };
}

function dayResult(
  p: PreparedWhatIf,
  planned: Planned & { carriedOver: boolean },
  k: number,
  day: string,
): DayResult {
  const { setup, built, solution } = planned;
  const jobs = jobsOf(built);
  const done = served(solution);
  const unservedByReason: Record<string, number> = {};
  for (const u of solution.unassigned)
    if (partOf(u.job) === undefined) unservedByReason[u.reason] = (unservedByReason[u.reason] ?? 0) + 1;
  let travel = 0;
  let service = 0;
  let overtime = 0;
  for (const r of solution.routes) {
    travel += r.travelDuration;
    service += r.serviceDuration;
    overtime += r.overtime;
  }
  let shift = 0;
  for (const t of built.problem.technicians) shift += t.shift.end - t.shift.start;

  const capacityPerSlot: Record<string, number> = {};
  const skill = p.options.capacitySkill;
  if (skill !== undefined && built.problem.technicians.length > 0) {
    const durations = p.templates
      .filter((t) => t.skills.includes(skill))
      .map((t) => t.durationMinutes)
      .sort((a, b) => a - b);
    const minutes = durations[Math.floor(durations.length / 2)] ?? setup.rules.defaultServiceMinutes;
    const routeStarts = new Map<string, number>();
    const routes = solution.routes
      .filter((r) => r.visits.length > 0)
      .map((r) => {
        for (const v of r.visits) routeStarts.set(v.job, built.origin + v.start * 1000);
        const info = built.routes.get(r.technician)!;
        return {
          routeId: r.technician,
          technicianId: info.technicianIds[0]!,
          day: info.day,
          jobIds: r.visits.map((v) => v.job),
        };
      });
    const model: DayModel = {
      setup,
      built,
      located: planned.located,
      raws: [],
      jobs: new Map(planned.jobs.map((j) => [j.serviceJobId, j])),
      routes,
      routeStarts,
      routesFrom: 'plan',
      planId: undefined,
      planIds: [],
      storeLocation: p.storeLocation,
      points: p.points,
      shoppers: [],
    };
    const slots = setup.stores[0]?.slots ?? [];
    const cap = engineCapacity(model, slots, {
      skills: [skill],
      durationMinutes: minutes,
      location: p.storeLocation,
    });
    for (const s of cap.slots) {
      const label = `${DateTime.fromMillis(s.start, { zone: p.timeZone }).toFormat('HH:mm')}-${DateTime.fromMillis(s.end, { zone: p.timeZone }).toFormat('HH:mm')}`;
      capacityPerSlot[label] = s.capacity;
    }
  }

  const staffing = staffingBound(
    planned.jobs.map((j) => ({ skills: j.skills, durationMinutes: j.durationMinutes })),
    lpTechnicians(setup),
    p.options.targetServedPct,
  );
  return {
    sample: k,
    day,
    jobs,
    served: done,
    servedPct: jobs === 0 ? 100 : Math.round((10000 * done) / jobs) / 100,
    unservedByReason,
    travelHours: Math.round((travel / HOUR) * 100) / 100,
    serviceHours: Math.round((service / HOUR) * 100) / 100,
    overtimeHours: Math.round((overtime / HOUR) * 100) / 100,
    utilisationPct: shift > 0 ? Math.round((10000 * service) / shift) / 100 : 0,
    technicians: built.problem.technicians.length,
    capacityPerSlot,
    staffing,
    carriedOver: planned.carriedOver,
  };
}

function summarise(days: DayResult[]): VariantSummary {
  const reasons = new Set(days.flatMap((d) => Object.keys(d.unservedByReason)));
  const labels = new Set(days.flatMap((d) => Object.keys(d.capacityPerSlot)));
  const staffed = days.filter((d) => d.staffing.technicians !== null);
  const bySkill: Record<string, number> = {};
  for (const d of staffed)
    for (const [s, n] of Object.entries(d.staffing.bySkill)) bySkill[s] = Math.max(bySkill[s] ?? 0, n);
  return {
    servedPct: distribution(days.map((d) => d.servedPct)),
    travelHours: distribution(days.map((d) => d.travelHours)),
    utilisationPct: distribution(days.map((d) => d.utilisationPct)),
    overtimeHours: distribution(days.map((d) => d.overtimeHours)),
    unservedByReason: Object.fromEntries(
      [...reasons].sort().map((r) => [r, distribution(days.map((d) => d.unservedByReason[r] ?? 0))]),
    ),
    capacityPerSlot: Object.fromEntries(
      [...labels].sort().map((l) => [l, distribution(days.map((d) => d.capacityPerSlot[l] ?? 0))]),
    ),
    staffingTechnicians:
      staffed.length > 0 ? distribution(staffed.map((d) => d.staffing.technicians!)) : null,
    staffingBySkill: bySkill,
  };
}

/** The sample nearest the medians of served share (base and scenario), then of travel; the first on ties. */
function representativeSample(
  base: readonly DayResult[],
  scenario: readonly DayResult[],
  baseSummary: VariantSummary,
  scenarioSummary: VariantSummary,
): number {
  let best = 0;
  let bestScore = Infinity;
  for (let k = 0; k < base.length; k++) {
    const b = base[k]!;
    const s = scenario[k]!;
    const score =
      Math.abs(b.servedPct - baseSummary.servedPct.median) +
      Math.abs(s.servedPct - scenarioSummary.servedPct.median) +
      0.01 *
        (Math.abs(b.travelHours - baseSummary.travelHours.median) +
          Math.abs(s.travelHours - scenarioSummary.travelHours.median));
    if (score < bestScore - 1e-9) {
      best = k;
      bestScore = score;
    }
  }
  return best;
}

export interface SimulationProgress {
  done: number;
  total: number;
}

/** One sampled day planned for base and scenario (a what-if partition in queue mode). */
export interface SampleOutcome {
  base: DayResult;
  scenario: DayResult;
  /** Both plans in the board's shape; null when the request asked for none. */
  plans: { base: SampleDayPlan; scenario: SampleDayPlan } | null;
}

function withCapacitySkill(p: PreparedWhatIf): PreparedWhatIf {
  const counts = new Map<string, number>();
  for (const t of p.templates) for (const s of t.skills) counts.set(s, (counts.get(s) ?? 0) + 1);
  const capacitySkill =
    p.options.capacitySkill ?? [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
  return { ...p, options: { ...p.options, capacitySkill } };
}

/**
 * Sample `k` of the simulation on its own: the same draws and plans as inside `simulate`
 * (every sample is seeded by its index), so samples can be planned apart and put together.
 */
export function simulateSample(p: PreparedWhatIf, k: number, onBase?: () => void): SampleOutcome {
  const prepared = withCapacitySkill(p);
  const drawn = (label: string, config: PlanningConfig, planned: Planned, day: string): SampleDayPlan =>
    samplePlan({
      label,
      storeId: p.storeId,
      timeZone: p.timeZone,
      day,
      config,
      setup: planned.setup,
      built: planned.built,
      solution: planned.solution,
      located: planned.located,
      points: p.points,
      technicianLocation: p.technicianLocation,
    });
  const day = p.days[k % p.days.length]!;
  const b = planDay(prepared, p.base, k, day, undefined, undefined);
  const base = dayResult(prepared, b, k, day);
  onBase?.();
  const s = planDay(prepared, p.scenario, k, day, p.changes.scaleDemand, b.solution);
  const scenario = dayResult(prepared, s, k, day);
  const plans =
    p.options.samplePlans !== false
      ? {
          base: drawn(`base, sample ${k + 1}`, p.base, b, day),
          scenario: drawn(`scenario, sample ${k + 1}`, p.scenario, s, day),
        }
      : null;
  return { base, scenario, plans };
}

/** The simulation's result from its samples, in sample order. */
export function assembleResult(p: PreparedWhatIf, outcomes: readonly SampleOutcome[]): SampledResult {
  const capacitySkill = withCapacitySkill(p).options.capacitySkill;
  const base = outcomes.map((o) => o.base);
  const scenario = outcomes.map((o) => o.scenario);
  const baseSummary = summarise(base);
  const scenarioSummary = summarise(scenario);
  let representative: RepresentativeDay | null = null;
  if (p.options.samplePlans !== false && outcomes.length > 0 && outcomes.every((o) => o.plans !== null)) {
    const k = representativeSample(base, scenario, baseSummary, scenarioSummary);
    representative = { sample: k, day: base[k]!.day, ...outcomes[k]!.plans! };
  }
  return {
    samples: p.options.samples,
    seed: p.options.seed,
    iterations: p.options.iterations,
    targetServedPct: p.options.targetServedPct,
    capacitySkill: capacitySkill ?? null,
    base: { summary: baseSummary, days: base },
    scenario: { summary: scenarioSummary, days: scenario },
    representative,
  };
}
