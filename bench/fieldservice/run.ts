/**
 * The field-service scaling benchmark: for N jobs (technicians ≈ N/16) it measures the time
 * to the first complete feasible plan, plan quality at several time budgets, and the time
 * per solver iteration as N grows.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkSolution } from '../../solver/checker.ts';
import { solve } from '../../solver/index.ts';
import { generateFieldServiceDay } from './generate.ts';
import {
  describeMachine,
  fixed,
  machineMarkdown,
  markdownTable,
  textTable,
  writeResults,
} from '../report.ts';

export interface BudgetResult {
  seconds: number;
  wallSeconds: number;
  assignedPercent: number;
  travelHours: number;
  overtimeHours: number;
  cost: number;
  iterations: number;
  msPerIteration: number | null;
  violations: string[];
}

export interface SizeResult {
  jobs: number;
  technicians: number;
  generateSeconds: number;
  /** Time of the solver's first progress report: its first complete plan. */
  firstPlanSeconds: number | null;
  budgets: BudgetResult[];
}

export interface FieldServiceRunOptions {
  sizes: number[];
  budgets: number[];
  seed: number;
  out?: string;
}

export function runFieldServiceBenchmark(options: FieldServiceRunOptions): SizeResult[] {
  const results: SizeResult[] = [];
  const header = [
    'jobs',
    'techs',
    'budget s',
    'wall s',
    'first plan s',
    'assigned %',
    'travel h',
    'overtime h',
    'iterations',
    'ms/iter',
    'check',
  ];
  const rows: (string | number)[][] = [];
  console.log(
    `field service: sizes ${options.sizes.join(', ')}; budgets ${options.budgets.join(', ')} s; seed ${options.seed}`,
  );
  for (const n of options.sizes) {
    const generated = performance.now();
    const { problem } = generateFieldServiceDay({ jobs: n, seed: options.seed });
    const generateSeconds = (performance.now() - generated) / 1000;
    const size: SizeResult = {
      jobs: n,
      technicians: problem.technicians.length,
      generateSeconds,
      firstPlanSeconds: null,
      budgets: [],
    };
    for (const seconds of options.budgets) {
      let first: number | null = null;
      const started = performance.now();
      const solution = solve(problem, {
        seed: options.seed,
        timeLimitMs: seconds * 1000,
        clock: () => performance.now(),
        onProgress: (p) => {
          if (first === null) first = p.elapsedMs / 1000;
        },
      });
      const wallSeconds = (performance.now() - started) / 1000;
      const report = checkSolution(problem, solution);
      size.firstPlanSeconds ??= first;
      const iterations = solution.stats.iterations;
      const budget: BudgetResult = {
        seconds,
        wallSeconds,
        assignedPercent: (100 * report.totals.assigned) / problem.jobs.length,
        travelHours: report.totals.travelDuration / 3600,
        overtimeHours: report.totals.overtime / 3600,
        cost: solution.cost.total,
        iterations,
        msPerIteration: iterations > 0 ? (1000 * wallSeconds) / iterations : null,
        violations: [...new Set(report.violations.map((v) => v.code))],
      };
      size.budgets.push(budget);
      const r = [
        n,
        size.technicians,
        seconds,
        fixed(wallSeconds, 2),
        first === null ? '—' : fixed(first, 2),
        fixed(budget.assignedPercent, 1),
        fixed(budget.travelHours, 1),
        fixed(budget.overtimeHours, 1),
        iterations,
        budget.msPerIteration === null ? '—' : fixed(budget.msPerIteration, 3),
        budget.violations.length === 0 ? 'ok' : `FAILED ${budget.violations.join(',')}`,
      ];
      rows.push(r);
      console.log(r.join('  '));
    }
    results.push(size);
  }
  // Growth of the time per iteration: exponent k in t ∝ N^k between consecutive sizes (longest budget).
  const growth = results.slice(1).map((r, i) => {
    const prev = results[i]!;
    const a = prev.budgets.at(-1)?.msPerIteration;
    const b = r.budgets.at(-1)?.msPerIteration;
    return a && b
      ? `${prev.jobs}→${r.jobs}: ×${fixed(b / a, 2)} (N^${fixed(Math.log(b / a) / Math.log(r.jobs / prev.jobs), 2)})`
      : `${prev.jobs}→${r.jobs}: —`;
  });
  const machine = describeMachine();
  console.log(
    `\n${textTable(header, rows)}\n\ntime per iteration: ${growth.join('; ')}\n${machineMarkdown(machine)}`,
  );
  const out = options.out ?? join('bench', 'results', 'fieldservice.json');
  const markdown = [
    `# Field-service scaling (seed ${options.seed})`,
    '',
    machineMarkdown(machine),
    'Generated Dallas-area days: technicians ≈ N/16, 1–3 windows per job, 30–180 min service, 8–10 h shifts with lunch, 1 h paid overtime allowed. ' +
      'Single thread. "first plan" = the solver\'s first progress report (first complete plan); quality from the independent checker.',
    '',
    markdownTable(header, rows),
    '',
    `Time per iteration (longest budget): ${growth.join('; ')}`,
  ].join('\n');
  writeResults(out, { seed: options.seed, machine, results }, markdown);
  console.log(`\nwrote ${out} and ${out.replace(/\.json$/, '.md')}`);
  return results;
}
