/**
 * `fieldplan start` (`npm start`): the main job end to end with no Amazon account. Starts the
 * local Services sandbox in this process with a demo seller, runs `plan --apply` for the week
 * from the next weekday against it at Amazon's sandbox rate limits (5 requests/s, burst 15
 * per operation) with the shipped crews config, prints the report summary and stops.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { stringify } from 'yaml';
import { loadPlanningConfig, validatePlanningConfig, type PlanningConfig } from '../config/index.ts';
import { startSandbox } from '../sandbox/index.ts';
import { seededPlanningConfig } from '../sandbox/crews-config.ts';
import { positiveNumberArg } from './arg-parsers.ts';
import { describeError, EXIT, planCommand, SANDBOX_SELLER_CONFIG } from './plan.ts';

/**
 * The demo seller. The sandbox spreads the buyers' preferred days over as many working days
 * as the crews need to do the work (here 480 jobs, about 390 open, for 24 technicians: five),
 * so the demo plans that whole week: the day-by-day demand then matches the crews, most jobs
 * find a place, and the write-back (a few hundred appointments and assignments at 5 requests/s)
 * makes pull → solve → write-back → report take about two minutes on two cores.
 */
export const DEMO_SELLER = { seed: 1, stores: 4, technicians: 24, jobs: 480 } as const;
/** Planning settings of the demo seller's config: a calendar week covers its five working days. */
export const DEMO_PLANNING = { horizonDays: 7, solverBudgetSeconds: 20 } as const;
export const DEMO_CONFIG = SANDBOX_SELLER_CONFIG;

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description(
      'Run the main job end to end against the embedded local sandbox: pull, solve, write back, report.',
    )
    .option('--out <dir>', 'directory for the report', 'out/demo')
    .option('--seconds <n>', 'solver time budget in seconds', positiveNumberArg(), 20)
    .option('--write-config <file>', "write the demo seller's crews config (YAML) and exit")
    .action(async (opts: { out: string; seconds: number; writeConfig?: string }) => {
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
      '# (`fieldplan sandbox --seed 1 --stores 4 --technicians 24 --jobs 480`). Regenerate with',
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

export async function startCommand(opts: { out: string; seconds: number }): Promise<number> {
  // The next weekday: the seeded crews work Monday to Friday.
  let day = DateTime.utc().plus({ days: 1 });
  while (day.weekday > 5) day = day.plus({ days: 1 });
  const date = day.toISODate()!;
  const sandbox = await startSandbox({
    ...DEMO_SELLER,
    port: 0,
    startDate: date,
    // The client paces every operation at Amazon's sandbox plan; the embedded server need not throttle too.
    rateLimits: 'off',
    logger: false,
  });
  const dir = await mkdtemp(join(tmpdir(), 'fieldplan-demo-'));
  try {
    console.log(
      `Local Services sandbox at ${sandbox.url}: ${DEMO_SELLER.stores} stores, ${DEMO_SELLER.technicians} technicians, ${DEMO_SELLER.jobs} jobs (seed ${DEMO_SELLER.seed})`,
    );
    let config: PlanningConfig = await loadPlanningConfig(DEMO_CONFIG);
    const seeded = new Set(sandbox.seededCrews().map((c) => c.resourceId));
    if (!config.technicians.every((t) => seeded.has(t.resourceId))) {
      // The shipped file was made for another seed: derive the crews from the sandbox instead.
      console.log(`note: ${DEMO_CONFIG} does not match the seeded seller; using the sandbox's crews`);
      config = validatePlanningConfig(
        seededPlanningConfig(sandbox.seededCrews(), sandbox.seededStores(), DEMO_PLANNING),
        'sandbox',
      );
    }
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
        db: join(dir, 'demo.db'),
        out: opts.out,
        seconds: opts.seconds,
        seed: 1,
        apply: true,
        rateLimits: 'amazon-sandbox',
      },
      {
        ...process.env,
        LWA_CLIENT_ID: '',
        LWA_CLIENT_SECRET: '',
        LWA_REFRESH_TOKEN: '',
        SPAPI_CONFIG_FILE: '',
      },
      config,
    );
    // Capacity reads are POSTs too; count only what changes Amazon's state.
    const reads = new Set(['lwaToken', 'getRangeSlotCapacity', 'getFixedSlotCapacity']);
    const writes = sandbox.requestLog.filter(
      (e) => e.method !== 'GET' && !reads.has(e.operation) && e.outcome === 'ok',
    ).length;
    console.log(`Sandbox saw ${sandbox.requestLog.length} requests, ${writes} successful writes.`);
    return code;
  } catch (err) {
    console.error(`error: ${describeError(err)}`);
    return EXIT.error;
  } finally {
    await sandbox.close();
    await rm(dir, { recursive: true, force: true });
  }
}
