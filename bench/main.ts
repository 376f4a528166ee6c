/**
 * Benchmark programs:
 *   npm run bench -- solomon   --seconds 10 [--instances C101,R2*] [--seed 1] [--out file.json]
 *   npm run bench -- solomon   --iterations 20000 [...]   (fixed iteration budget: compares variants on a busy machine)
 *   npm run bench -- homberger --size 200|1000 --seconds 30 [...]
 *   npm run bench -- fieldservice [--sizes 100,500,1000,2000,5000] [--budgets 2,10,60] [--seed 1]
 *   npm run bench -- hhcrsp [--budgets 1,10] [--instances A,B,C3] [--seed 1]
 *   npm run bench -- crews [--iterations 2000] [--seeds 5,6,7] [--load 0.5]   (sandbox: crew vs synchronised visits vs none)
 * Data comes from ../shared/bench (or --data); without it the VRPTW benchmarks say so and exit 0.
 */
import { parseArgs } from 'node:util';
import { findBenchData, defaultBenchDataDir } from './paths.ts';
import { runVrptwBenchmark } from './vrptw/run.ts';
import { runFieldServiceBenchmark } from './fieldservice/run.ts';
import { runHhcrspBenchmark } from './hhcrsp/run.ts';
import { runBalanceBenchmark } from './balance/run.ts';
import { runCrewScenario } from './fieldservice/crew-scenario.ts';

const USAGE = `usage: npm run bench -- <solomon|homberger|fieldservice|hhcrsp|balance|crews> [options]
  --seconds <s>      time budget per instance (solomon/homberger; default 10)
  --iterations <n>   fixed iteration budget per instance instead of --seconds (deterministic, for comparing variants)
  --instances <list> comma-separated instance names, * as wildcard (e.g. C101,R2*)
  --size <n>         homberger size: 200 (default) or 1000
  --seed <n>         solver seed (default 1)
  --seeds <list>     crews: sandbox seeds (default 5,6,7); --load <x> crews: seeded demand / working time (default 0.5)
  --out <file.json>  result file (default bench/results/<set>-<seconds>s.json); Markdown next to it
  --data <dir>       benchmark data folder (default ../shared/bench)
  --sizes <list>     fieldservice job counts (default 100,500,1000,2000,5000)
  --budgets <list>   fieldservice time budgets in seconds (default 2,10,60); hhcrsp (default 1)`;

function numberList(value: string | undefined, fallback: number[], name: string): number[] {
  if (value === undefined) return fallback;
  const list = value.split(',').map(Number);
  if (list.some((n) => !Number.isFinite(n) || n <= 0))
    throw new Error(`--${name}: expected positive numbers, got "${value}"`);
  return list;
}

function positive(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name}: expected a positive number, got "${value}"`);
  return n;
}

function main(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      seconds: { type: 'string' },
      iterations: { type: 'string' },
      instances: { type: 'string' },
      size: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      data: { type: 'string' },
      sizes: { type: 'string' },
      budgets: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  const [command] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  const seed = Math.floor(positive(values.seed, 1, 'seed'));
  if (command === 'fieldservice') {
    runFieldServiceBenchmark({
      sizes: numberList(values.sizes, [100, 500, 1000, 2000, 5000], 'sizes'),
      budgets: numberList(values.budgets, [2, 10, 60], 'budgets'),
      seed,
      ...(values.out ? { out: values.out } : {}),
    });
    return 0;
  }
  if (command === 'balance') {
    runBalanceBenchmark({
      jobs: 30,
      technicians: 8,
      seconds: positive(values.seconds, 5, 'seconds'),
      seeds: [1, 2, 3],
      ...(values.out ? { out: values.out } : {}),
    });
    return 0;
  }
  if (command === 'hhcrsp') {
    const dir = findBenchData(values.data ?? defaultBenchDataDir());
    if (!dir || !findBenchData(`${dir}/hhcrsp`)) {
      console.log('hhcrsp data not found (../shared/bench/hhcrsp next to the project): nothing to run.');
      return 0;
    }
    runHhcrspBenchmark({
      dataDir: dir,
      budgets: numberList(values.budgets, [1], 'budgets'),
      seed,
      ...(values.instances ? { instances: values.instances } : {}),
      ...(values.out ? { out: values.out } : {}),
    });
    return 0;
  }
  if (command !== 'solomon' && command !== 'homberger') {
    console.error(`unknown benchmark "${command}"\n${USAGE}`);
    return 2;
  }
  const dataDir = findBenchData(values.data ?? defaultBenchDataDir());
  if (!dataDir) {
    console.log(
      `benchmark data not found at ${values.data ?? defaultBenchDataDir()}: nothing to run (it lives in ../shared/bench next to the project).`,
    );
    return 0;
  }
  const size = positive(values.size, 200, 'size');
  if (command === 'homberger' && size !== 200 && size !== 1000)
    throw new Error('--size: expected 200 or 1000');
  runVrptwBenchmark({
    set: command,
    dataDir,
    seconds: positive(values.seconds, 10, 'seconds'),
    seed,
    size,
    ...(values.iterations ? { iterations: Math.floor(positive(values.iterations, 1, 'iterations')) } : {}),
    ...(values.instances ? { instances: values.instances } : {}),
    ...(values.out ? { out: values.out } : {}),
  });
  return 0;
}

/** The sandbox crew scenario runs over HTTP, so asynchronously. */
async function crews(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      iterations: { type: 'string' },
      seed: { type: 'string' },
      seeds: { type: 'string' },
      load: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const one = values.seed !== undefined ? [Math.floor(positive(values.seed, 5, 'seed'))] : undefined;
  // A fixed weekday: the seeded technicians work Monday to Friday.
  await runCrewScenario({
    seeds: one ?? numberList(values.seeds, [5, 6, 7], 'seeds').map(Math.floor),
    load: positive(values.load, 0.5, 'load'),
    iterations: Math.floor(positive(values.iterations, 2000, 'iterations')),
    date: '2026-11-24',
    ...(values.out ? { out: values.out } : {}),
  });
  return 0;
}

const argv = process.argv.slice(2);
if (argv[0] === 'crews') {
  crews(argv).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      console.error((error as Error).message);
      process.exitCode = 1;
    },
  );
} else {
  try {
    process.exitCode = main(argv);
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
