/**
 * The compiled problem: everything the search reads, indexed by integers and held in typed
 * arrays, computed once. Jobs are 0..nJobs-1, technicians (routes) 0..nTechs-1.
 */
import type { Job, Problem, Technician } from './problem.ts';
import { validateProblem } from './validate.ts';
import type { CompiledProblem, UnassignedReasonStatic } from './compiled.ts';
import { compileLinks, expandVisits } from './links.ts';
import { nearestJobs } from './neighbours.ts';
import { technicianClasses } from './tech-classes.ts';

export type { CompiledProblem } from './compiled.ts';
import {
  hasSkills,
  maxPreferenceCost,
  permitted,
  preferenceCost,
  routePeople,
  routeSkillLevels,
} from './affinity.ts';

export function compileProblem(input: Problem | unknown): CompiledProblem {
  const problem = validateProblem(input);
  const { technicians } = problem;
  const { jobs, visitJob, jobFirstVisit } = expandVisits(problem);
  const nJobs = jobs.length;
  const nTechs = technicians.length;
  const nLocs = problem.matrices.durations.length;
  const objective = problem.objective ?? {};
  const travelByDistance = (objective.travel ?? 'distance') === 'distance';

  const dur = flatten(problem.matrices.durations, nLocs);
  const maxDur = flattenedMax;
  const dist = problem.matrices.distances ? flatten(problem.matrices.distances, nLocs) : dur;
  const maxDist = flattenedMax;

  let nDims = 0;
  for (const job of jobs) nDims = Math.max(nDims, job.load?.length ?? 0);
  for (const tech of technicians) nDims = Math.max(nDims, tech.capacity?.length ?? 0);

  const techIndex = new Map<string, number>();
  technicians.forEach((tech, t) => techIndex.set(tech.id, t));

  // Technicians.
  const techStart = new Int32Array(nTechs);
  const techEnd = new Int32Array(nTechs);
  const shiftStart = new Float64Array(nTechs);
  const shiftEnd = new Float64Array(nTechs);
  const latestEnd = new Float64Array(nTechs);
  const invSpeed = new Float64Array(nTechs);
  const costPerDist = new Float64Array(nTechs);
  const costPerDur = new Float64Array(nTechs);
  const fixedCost = new Float64Array(nTechs);
  const workCostPerSec = new Float64Array(nTechs);
  const overtimeCostPerSec = new Float64Array(nTechs);
  const maxWork = new Float64Array(nTechs);
  const maxTravel = new Float64Array(nTechs);
  const capacity = new Float64Array(nTechs * nDims);
  const breakOffset = new Int32Array(nTechs + 1);
  const techComplex = new Uint8Array(nTechs);
  const breakList: { start: number; end: number; dur: number; id: string | undefined }[] = [];
  const soft = objective.softWindows;

  technicians.forEach((tech, t) => {
    techStart[t] = tech.start;
    techEnd[t] = tech.end === null ? -1 : (tech.end ?? tech.start);
    shiftStart[t] = tech.shift.start;
    shiftEnd[t] = tech.shift.end;
    latestEnd[t] = tech.shift.end + (tech.overtime ?? 0);
    const inv = 1 / (tech.speedFactor ?? 1);
    invSpeed[t] = inv;
    const perHourTravel = tech.costs?.perHourTravel ?? 0;
    costPerDist[t] = travelByDistance ? 1 : 0;
    costPerDur[t] = ((travelByDistance ? 0 : 1) + perHourTravel / 3600) * inv;
    fixedCost[t] = tech.costs?.fixed ?? 0;
    workCostPerSec[t] = (tech.costs?.perHourWork ?? 0) / 3600;
    overtimeCostPerSec[t] = (tech.costs?.perHourOvertime ?? 0) / 3600;
    maxWork[t] = tech.maxWorkTime ?? Infinity;
    maxTravel[t] = tech.maxTravelTime ?? Infinity;
    for (let d = 0; d < nDims; d++) capacity[t * nDims + d] = tech.capacity?.[d] ?? 0;
    const breaks = [...(tech.breaks ?? [])].sort((x, y) => x.window.start - y.window.start);
    breakOffset[t] = breakList.length;
    for (const brk of breaks) {
      breakList.push({ start: brk.window.start, end: brk.window.end, dur: brk.duration, id: brk.id });
    }
    const pricedOvertime = (tech.overtime ?? 0) > 0 && overtimeCostPerSec[t]! > 0;
    techComplex[t] =
      breaks.length > 0 || tech.maxWorkTime !== undefined || pricedOvertime || soft !== undefined ? 1 : 0;
  });
  breakOffset[nTechs] = breakList.length;
  const breakStart = Float64Array.from(breakList, (b) => b.start);
  const breakEnd = Float64Array.from(breakList, (b) => b.end);
  const breakDur = Float64Array.from(breakList, (b) => b.dur);
  const breakId = breakList.map((b) => b.id);

  // Jobs.
  const jobLoc = new Int32Array(nJobs);
  const service = new Float64Array(nTechs * nJobs);
  const winOffset = new Int32Array(nJobs + 1);
  const winS: number[] = [];
  const winE: number[] = [];
  const jobEarliest = new Float64Array(nJobs);
  const jobLatest = new Float64Array(nJobs);
  const jobComplex = new Uint8Array(nJobs);
  const pinTech = new Int32Array(nJobs).fill(-1);
  const pinStart = new Float64Array(nJobs).fill(NaN);
  const pinPos = new Int32Array(nJobs).fill(-1);
  const fixedLateness = new Float64Array(nJobs);
  const load = new Float64Array(nJobs * nDims);
  const penalty = new Float64Array(nJobs);
  const compat = new Uint8Array(nTechs * nJobs);
  const staticReason: (UnassignedReasonStatic | null)[] = new Array<UnassignedReasonStatic | null>(
    nJobs,
  ).fill(null);

  const affinity = new Float64Array(nTechs * nJobs);
  const pinBroken = new Uint8Array(nJobs);

  jobs.forEach((job, j) => {
    jobLoc[j] = job.location;
    for (let d = 0; d < nDims; d++) load[j * nDims + d] = job.load?.[d] ?? 0;

    let windows = [...(job.windows ?? [])].sort((x, y) => x.start - y.start || x.end - y.end);
    if (job.pin?.start !== undefined) {
      const s = job.pin.start;
      // A pinned start must still respect the job's windows (with the soft-window allowance).
      if (windows.length > 0) {
        const inside = windows.some((w) => s >= w.start && s <= w.end);
        if (!inside) {
          const latenesses = windows.filter((w) => w.end < s).map((w) => s - w.end);
          const best = latenesses.length > 0 ? Math.min(...latenesses) : Infinity;
          if (soft && best <= soft.maxLateness) fixedLateness[j] = best;
          else pinBroken[j] = 1;
        }
      }
      windows = [{ start: s, end: s }];
      pinStart[j] = s;
    }
    winOffset[j] = winS.length;
    for (const w of windows) {
      winS.push(w.start);
      winE.push(w.end);
    }
    jobEarliest[j] = windows.length === 1 ? windows[0]!.start : -Infinity;
    jobLatest[j] = windows.length === 1 ? windows[0]!.end : Infinity;
    if (job.pin?.technician !== undefined) pinTech[j] = techIndex.get(job.pin.technician) ?? -1;
    if (job.pin?.position !== undefined) pinPos[j] = job.pin.position;
    jobComplex[j] =
      windows.length > 1 || job.pin?.start !== undefined || job.pin?.position !== undefined ? 1 : 0;
  });
  pairTables(
    { jobs, technicians, nDims, load, capacity, pinTech, pinBroken },
    { service, affinity, compat, staticReason },
  );
  winOffset[nJobs] = winS.length;

  const links = compileLinks(problem, visitJob, jobFirstVisit, staticReason, compat, nTechs);
  if (links) for (let j = 0; j < nJobs; j++) if (links.linkedVisit[j]) jobComplex[j] = 1;

  const lists: number[][] = Array.from({ length: nJobs }, () => []);
  for (let t = 0; t < nTechs; t++) {
    const row = t * nJobs;
    for (let j = 0; j < nJobs; j++) if (compat[row + j]) lists[j]!.push(t);
  }
  const jobTechs = lists.map((list) => Int32Array.from(list));

  // Unassigned penalty: by default larger than any plan's total of every other cost, so that
  // serving one more job always wins (lexicographic in effect).
  let maxArc = 0;
  for (let t = 0; t < nTechs; t++)
    maxArc = Math.max(maxArc, maxDist * costPerDist[t]! + maxDur * costPerDur[t]!);
  let bound = (nJobs + 2 * nTechs) * 2 * maxArc;
  for (let t = 0; t < nTechs; t++) {
    bound += fixedCost[t]! + overtimeCostPerSec[t]! * (technicians[t]!.overtime ?? 0);
  }
  const workPriced = workCostPerSec.some((c) => c > 0);
  for (let j = 0; j < nJobs; j++) {
    let w = 0;
    if (workPriced)
      for (let t = 0; t < nTechs; t++) w = Math.max(w, service[t * nJobs + j]! * workCostPerSec[t]!);
    bound += w + maxPreferenceCost(jobs[j]!);
  }
  if (soft) bound += (nJobs * soft.costPerSecond + (soft.maxCostPerSecond ?? 0)) * soft.maxLateness;
  // The balance term is at most twice the total of the balanced measure.
  const balance = objective.balance;
  if (balance && balance.weight > 0) {
    let hours = 0;
    for (let t = 0; t < nTechs; t++) hours += (latestEnd[t]! - shiftStart[t]!) / 3600;
    bound += 2 * balance.weight * (balance.measure === 'work' ? hours : nJobs);
  }
  const unassignedUnit = objective.unassignedPenalty ?? Math.max(1000, Math.ceil(bound + 1));
  let prioritySum = 0;
  for (const job of problem.jobs) prioritySum += job.priority ?? 1;
  const mandatoryUnit = unassignedUnit * (prioritySum + 1) * 10;
  jobs.forEach((job, j) => {
    const i = visitJob[j]!;
    const copies = jobFirstVisit[i + 1]! - jobFirstVisit[i]!;
    penalty[j] = ((job.priority ?? 1) * (job.mandatory ? mandatoryUnit : unassignedUnit)) / copies;
  });

  // With one pricing for everyone (plain distance or plain duration, the usual case) the
  // hot loops read one matrix instead of two.
  let byDist = true;
  let byDur = true;
  for (let t = 0; t < nTechs; t++) {
    if (costPerDist[t] !== 1 || costPerDur[t] !== 0) byDist = false;
    if (costPerDist[t] !== 0 || costPerDur[t] !== 1) byDur = false;
  }
  const arcCost = byDist ? dist : byDur ? dur : null;

  const symmetric = isSymmetric(dur, nLocs) && (dist === dur || isSymmetric(dist, nLocs));
  const { neighbours, granularNeighbours } = nearestJobs(
    nJobs,
    jobLoc,
    dur,
    dist,
    nLocs,
    symmetric,
    jobEarliest,
    jobLatest,
    service,
  );

  // Filled in place once the object exists (its classes are read from the object's own arrays);
  // the object keeps one literal shape, which the search's hot loops depend on for speed.
  const techClass = new Int32Array(nTechs);
  const compiled = {
    problem,
    nJobs,
    visitJob,
    jobFirstVisit,
    links,
    release: links ? new Float64Array(nJobs).fill(-Infinity) : null,
    nTechs,
    nLocs,
    nDims,
    dur,
    dist,
    symmetric,
    jobLoc,
    service,
    winOffset,
    winStart: Float64Array.from(winS),
    winEnd: Float64Array.from(winE),
    jobEarliest,
    jobLatest,
    jobComplex,
    pinTech,
    pinStart,
    pinPos,
    fixedLateness,
    load,
    penalty,
    affinity,
    compat,
    jobTechs,
    staticReason,
    neighbours,
    granularNeighbours,
    techStart,
    techEnd,
    shiftStart,
    shiftEnd,
    latestEnd,
    invSpeed,
    costPerDist,
    costPerDur,
    arcCost,
    fixedCost,
    workCostPerSec,
    overtimeCostPerSec,
    maxWork,
    maxTravel,
    capacity,
    breakOffset,
    breakStart,
    breakEnd,
    breakDur,
    breakId,
    techComplex,
    maxLateness: soft?.maxLateness ?? 0,
    maxLatenessCostPerSec: soft?.maxCostPerSecond ?? 0,
    latenessCostPerSec: soft?.costPerSecond ?? 0,
    unassignedUnit,
    balanceMeasure: balance && balance.weight > 0 ? (balance.measure === 'work' ? 1 : 2) : 0,
    balanceWeight: balance ? (balance.measure === 'work' ? balance.weight / 3600 : balance.weight) : 0,
    minWork: Float64Array.from(technicians, (t) => t.minWorkTime ?? 0),
    minWorkPenalty: Float64Array.from(technicians, (t) =>
      (t.minWorkTime ?? 0) > 0 ? unassignedUnit / t.minWorkTime! : 0,
    ),
    minWorkDropped: new Uint8Array(nJobs),
    techClass,
  };
  techClass.set(technicianClasses(compiled, nTechs, nJobs, nDims, 'route'));
  return compiled;
}

