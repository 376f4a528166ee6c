/**
 * `fieldplan start` (`npm start`): the main job end to end with no Amazon account. Starts the
 * local Services sandbox in this process with a demo seller, runs `plan --apply` for the week
 * from the next weekday against it at Amazon's sandbox rate limits (5 requests/s, burst 15
 * per operation) with the shipped crews config, prints the report summary and how to open the
 * plan on the dispatch board, and stops. Its database, data key and JSON log are kept in
 * .fieldplan/demo/ (replaced by the next start); nothing goes to the temporary folder.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { stringify } from 'yaml';
import { loadPlanningConfig, validatePlanningConfig, type PlanningConfig } from '../config/index.ts';
import { startSandbox, type Sandbox } from '../sandbox/index.ts';
import { seededPlanningConfig } from '../sandbox/crews-config.ts';
import { positiveNumberArg } from './arg-parsers.ts';
import { describeError, EXIT, planCommand, SANDBOX_SELLER_CONFIG } from './plan.ts';

/**
 * The demo seller, staffed the way a seller staffs for its demand: its 24 technicians' week
 * (five working days) has room for the work, and each store's services come in proportion to
 * its technicians who can do them, with the buyers' windows, skills and travel leaving a few
 * jobs genuinely unplaceable. The sandbox spreads the jobs' preferred days so that they fill
 * `load` of the crews' working time.
 */
export const DEMO_SELLER = {
  seed: 1,
  stores: 4,
  technicians: 24,
  jobs: 160,
  load: 0.33,
  demandBySkill: true,
} as const;
/** The stress seed (`--overloaded`): the same crews with far more work than they can do. */
export const OVERLOADED_SELLER = { seed: 1, stores: 4, technicians: 24, jobs: 480, load: 1 } as const;
/** Planning settings of the demo seller's config: a calendar week covers its five working days. */
export const DEMO_PLANNING = { horizonDays: 7, solverBudgetSeconds: 20 } as const;
export const DEMO_CONFIG = SANDBOX_SELLER_CONFIG;
/** Where the demo keeps its database until the next start (relative to the current folder). */
export const DEMO_DIR = join('.fieldplan', 'demo');

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description(
      'Run the main job end to end against the embedded local sandbox: pull, solve, write back, report.',
    )
    .option('--out <dir>', 'directory for the report', 'out/demo')
    .option('--seconds <n>', 'solver time budget in seconds', positiveNumberArg(), 20)
    .option('--overloaded', 'seed far more work than the crews can do (a stress run)')
    .option('--write-config <file>', "write the demo seller's crews config (YAML) and exit")
    .action(async (opts: { out: string; seconds: number; overloaded?: boolean; writeConfig?: string }) => {
      if (opts.writeConfig !== undefined) {
        process.exitCode = await writeDemoConfig(opts.writeConfig);
        return;
      }
      process.exitCode = await startCommand(opts);
    });
}

/** The crews config of the demo seller (the sandbox's default seed and size), as shipped in config/. */
export async function writeDemoConfig(file: string): Promise<number> {
  const sandbox = await startSandbox({ ...DEMO_SELLER, port: 0, logger: false });
  try {
    const config = seededPlanningConfig(sandbox.seededCrews(), sandbox.seededStores(), DEMO_PLANNING);
    const header = [
      `# Crews of the local sandbox's seeded seller (seed ${DEMO_SELLER.seed}: ${DEMO_SELLER.stores} stores, ${DEMO_SELLER.technicians} technicians), as \`npm start\` seeds it`,
      `# (\`fieldplan sandbox --seed ${DEMO_SELLER.seed} --stores ${DEMO_SELLER.stores} --technicians ${DEMO_SELLER.technicians}\`; the crews do not depend on the jobs). Regenerate with`,
      '# `npx fieldplan start --write-config config/sandbox-seller.yaml`.',
      '',
    ].join('\n');
    await writeFile(file, header + stringify(config));
    console.log(
      `Wrote ${config.technicians.length} technicians in ${config.stores.length} stores to ${file}`,
    );
    return EXIT.ok;
  } finally {
    await sandbox.close();
  }
}

