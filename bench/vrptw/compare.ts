/**
 * Side-by-side VRPTW comparison of two checkouts of this project: each instance is solved by
 * both, one after the other in fresh processes (which side goes first alternates), so both see
 * the same machine load. Prints a table and writes it under bench/results/.
 *
 *   node --import tsx bench/vrptw/compare.ts --before <other checkout> [--seconds 1]
 *        [--instances C1*,R2*] [--seed 1] [--out bench/results/compare.md]
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fixed, markdownTable, textTable } from '../report.ts';
import { readBks } from './bks.ts';
import { instanceClass, matchesFilter } from './run.ts';
import type { InstanceResult } from './run.ts';

const here = resolve(import.meta.dirname, '..', '..');

function solveIn(checkout: string, file: string, name: string, bks: number, seconds: number, seed: number) {
  const script = `
    const { solveInstance } = await import(${JSON.stringify(join(checkout, 'bench/vrptw/run.ts'))});
    const r = solveInstance(${JSON.stringify(file)}, ${JSON.stringify(name)}, ${bks}, ${seconds}, ${seed});
    process.stdout.write(JSON.stringify(r));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: checkout,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out) as InstanceResult;
}

function mean(xs: number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((s, x) => s + x, 0) / xs.length;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      before: { type: 'string' },
      seconds: { type: 'string', default: '1' },
      instances: { type: 'string' },
      seed: { type: 'string', default: '1' },
      data: { type: 'string', default: resolve(here, '..', 'shared', 'bench') },
      out: { type: 'string', default: join(here, 'bench', 'results', 'solomon-compare.md') },
    },
  });
  if (!values.before) throw new Error('--before: expected the path of the other checkout to compare against');
  const before = resolve(values.before);
  const seconds = Number(values.seconds);
  const seed = Number(values.seed);
  if (!(seconds > 0)) throw new Error(`--seconds: expected a positive number, got "${values.seconds}"`);
  const dir = join(values.data, 'solomon');
  const bks = readBks(join(dir, 'bks.csv'));
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .map((f) => ({ file: join(dir, f), name: f.replace(/\.txt$/, '') }))
    .filter((f) => matchesFilter(f.name, values.instances) && bks.has(f.name))
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  const rows: { name: string; bks: number; b: InstanceResult; a: InstanceResult; load: number }[] = [];
  files.forEach((f, i) => {
    const best = bks.get(f.name)?.distanceMin as number;
    const run = (side: string) => solveIn(side, f.file, f.name, best, seconds, seed);
    let b: InstanceResult;
    let a: InstanceResult;
    if (i % 2 === 0) {
      b = run(before);
      a = run(here);
    } else {
      a = run(here);
      b = run(before);
    }
    const load = loadavg()[0] as number;
    rows.push({ name: f.name, bks: best, b, a, load });
    process.stderr.write(
      `${f.name}: before ${fixed(b.gap ?? NaN, 2)} % (${b.iterations} it), after ${fixed(a.gap ?? NaN, 2)} % (${a.iterations} it), load ${fixed(load, 1)}\n`,
    );
  });
  const header = ['instance', 'BKS', 'before gap %', 'before iter', 'after gap %', 'after iter', 'load'];
  const body = rows.map((r) => [
    r.name,
    fixed(r.bks, 1),
    fixed(r.b.gap ?? NaN, 2),
    String(r.b.iterations),
    fixed(r.a.gap ?? NaN, 2),
    String(r.a.iterations),
    fixed(r.load, 1),
  ]);
  const summary = (pick: (r: (typeof rows)[number]) => InstanceResult) => {
    const ok = rows.map(pick).filter((x) => x.gap !== null);
    const byClass = [...new Set(rows.map((r) => instanceClass(r.name)))]
      .map((c) => `${c} ${fixed(mean(ok.filter((x) => x.class === c).map((x) => x.gap as number)), 2)}`)
      .join(', ');
    return (
      `mean gap ${fixed(mean(ok.map((x) => x.gap as number)), 2)} % (${byClass}); ` +
      `at BKS ${ok.filter((x) => (x.gap as number) < 0.005).length}/${rows.length}; ` +
      `failed ${rows.length - ok.length}; mean iterations ${fixed(mean(rows.map(pick).map((x) => x.iterations)), 0)}`
    );
  };
  const lines = [
    `before = ${before}, after = ${here}; ${seconds} s per instance, seed ${seed}; ` +
      `load average over the run ${fixed(mean(rows.map((r) => r.load)), 1)}`,
    `before: ${summary((r) => r.b)}`,
    `after:  ${summary((r) => r.a)}`,
  ];
  process.stdout.write(`${textTable(header, body)}\n${lines.join('\n')}\n`);
  writeFileSync(values.out, `${lines.map((l) => `- ${l}`).join('\n')}\n\n${markdownTable(header, body)}\n`);
}

main();