interface PairInput {
  jobs: readonly Job[];
  technicians: readonly Technician[];
  nDims: number;
  load: Float64Array;
  capacity: Float64Array;
  pinTech: Int32Array;
  pinBroken: Uint8Array;
}

interface PairTables {
  service: Float64Array;
  affinity: Float64Array;
  compat: Uint8Array;
  staticReason: (UnassignedReasonStatic | null)[];
}

/**
 * What each technician makes of each job: its service time, its preference cost, whether the
 * technician may serve it, and the first reason that rules every technician out. A day of
 * thousands of jobs and hundreds of routes has millions of pairs: the loops run technician by
 * technician over the rows they fill, and skip the rules a job does not use; technicians with
 * the same skill levels answer a job's skill check alike (asked once per class and job).
 */
function pairTables(input: PairInput, out: PairTables): void {
  const { jobs, technicians, nDims, load, capacity, pinTech, pinBroken } = input;
  const { service, affinity, compat, staticReason } = out;
  const nJobs = jobs.length;
  const techSkills = technicians.map(routeSkillLevels);
  const skillClass = skillClasses(techSkills);
  const skillAnswer = new Int8Array((Math.max(0, ...skillClass) + 1) * nJobs).fill(-1);
  const techPeople = technicians.map(routePeople);
  const duration = Float64Array.from(jobs, (job) => job.duration);
  const byTechs = jobs.map((job) => job.durationByTechnician);
  const prefers = Uint8Array.from(jobs, (job) => ((job.preferredTechnicians?.length ?? 0) > 0 ? 1 : 0));
  const restricted = Uint8Array.from(jobs, (job) =>
    job.requiredTechnicians !== undefined || job.excludedTechnicians !== undefined ? 1 : 0,
  );
  const team = Int32Array.from(jobs, (job) => job.technicians ?? 1);
  // Technicians left per job after each rule, in the order the reasons are told.
  const skilled = new Int32Array(nJobs);
  const allowedPeople = new Int32Array(nJobs);
  const teamed = new Int32Array(nJobs);
  const inTerritory = new Int32Array(nJobs);
  const pinned = new Int32Array(nJobs);
  const fitting = new Int32Array(nJobs);
  technicians.forEach((tech, t) => {
    const row = t * nJobs;
    const classRow = skillClass[t]! * nJobs;
    const people = techPeople[t]!;
    const size = tech.members?.length ?? 1;
    const allowed = tech.allowedJobs ? new Set(tech.allowedJobs) : null;
    for (let j = 0; j < nJobs; j++) {
      const byTech = byTechs[j];
      service[row + j] = byTech === undefined ? duration[j]! : (byTech[tech.id] ?? duration[j]!);
      if (prefers[j] === 1) affinity[row + j] = preferenceCost(jobs[j]!, people);
      let skill = skillAnswer[classRow + j]!;
      if (skill === -1) skillAnswer[classRow + j] = skill = hasSkills(jobs[j]!, techSkills[t]!) ? 1 : 0;
      if (skill === 0) continue;
      skilled[j]!++;
      if (restricted[j] === 1 && !permitted(jobs[j]!, people)) continue;
      allowedPeople[j]!++;
      if (size < team[j]!) continue;
      teamed[j]!++;
      if (allowed && !allowed.has(jobs[j]!.id)) continue;
      inTerritory[j]!++;
      if (pinTech[j]! >= 0 && pinTech[j] !== t) continue;
      pinned[j]!++;
      if (!fitsLoad(load, j, capacity, t, nDims)) continue;
      fitting[j]!++;
      compat[row + j] = 1;
    }
  });
  for (let j = 0; j < nJobs; j++) {
    if (skilled[j] === 0) staticReason[j] = 'NO_SKILLED_TECHNICIAN';
    else if (allowedPeople[j] === 0) staticReason[j] = 'NO_PERMITTED_TECHNICIAN';
    else if (teamed[j] === 0) staticReason[j] = 'NO_TEAM_LARGE_ENOUGH';
    else if (inTerritory[j] === 0) staticReason[j] = 'OUTSIDE_TERRITORY';
    else if (pinned[j] === 0 || pinBroken[j] === 1) staticReason[j] = 'PIN_UNSATISFIABLE';
    else if (fitting[j] === 0) staticReason[j] = 'EXCEEDS_CAPACITY';
    if (staticReason[j] !== null) for (let t = 0; t < technicians.length; t++) compat[t * nJobs + j] = 0;
  }
}

