/**
 * Solver golden: solves a fixed set of problems (Solomon, HHCRSP, generated field-service days
 * and priced variants of them) at a fixed iteration budget and seed, and prints a hash of each
 * plan (cost parts, routes with start times, unassigned jobs) and one over all. A change meant
 * to leave the search as it is (a refactor) must print the same hashes before and after;
 * timings are printed for information only (the machine may be loaded).
 *
 *   node --import tsx bench/solver-golden.ts [iterations, default 800]
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { solve } from '../solver/index.ts';
import type { Problem } from '../solver/problem.ts';
import { readVrptw, vrptwToProblem } from './vrptw/instance.ts';
import { hhcrspToProblem, readHhcrsp } from './hhcrsp/instance.ts';
import { generateFieldServiceDay } from './fieldservice/generate.ts';

const data = '/work/shared/bench';
const iters = Number(process.argv[2] ?? 800);
const cases: [string, Problem][] = [];
for (const n of ['C101', 'C201', 'R101', 'R205', 'RC103', 'RC208'])
  cases.push([n, vrptwToProblem(readVrptw(join(data, 'solomon', `${n}.txt`)))]);
for (const n of ['InstanzCPLEX_HCSRP_10_1', 'InstanzCPLEX_HCSRP_10_5'])
  cases.push([n, hhcrspToProblem(readHhcrsp(join(data, 'hhcrsp', `${n}.txt`), n))]);
for (const [jobs, seed] of [
  [60, 1],
  [150, 2],
] as const) {
  const day = generateFieldServiceDay({ jobs, seed, technicians: Math.round(jobs / 6) });
  cases.push([`fs${jobs}`, day.problem]);
  // Priced travel (two matrices), soft windows, balance, capacity, work limits.
  const p = structuredClone(day.problem);
  p.objective = {
    ...p.objective,
    travel: 'duration',
    softWindows: { maxLateness: 1800, costPerSecond: 0.5, maxCostPerSecond: 1 },
    balance: { measure: 'work', weight: 10 },
  };
  p.matrices.distances ??= p.matrices.durations.map((r) => r.map((x) => x * 9));
  p.technicians.forEach((t, i) => {
    t.costs = { ...t.costs, perHourTravel: 5 + (i % 3), perHourWork: 1 };
    t.capacity = [6 + (i % 2)];
    if (i % 2 === 0) t.maxTravelTime = 4 * 3600;
    if (i % 3 === 0) t.maxWorkTime = 9 * 3600;
    if (i % 4 === 1) t.minWorkTime = 3 * 3600;
  });
  p.jobs.forEach((j, i) => {
    j.load = [1 + (i % 2)];
  });
  cases.push([`fs${jobs}-priced`, p]);
  // Distance-priced travel plus an hourly travel price: both matrices weigh in every arc.
  const q = structuredClone(day.problem);
  q.objective = { ...q.objective, travel: 'distance' };
  q.technicians.forEach((t, i) => {
    t.costs = { ...t.costs, perHourTravel: 3 + (i % 4) * 1.7 };
    if (i % 3 === 2) t.speedFactor = 1.3;
  });
  cases.push([`fs${jobs}-mixed`, q]);
}
// The same with Solomon data: distance plus priced duration.
for (const n of ['R101', 'RC201']) {
  const p = vrptwToProblem(readVrptw(join(data, 'solomon', `${n}.txt`)));
  p.matrices.distances ??= p.matrices.durations;
  p.technicians.forEach((t, i) => (t.costs = { ...t.costs, perHourTravel: 0.37 * (1 + (i % 3)) }));
  cases.push([`${n}-mixed`, p]);
}
const all = createHash('sha256');
for (const [name, problem] of cases) {
  const t0 = performance.now();
  const s = solve(problem, { seed: 7, maxIterations: iters });
  const ms = performance.now() - t0;
  const routes = s.routes.map(
    (r) => `${r.technician}:${r.visits.map((v) => `${v.job}@${v.start}`).join(',')}`,
  );
  const text = JSON.stringify({ cost: s.cost, routes, un: s.unassigned });
  all.update(text);
  const h = createHash('sha256').update(text).digest('hex').slice(0, 12);
  console.log(`${name.padEnd(26)} ${h} ${JSON.stringify(s.cost).slice(0, 80)} ${ms.toFixed(0)}ms`);
}
console.log('ALL', all.digest('hex').slice(0, 16));
