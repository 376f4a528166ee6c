/**
 * What workload balance costs in travel: generated field-service days with enough technicians
 * for the work, solved without balance and with `objective.balance` (work, per hour of
 * deviation from the mean, in seconds of travel) at rising weights, and with a minimum of
 * four hours of work per technician. Every plan is verified by the checker.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkSolution } from '../../solver/checker.ts';
import { solve } from '../../solver/index.ts';
import type { Problem } from '../../solver/problem.ts';
import { generateFieldServiceDay } from '../fieldservice/generate.ts';
import {
  describeMachine,
  fixed,
  machineMarkdown,
  markdownTable,
  textTable,
  writeResults,
} from '../report.ts';

export interface BalanceOptions {
  jobs: number;
  technicians: number;
  seconds: number;
  seeds: number[];
  out?: string;
}

interface Variant {
  name: string;
  apply: (p: Problem) => Problem;
}

const H = 3600;

function variants(): Variant[] {
  const weighted = (weight: number): Variant => ({
    name: `balance ${weight} s/h`,
    apply: (p) => ({ ...p, objective: { ...p.objective, balance: { measure: 'work', weight } } }),
  });
  return [
    { name: 'no balance', apply: (p) => p },
    // The same search as the weighted variants (plan-wide terms need the joint search), at a
    // weight too small to change a choice: the reference their travel is compared with.
    {
      name: 'no balance, joint search',
      apply: (p) => ({ ...p, objective: { ...p.objective, balance: { measure: 'work', weight: 1e-9 } } }),
    },
    weighted(60),
    weighted(300),
    weighted(900),
    weighted(3600),
    {
      name: 'min work 4 h',
      apply: (p) => ({ ...p, technicians: p.technicians.map((t) => ({ ...t, minWorkTime: 4 * H })) }),
    },
  ];
}

export function runBalanceBenchmark(options: BalanceOptions): void {
  const header = [
    'variant',
    'assigned',
    'travel h',
    'travel +%',
    'work spread h',
    'max-min h',
    'used techs',
    'check',
  ];
  const rows: (string | number)[][] = [];
  const results: unknown[] = [];
  const list = variants();
  const sums = list.map(() => ({ assigned: 0, travel: 0, spread: 0, range: 0, used: 0, failures: 0 }));
  for (const seed of options.seeds) {
    const { problem: base } = generateFieldServiceDay({
      jobs: options.jobs,
      technicians: options.technicians,
      seed,
    });
    list.forEach((variant, k) => {
      const problem = variant.apply(base);
      const solution = solve(problem, {
        seed: 1,
        timeLimitMs: options.seconds * 1000,
        clock: () => performance.now(),
      });
      const report = checkSolution(problem, solution);
      const work = problem.technicians.map((t) => {
        const r = report.routes.find((route) => route.technician === t.id);
        return r ? (r.travelDuration + r.serviceDuration) / H : 0;
      });
      const mean = work.reduce((a, b) => a + b, 0) / work.length;
      const spread = work.reduce((s, w) => s + Math.abs(w - mean), 0);
      const range = Math.max(...work) - Math.min(...work);
      const s = sums[k]!;
      s.assigned += report.totals.assigned;
      s.travel += report.totals.travelDuration / H;
      s.spread += spread;
      s.range += range;
      s.used += report.totals.usedRoutes;
      s.failures += report.violations.length;
      results.push({
        seed,
        variant: variant.name,
        assigned: report.totals.assigned,
        travelHours: report.totals.travelDuration / H,
        spread,
        range,
        usedRoutes: report.totals.usedRoutes,
        violations: report.violations.length,
      });
      console.log(
        `seed ${seed}  ${variant.name.padEnd(18)} assigned ${report.totals.assigned}  travel ${fixed(report.totals.travelDuration / H, 2)} h  spread ${fixed(spread, 2)} h  used ${report.totals.usedRoutes}`,
      );
    });
  }
  const n = options.seeds.length;
  // Travel is compared within the joint search (row 2), so the table shows what balance costs,
  // not how the two searches differ.
  const baseTravel = sums[1]!.travel / n;
  list.forEach((variant, k) => {
    const s = sums[k]!;
    rows.push([
      variant.name,
      fixed(s.assigned / n, 1),
      fixed(s.travel / n, 2),
      fixed((100 * (s.travel / n - baseTravel)) / baseTravel, 1),
      fixed(s.spread / n, 2),
      fixed(s.range / n, 2),
      fixed(s.used / n, 1),
      s.failures === 0 ? 'ok' : `${s.failures} violations`,
    ]);
  });
  console.log(`\n${textTable(header, rows)}`);
  const machine = describeMachine();
  const out = options.out ?? join(import.meta.dirname, '..', 'results', 'balance.json');
  const markdown = [
    '# What workload balance costs in travel',
    '',
    machineMarkdown(machine),
    '',
    `Generated field-service days (${options.jobs} jobs, ${options.technicians} technicians, seeds ${options.seeds.join(', ')}), ${options.seconds} s each; means over the seeds. ` +
      'Work = travel + service per technician, every technician of the day counted (idle ones with 0); "work spread" = Σ |work − mean|. ' +
      '"No balance" is solved by the plain search, the others by the joint search (plan-wide terms); "travel +%" is against "no balance, joint search" (a weight of 1e-9 s/h), so it shows what balance costs within one search. ' +
      'Time-limited runs on a shared, loaded machine: travel moves by up to about 10 % between runs and searches, so smaller differences are noise, not the price of balance.',
    '',
    markdownTable(header, rows),
  ].join('\n');
  writeResults(out, { machine, options, results }, markdown);
  console.log(`\nwritten: ${out}`);
}