/** Whether the job's load fits the technician's capacity in every dimension. */
function fitsLoad(load: Float64Array, j: number, capacity: Float64Array, t: number, nDims: number): boolean {
  for (let d = 0; d < nDims; d++) if (load[j * nDims + d]! > capacity[t * nDims + d]!) return false;
  return true;
}

/** Largest entry (at least 0) of the matrix last flattened. */
let flattenedMax = 0;

/** Row-major copy of a square matrix and its largest entry (plain loops: millions of entries). */
function flatten(rows: number[][], size: number): Float64Array {
  const out = new Float64Array(size * size);
  let max = 0;
  for (let a = 0; a < size; a++) {
    const row = rows[a]!;
    const base = a * size;
    for (let b = 0; b < size; b++) {
      const x = row[b]!;
      out[base + b] = x;
      if (x > max) max = x;
    }
  }
  flattenedMax = max;
  return out;
}

/** Whether m equals its transpose (compared tile by tile, so that column reads stay in cache). */
function isSymmetric(m: Float64Array, size: number): boolean {
  const tile = 64;
  for (let a0 = 0; a0 < size; a0 += tile) {
    const a1 = Math.min(size, a0 + tile);
    for (let b0 = a0; b0 < size; b0 += tile) {
      const b1 = Math.min(size, b0 + tile);
      for (let a = a0; a < a1; a++) {
        const row = a * size;
        for (let b = b0 > a ? b0 : a + 1; b < b1; b++) if (m[row + b] !== m[b * size + a]) return false;
      }
    }
  }
  return true;
}

/** A class number per technician: the same for technicians with the same skill levels. */
function skillClasses(levels: readonly ReadonlyMap<string, number>[]): number[] {
  const classes = new Map<string, number>();
  return levels.map((m) => {
    const key = [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).join('\u0000');
    let c = classes.get(key);
    if (c === undefined) {
      c = classes.size;
      classes.set(key, c);
    }
    return c;
  });
}
