/**
 * The HHCRSP benchmark: every instance of sets A–E solved at each time budget with one seed,
 * every plan verified by the independent checker, the published objective
 * (D + T + T_max) / 3 recomputed from the plan and compared with the reference values
 * (bks.csv, lowest published objective per instance).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkSolution } from '../../solver/checker.ts';
import { solve } from '../../solver/index.ts';
import type { Solution } from '../../solver/solution.ts';
import {
  describeMachine,
  fixed,
  machineMarkdown,
  markdownTable,
  textTable,
  writeResults,
} from '../report.ts';
import { hhcrspToProblem, readHhcrsp } from './instance.ts';

export interface HhcrspOptions {
  dataDir: string;
  budgets: number[];
  seed: number;
  /** Comma-separated set letters or instance labels (e.g. "A,B" or "C3"). */
  instances?: string;
  out?: string;
}

interface Reference {
  instance: string;
  label: string;
  patients: number;
  bks: number;
}

export interface HhcrspResult {
  instance: string;
  label: string;
  seconds: number;
  objective: number | null;
  distance: number;
  tardiness: number;
  maxTardiness: number;
  bks: number;
  gap: number | null;
  iterations: number;
  failures: string[];
}

function readReferences(dir: string): Reference[] {
  const [header, ...rows] = readFileSync(join(dir, 'bks.csv'), 'utf8').trim().split(/\r?\n/);
  const cols = header!.split(',');
  const at = (name: string): number => cols.indexOf(name);
  return rows.map((line) => {
    // The source column holds no commas before bks_objective, so a plain split is enough here.
    const f = line.split(',');
    return {
      instance: f[at('instance')]!,
      label: f[at('set')]!,
      patients: Number(f[at('patients')]),
      bks: Number(f[at('bks_objective')]),
    };
  });
}

/** The published objective of a plan: (distance + total tardiness + largest tardiness) / 3. */
export function hhcrspObjective(solution: Solution): {
  objective: number;
  distance: number;
  tardiness: number;
  maxTardiness: number;
} {
  let distance = 0;
  let tardiness = 0;
  let maxTardiness = 0;
  for (const route of solution.routes) {
    distance += route.travelDistance;
    for (const v of route.visits) {
      tardiness += v.lateness;
      maxTardiness = Math.max(maxTardiness, v.lateness);
    }
  }
  return { objective: (distance + tardiness + maxTardiness) / 3, distance, tardiness, maxTardiness };
}

export function runHhcrspBenchmark(options: HhcrspOptions): HhcrspResult[] {
  const dir = join(options.dataDir, 'hhcrsp');
  const files = new Set(readdirSync(dir));
  const wanted = options.instances?.split(',').map((s) => s.trim().toUpperCase());
  const refs = readReferences(dir).filter(
    (r) =>
      files.has(`${r.instance}.txt`) && (!wanted || wanted.some((w) => r.label === w || r.label[0] === w)),
  );
  const results: HhcrspResult[] = [];
  for (const seconds of options.budgets) {
    for (const ref of refs) {
      const problem = hhcrspToProblem(readHhcrsp(join(dir, `${ref.instance}.txt`), ref.instance));
      const solution = solve(problem, {
        seed: options.seed,
        timeLimitMs: seconds * 1000,
        clock: () => performance.now(),
      });
      const report = checkSolution(problem, solution);
      const failures = report.violations.map((v) => `${v.code}: ${v.message}`);
      if (solution.unassigned.length > 0) failures.push(`${solution.unassigned.length} jobs unassigned`);
      const parts = hhcrspObjective(solution);
      const objective = failures.length === 0 ? parts.objective : null;
      const result: HhcrspResult = {
        instance: ref.instance,
        label: ref.label,
        seconds,
        ...parts,
        objective,
        bks: ref.bks,
        gap: objective === null ? null : (100 * (objective - ref.bks)) / ref.bks,
        iterations: solution.stats.iterations,
        failures,
      };
      results.push(result);
      console.log(
        `${ref.label.padEnd(4)} ${String(seconds).padStart(3)} s  objective ${objective === null ? 'FAILED' : fixed(objective, 2)}` +
          `  bks ${fixed(ref.bks, 2)}  gap ${result.gap === null ? '-' : `${fixed(result.gap, 2)} %`}  (${result.iterations} iterations)`,
      );
    }
  }
  const machine = describeMachine();
  const header = [
    'set',
    'patients',
    'budget (s)',
    'instances',
    'failed',
    'mean gap %',
    'worst gap %',
    'at or below BKS',
  ];
  const rows = summarise(results, refs);
  console.log(`\n${textTable(header, rows)}`);
  const name = `hhcrsp-${options.budgets.join('-')}s`;
  const out = options.out ?? join(import.meta.dirname, '..', 'results', `${name}.json`);
  const markdown = [
    `# HHCRSP (Mankowska et al. 2014), gap to the best published objective`,
    '',
    machineMarkdown(machine),
    '',
    `Objective (D + T + T_max) / 3, recomputed from each plan; every plan verified by the checker; seed ${options.seed}.`,
    '',
    markdownTable(header, rows),
    '',
    '## Per instance',
    '',
    markdownTable(
      ['instance', 'budget (s)', 'objective', 'BKS', 'gap %', 'iterations'],
      results.map((r) => [
        r.label,
        r.seconds,
        r.objective === null ? 'failed' : fixed(r.objective, 2),
        fixed(r.bks, 2),
        r.gap === null ? '-' : fixed(r.gap, 2),
        r.iterations,
      ]),
    ),
  ].join('\n');
  writeResults(out, { machine, seed: options.seed, results }, markdown);
  console.log(`\nwritten: ${out}`);
  return results;
}

function summarise(results: HhcrspResult[], refs: Reference[]): (string | number)[][] {
  const rows: (string | number)[][] = [];
  const sets = [...new Set(refs.map((r) => r.label[0]!))];
  const budgets = [...new Set(results.map((r) => r.seconds))];
  for (const seconds of budgets) {
    for (const set of sets) {
      const group = results.filter((r) => r.seconds === seconds && r.label[0] === set);
      const ok = group.filter((r) => r.gap !== null);
      const gaps = ok.map((r) => r.gap!);
      rows.push([
        set,
        refs.find((r) => r.label[0] === set)!.patients,
        seconds,
        group.length,
        group.length - ok.length,
        gaps.length > 0 ? fixed(gaps.reduce((a, b) => a + b, 0) / gaps.length, 2) : '-',
        gaps.length > 0 ? fixed(Math.max(...gaps), 2) : '-',
        gaps.filter((g) => g <= 1e-6).length,
      ]);
    }
  }
  return rows;
}
