/**
 * The VRPTW benchmark: solves Solomon or Gehring & Homberger instances with a fixed time
 * budget and one seed, verifies each plan with the independent checker, and measures the
 * gap to the best-known minimum distance (DIMACS convention).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkSolution } from '../../solver/checker.ts';
import { solve } from '../../solver/index.ts';
import { readBks } from './bks.ts';
import { readVrptw, UNITS_PER_DISTANCE, vrptwToProblem } from './instance.ts';
import {
  describeMachine,
  fixed,
  machineMarkdown,
  markdownTable,
  textTable,
  writeResults,
} from '../report.ts';
import type { Machine } from '../report.ts';

export interface InstanceResult {
  instance: string;
  class: string;
  /** Customer numbers per route, as in the instance file. */
  routes: number[][];
  distance: number | null;
  bks: number;
  /** Percent above distance_min; null when the run failed. */
  gap: number | null;
  seconds: number;
  seed: number;
  iterations: number;
  vehicles: number;
  /** Why a run counts as failed (unserved customers, constraint violations); empty when it did not. */
  failures: string[];
}

export interface Summary {
  instances: number;
  failed: number;
  meanGap: number | null;
  classMeanGap: Record<string, number | null>;
  worstGap: number | null;
  worstInstance: string | null;
  atBks: number;
  meanSeconds: number;
}

export interface VrptwRunOptions {
  set: 'solomon' | 'homberger';
  dataDir: string;
  seconds: number;
  seed: number;
  /** Fixed iteration budget per instance instead of the time budget. */
  iterations?: number;
  /** Comma-separated names, `*` as wildcard (e.g. "C101,R2*"). */
  instances?: string;
  /** Gehring & Homberger size: 200 or 1000 customers. */
  size?: number;
  out?: string;
}

export const CLASSES = ['C1', 'C2', 'R1', 'R2', 'RC1', 'RC2'];

export function instanceClass(name: string): string {
  const match = /^(RC|R|C)(\d)/i.exec(name);
  return match ? `${(match[1] as string).toUpperCase()}${match[2]}` : '?';
}

export function matchesFilter(name: string, filter: string | undefined): boolean {
  if (!filter) return true;
  return filter
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .some((pattern) =>
      new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i').test(name),
    );
}

/** Solomon order: C1, C2, R1, R2, RC1, RC2, then by number. */
function compareInstances(a: string, b: string): number {
  const ca = CLASSES.indexOf(instanceClass(a));
  const cb = CLASSES.indexOf(instanceClass(b));
  if (ca !== cb) return ca - cb;
  return a.localeCompare(b, 'en', { numeric: true });
}

export function solveInstance(
  file: string,
  name: string,
  bks: number,
  seconds: number,
  seed: number,
  iterations?: number,
): InstanceResult {
  const instance = readVrptw(file);
  const problem = vrptwToProblem(instance);
  const started = performance.now();
  // A fixed iteration budget (for comparing variants on a busy machine) replaces the time budget.
  const solution = solve(
    problem,
    iterations !== undefined
      ? { seed, maxIterations: iterations }
      : { seed, timeLimitMs: seconds * 1000, clock: () => performance.now() },
  );
  const elapsed = (performance.now() - started) / 1000;
  const report = checkSolution(problem, solution);
  const failures: string[] = [];
  if (report.totals.unassigned > 0) failures.push(`${report.totals.unassigned} customers unserved`);
  const codes = [...new Set(report.violations.map((v) => v.code))];
  if (codes.length > 0) failures.push(`violations: ${codes.join(', ')}`);
  const used = solution.routes.filter((r) => r.visits.length > 0);
  if (used.length > instance.vehicles) failures.push(`${used.length} routes, fleet is ${instance.vehicles}`);
  const distance = Math.round(report.totals.travelDistance) / UNITS_PER_DISTANCE;
  const ok = failures.length === 0;
  return {
    instance: name,
    class: instanceClass(name),
    routes: used.map((r) => r.visits.map((v) => Number(v.job))),
    distance: ok ? distance : null,
    bks,
    gap: ok ? 100 * (distance / bks - 1) : null,
    seconds: elapsed,
    seed,
    iterations: solution.stats.iterations,
    vehicles: used.length,
    failures,
  };
}