export async function startCommand(opts: {
  out: string;
  seconds: number;
  overloaded?: boolean;
}): Promise<number> {
  const seller = opts.overloaded === true ? OVERLOADED_SELLER : DEMO_SELLER;
  // The next weekday: the seeded crews work Monday to Friday.
  let day = DateTime.utc().plus({ days: 1 });
  while (day.weekday > 5) day = day.plus({ days: 1 });
  const date = day.toISODate()!;
  // The last demo's database goes; this one stays for the board until the next start.
  const dir = resolve(DEMO_DIR);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const db = join(dir, 'demo.db');
  const sandbox = await startSandbox({
    ...seller,
    port: 0,
    startDate: date,
    // The client paces every operation at Amazon's sandbox plan; the embedded server need not throttle too.
    rateLimits: 'off',
    logger: false,
  });
  // Ctrl-C or a kill: close the sandbox's socket and leave; the demo folder stays as it is.
  const stop = (signal: NodeJS.Signals): void => {
    void sandbox.close().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    console.log(
      `Local Services sandbox at ${sandbox.url}: ${seller.stores} stores, ${seller.technicians} technicians, ${seller.jobs} jobs (seed ${seller.seed}${opts.overloaded === true ? ', overloaded' : ''})`,
    );
    const config = await demoConfig(sandbox);
    const days = config.planning.horizonDays;
    console.log(
      `Planning ${days} days from ${date} with ${DEMO_CONFIG} (write-back paced at 5 requests/s, burst 15, per operation)`,
    );
    const code = await planCommand(
      {
        date,
        days,
        endpoint: sandbox.url,
        marketplace: sandbox.marketplaceId,
        config: DEMO_CONFIG,
        db,
        out: opts.out,
        seconds: opts.seconds,
        seed: 1,
        apply: true,
        rateLimits: 'amazon-sandbox',
        // JSON log lines (retries, refusals) go to a file, not between the progress lines.
        logFile: join(dir, 'demo.log'),
      },
      {
        ...process.env,
        LWA_CLIENT_ID: '',
        LWA_CLIENT_SECRET: '',
        LWA_REFRESH_TOKEN: '',
        SPAPI_CONFIG_FILE: '',
        DATABASE_URL: '',
        FIELDPLAN_DATA_KEY: '',
        FIELDPLAN_DATA_KEY_FILE: '',
      },
      config,
    );
    // Capacity reads are POSTs too; count only what changes Amazon's state.
    const reads = new Set(['lwaToken', 'getRangeSlotCapacity', 'getFixedSlotCapacity']);
    const writes = sandbox.requestLog.filter(
      (e) => e.method !== 'GET' && !reads.has(e.operation) && e.outcome === 'ok',
    ).length;
    console.log(`Sandbox saw ${sandbox.requestLog.length} requests, ${writes} successful writes.`);
    if (code !== EXIT.error) printBoardHint(db, config, date, seller);
    return code;
  } catch (err) {
    console.error(`error: ${describeError(err)}`);
    return EXIT.error;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await sandbox.close();
  }
}

/** The shipped crews config, or the sandbox's own crews when the file was made for another seed. */
async function demoConfig(sandbox: Sandbox): Promise<PlanningConfig> {
  const config = await loadPlanningConfig(DEMO_CONFIG);
  const seeded = new Set(sandbox.seededCrews().map((c) => c.resourceId));
  if (config.technicians.every((t) => seeded.has(t.resourceId))) return config;
  console.log(`note: ${DEMO_CONFIG} does not match the seeded seller; using the sandbox's crews`);
  return validatePlanningConfig(
    seededPlanningConfig(sandbox.seededCrews(), sandbox.seededStores(), DEMO_PLANNING),
    'sandbox',
  );
}

/** How to look at the plan just made on the dispatch board (the demo's database stays). */
function printBoardHint(
  db: string,
  config: PlanningConfig,
  date: string,
  seller: { seed: number; stores: number; technicians: number; jobs: number },
): void {
  const where = relative(process.cwd(), db) || db;
  const store = config.stores[0];
  console.log('');
  console.log(`The plan is kept in ${where} until the next npm start. To open it on the dispatch board:`);
  console.log(`  npx fieldplan token create --scope planner --name demo --db ${where}`);
  console.log(`  npx fieldplan serve --db ${where} --endpoint http://127.0.0.1:8700 --config ${DEMO_CONFIG}`);
  console.log(
    `then open http://127.0.0.1:8080/board/, sign in with the token and pick ${store?.name ?? store?.storeId ?? 'a store'} on ${date}.`,
  );
  console.log(
    `(The board reads the plan from the database; optimize-today and apply also need a sandbox on port 8700: npx fieldplan sandbox --seed ${seller.seed}.)`,
  );
}