export function summarize(results: InstanceResult[]): Summary {
  const ok = results.filter((r) => r.gap !== null);
  const mean = (xs: number[]): number | null =>
    xs.length > 0 ? xs.reduce((s, x) => s + x, 0) / xs.length : null;
  const worst = ok.reduce<InstanceResult | null>(
    (w, r) => (w === null || (r.gap ?? 0) > (w.gap ?? 0) ? r : w),
    null,
  );
  return {
    instances: results.length,
    failed: results.length - ok.length,
    meanGap: mean(ok.map((r) => r.gap as number)),
    classMeanGap: Object.fromEntries(
      CLASSES.map((c) => [c, mean(ok.filter((r) => r.class === c).map((r) => r.gap as number))]),
    ),
    worstGap: worst?.gap ?? null,
    worstInstance: worst?.instance ?? null,
    atBks: ok.filter((r) => (r.gap as number) < 0.005).length,
    meanSeconds: mean(results.map((r) => r.seconds)) ?? 0,
  };
}

const pct = (x: number | null): string => (x === null ? '—' : `${fixed(x, 2)} %`);

export function summaryLine(s: Summary): string {
  const classes = CLASSES.filter((c) => s.classMeanGap[c] !== null)
    .map((c) => `${c} ${fixed(s.classMeanGap[c] as number, 2)}`)
    .join(', ');
  return (
    `mean gap ${pct(s.meanGap)} (${classes}); worst ${pct(s.worstGap)}` +
    `${s.worstInstance ? ` (${s.worstInstance})` : ''}; at BKS ${s.atBks}/${s.instances}; ` +
    `failed ${s.failed}; mean time ${fixed(s.meanSeconds, 2)} s`
  );
}

const HEADER = ['instance', 'routes', 'distance', 'BKS', 'gap', 'seconds', 'iterations', 'seed'];
const row = (r: InstanceResult): (string | number)[] => [
  r.instance,
  r.vehicles,
  r.distance === null ? `FAILED: ${r.failures.join('; ')}` : fixed(r.distance, 1),
  fixed(r.bks, 1),
  pct(r.gap),
  fixed(r.seconds, 2),
  r.iterations,
  r.seed,
];

export function runVrptwBenchmark(options: VrptwRunOptions): {
  results: InstanceResult[];
  summary: Summary;
  machine: Machine;
} {
  const dir = join(options.dataDir, options.set);
  const bks = readBks(join(dir, 'bks.csv'));
  const sizeTag = options.set === 'homberger' ? `_${(options.size ?? 200) / 100}_` : '';
  const names = readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .map((f) => f.replace(/\.txt$/, ''))
    .filter((n) => n.includes(sizeTag) && matchesFilter(n, options.instances))
    .sort(compareInstances);
  if (names.length === 0) throw new Error(`no ${options.set} instance matches "${options.instances ?? '*'}"`);
  const title = `${options.set}${options.set === 'homberger' ? ` ${options.size ?? 200}` : ''}`;
  const budget =
    options.iterations !== undefined ? `${options.iterations} iterations` : `${options.seconds} s`;
  const budgetTag = options.iterations !== undefined ? `${options.iterations}it` : `${options.seconds}s`;
  console.log(`${title}: ${names.length} instances, ${budget} each, seed ${options.seed}, single thread`);
  console.log(textTable(HEADER, []).split('\n')[0]);

  const results: InstanceResult[] = [];
  for (const name of names) {
    const best = bks.get(name);
    if (!best) throw new Error(`${name}: no row in ${join(dir, 'bks.csv')}`);
    const result = solveInstance(
      join(dir, `${name}.txt`),
      name,
      best.distanceMin,
      options.seconds,
      options.seed,
      options.iterations,
    );
    results.push(result);
    console.log(row(result).join('  '));
  }
  const summary = summarize(results);
  const machine = describeMachine();
  console.log(
    `\n${textTable(HEADER, results.map(row))}\n\n${summaryLine(summary)}\n${machineMarkdown(machine)}`,
  );

  const base =
    options.out ??
    join(
      'bench',
      'results',
      `${options.set}${options.set === 'homberger' ? `-${options.size ?? 200}` : ''}-${budgetTag}.json`,
    );
  const markdown = [
    `# ${title}: ${budget} per instance, seed ${options.seed}`,
    '',
    machineMarkdown(machine),
    'Single thread. Distances in the DIMACS convention (every arc truncated to one decimal); BKS = `distance_min`. ' +
      'Every plan is verified by `solver/checker.ts`; a run with an unserved customer or a violation is FAILED, never a gap.',
    '',
    `**Summary:** ${summaryLine(summary)}`,
    '',
    markdownTable(HEADER, results.map(row)),
  ].join('\n');
  writeResults(
    base,
    {
      set: options.set,
      size: options.size,
      seconds: options.iterations !== undefined ? null : options.seconds,
      iterations: options.iterations ?? null,
      seed: options.seed,
      machine,
      summary,
      results,
    },
    markdown,
  );
  console.log(`\nwrote ${base} and ${base.replace(/\.json$/, '.md')}`);
  return { results, summary, machine };
}
