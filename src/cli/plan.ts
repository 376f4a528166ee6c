/**
 * `fieldplan plan`: the nightly planning run from the command line, plus what the sync, purge,
 * report and start commands share: endpoint and credentials, crews config, store, progress.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import type { PlanningConfig } from '../config/index.ts';
import { connect, loadConfigFor, planningGeography } from '../connect.ts';
import { DEFAULT_MARKETPLACE_ID } from '../sandbox/marketplace.ts';
import type { RateLimitPlan } from '../spapi/index.ts';
import { sellerEnvironment } from '../tenants/seller-secrets.ts';
import {
  chooseSellerId,
  findSeller,
  loadSellers,
  openSellerView,
  resolveSeller,
  sellersFileFrom,
} from '../tenants/sellers.ts';
import { openStore } from '../store/index.ts';
import { resolveStoreTarget } from '../store/store-location.ts';
import type { WriteOperation } from '../pipeline/write/operations.ts';
import { runPlanning, type RunOptions, type RunResult } from '../pipeline/run.ts';
import { storePort } from '../pipeline/adapters/store.ts';
import type { PipelineStorePort } from '../pipeline/ports.ts';
import { reportMarkdown } from '../report/plan-report.ts';
import { dispatcherCopy } from '../report/dispatcher-copy.ts';
import { integerArg, isoDateArg, positiveNumberArg } from './arg-parsers.ts';
import { cliLogger, withLogFileOption } from './cli-logger.ts';
import { describeCliError } from './errors.ts';
import { terminalProgress } from './progress-display.ts';

/** Exit codes: 0 planned and written (or nothing to do), 2 partial write-back, 1 error. */
export const EXIT = { ok: 0, error: 1, partial: 2 } as const;

export {
  connect,
  connectClient,
  isLocalUrl,
  loadConfigFor,
  SANDBOX_SELLER_CONFIG,
  type ConnectionOptions,
} from '../connect.ts';

export function defaultDatabase(env: NodeJS.ProcessEnv = process.env): string {
  return resolveStoreTarget(undefined, env);
}

export async function openPipelineStore(db: string): Promise<PipelineStorePort> {
  return storePort(await openStore(db), { actor: 'cli' });
}

function rateLimitPlan(v: string): RateLimitPlan {
  if (v !== 'amazon' && v !== 'amazon-sandbox' && v !== 'off')
    throw new InvalidArgumentError('expected amazon, amazon-sandbox or off.');
  return v;
}

export interface PlanCliOptions {
  date: string;
  /** Default: the config's planning.horizonDays. */
  days?: number;
  store?: string[];
  endpoint: string;
  marketplace: string;
  config?: string;
  db?: string;
  out?: string;
  seconds?: number;
  iterations?: number;
  seed: number;
  apply?: boolean;
  dryRun?: boolean;
  osrm?: string;
  rateLimits?: RateLimitPlan;
  credentials?: string;
  dispatcherCopy?: boolean;
  quiet?: boolean;
  logFile?: string;
  /** The seller to plan for (a seller of the sellers file). */
  seller?: string;
  /** The sellers file (default FIELDPLAN_SELLERS_FILE). */
  sellers?: string;
}

/** `env`: environment variables for some of these options, by flag (`serve` takes them all so). */
export function addConnectionOptions(cmd: Command, env: Readonly<Record<string, string>> = {}): Command {
  const withEnv = (option: Option): Option =>
    option.long !== undefined && env[option.long] !== undefined ? option.env(env[option.long]!) : option;
  return cmd
    .addOption(
      withEnv(
        new Option(
          '--endpoint <where>',
          'na | eu | fe | amazon-sandbox | a URL (e.g. the local sandbox)',
        ).default('na'),
      ),
    )
    .addOption(withEnv(new Option('--marketplace <id>', 'marketplace id').default(DEFAULT_MARKETPLACE_ID)))
    .addOption(
      withEnv(
        new Option(
          '--credentials <file>',
          'LWA credentials file (JSON/YAML); or LWA_CLIENT_ID, LWA_CLIENT_SECRET, LWA_REFRESH_TOKEN',
        ),
      ),
    )
    .addOption(
      withEnv(
        new Option('--rate-limits <plan>', 'amazon | amazon-sandbox | off (default: by endpoint)').argParser(
          rateLimitPlan,
        ),
      ),
    )
    .addOption(
      withEnv(
        new Option(
          '--db <target>',
          'SQLite file or postgres:// URL (default: DATABASE_URL or .fieldplan/fieldplan.db)',
        ),
      ),
    );
}

export function registerPlanCommand(program: Command): void {
  const cmd = program
    .command('plan')
    .description(
      'Plan the day(s) for the stores and write appointments, technicians, schedules and reservations back to Amazon.',
    )
    .requiredOption('--date <YYYY-MM-DD>', 'first day to plan (local date of the stores)', isoDateArg())
    .option(
      '--days <n>',
      'number of days (default: planning.horizonDays of the config)',
      integerArg({ min: 1, max: 366 }),
    )
    .option('--store <id...>', 'store ids (default: every store in the config)')
    .option('--config <file>', 'crews and planning config (YAML or JSON)')
    .option('--out <dir>', 'directory for report.json and report.md', 'out')
    .option('--seconds <n>', 'solver time budget in seconds (default: from the config)', positiveNumberArg())
    .option('--iterations <n>', 'solver iteration budget (reproducible plans)', integerArg({ min: 1 }))
    .option('--seed <n>', 'solver seed', integerArg({ min: 1 }), 1)
    .option('--osrm <url>', 'OSRM server for travel times (default: great-circle distance)')
    .option('--dry-run', 'print the write-back without making it (default)')
    .option('--apply', 'make the write-back')
    .option(
      '--dispatcher-copy',
      "also write dispatcher-copy.md with buyers' names, phones and addresses (personal data)",
    )
    .option('--quiet', 'no progress display')
    .option('--seller <id>', 'plan for this seller of the sellers file (its crews, credentials, marketplace)')
    .option('--sellers <file>', 'the sellers file (default: FIELDPLAN_SELLERS_FILE; none: one seller)');
  addConnectionOptions(cmd);
  withLogFileOption(cmd);
  cmd.action(async (opts: PlanCliOptions) => {
    process.exitCode = await planCommand(opts);
  });
}

/** Runs the plan command; returns the exit code. Errors are printed with what to fix, never a stack. */
export async function planCommand(
  opts: PlanCliOptions,
  env: NodeJS.ProcessEnv = process.env,
  preloaded?: PlanningConfig,
): Promise<number> {
  if (opts.apply && opts.dryRun) {
    console.error('error: choose one of --dry-run and --apply');
    return EXIT.error;
  }
  let store: PipelineStorePort | undefined;
  try {
    const sellersFile = sellersFileFrom(opts.sellers, env);
    const sellers = sellersFile === undefined ? undefined : loadSellers(sellersFile);
    const sellerId = chooseSellerId(opts.seller, sellers);
    const seller =
      sellers === undefined
        ? undefined
        : await resolveSeller(findSeller(sellers, sellerId), sellers, {
            defaultEndpoint: opts.endpoint,
            env,
          });
    if (seller !== undefined && (opts.config !== undefined || opts.credentials !== undefined)) {
      console.error(
        "error: with a sellers file the seller's crews config and credentials come from it: drop --config and --credentials",
      );
      return EXIT.error;
    }
    const config = preloaded ?? seller?.config ?? (await loadConfigFor(opts.endpoint, opts.config));
    const marketplaceId = seller?.marketplaceId ?? opts.marketplace;
    const services = connect(
      {
        endpoint: seller?.endpoint ?? opts.endpoint,
        marketplace: marketplaceId,
        rateLimits: opts.rateLimits,
        credentials: opts.credentials,
        lwa: seller?.lwa,
        logger: cliLogger({ logFile: opts.logFile, env }),
      },
      // A seller never falls back on the deployment's own LWA variables.
      seller === undefined ? env : sellerEnvironment(env),
    );
    store = storePort(
      await openSellerView(await openStore(opts.db ?? defaultDatabase(env)), sellerId, sellers, env),
      { actor: 'cli' },
    );
    const runOptions: RunOptions = {
      date: opts.date,
      days: opts.days ?? config.planning.horizonDays,
      storeIds: opts.store,
      marketplaceId,
      apply: opts.apply === true,
      solverSeconds: opts.seconds,
      solverIterations: opts.iterations,
      seed: opts.seed,
    };
    const result = await runPlanning(runOptions, {
      config,
      services,
      store,
      ...planningGeography(config, opts.osrm),
      clock: () => new Date(),
      progress: terminalProgress({ quiet: opts.quiet === true }),
      actor: 'cli',
    });
    await writeReports(result, opts.out ?? 'out', opts.dispatcherCopy === true);
    printSummary(result, opts.out ?? 'out');
    return result.outcome === 'partial' ? EXIT.partial : EXIT.ok;
  } catch (err) {
    console.error(`error: ${describeError(err)}`);
    return EXIT.error;
  } finally {
    await store?.close();
  }
}

/** One line naming what is wrong and what to do (see errors.ts). */
export function describeError(err: unknown): string {
  return describeCliError(err);
}

export async function writeReports(
  result: RunResult,
  out: string,
  withDispatcherCopy: boolean,
): Promise<void> {
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'report.json'), `${JSON.stringify(result.report, null, 2)}\n`);
  await writeFile(join(out, 'report.md'), reportMarkdown(result.report));
  if (withDispatcherCopy)
    await writeFile(join(out, 'dispatcher-copy.md'), dispatcherCopy(result.plan, result.jobs), {
      mode: 0o600,
    });
}

export function describeOperation(op: WriteOperation): string {
  switch (op.op) {
    case 'appointment': {
      const parts = [
        op.set?.kind === 'add'
          ? 'add appointment'
          : op.set?.kind === 'reschedule'
            ? 'reschedule appointment'
            : undefined,
        op.assign ? `assign ${op.assign.join('+')}` : undefined,
      ].filter(Boolean);
      return `${op.serviceJobId}: ${parts.join(', then ')} at ${new Date(op.time.start).toISOString()} (${op.time.minutes} min)`;
    }
    case 'updateSchedule':
      return `${op.resourceId}: update schedule (${op.records.length} records)`;
    case 'createReservation':
      return `${op.block.resourceId}: create ${op.block.type} ${new Date(op.block.start).toISOString()}–${new Date(op.block.end).toISOString()}`;
    case 'updateReservation':
      return `${op.block.resourceId}: move ${op.block.type} ${op.reservationId} to ${new Date(op.block.start).toISOString()}`;
    case 'cancelReservation':
      return `${op.previous.resourceId}: cancel ${op.previous.type} ${op.reservationId}`;
  }
}

export function printSummary(result: RunResult, out: string): void {
  const k = result.report.kpis;
  const wb = result.report.writeBack;
  console.log('');
  console.log(
    `Plan ${result.planId}${result.resumed ? ' (resumed)' : ''}: ${k.jobsPlanned} of ${k.jobsInScope} jobs planned (${k.demandCoveredPct} %), ${k.techniciansUsed} technicians, travel ${k.travelHours} h, utilisation ${k.utilisationPct} %, on-time risk ${k.onTimeRisk}`,
  );
  const planned =
    Object.entries(wb.planned)
      .map(([op, n]) => `${op} ${n}`)
      .join(', ') || 'none';
  if (result.report.mode === 'dry-run') {
    console.log(`Dry run: the write-back would make ${planned}.`);
    for (const op of result.operations.slice(0, 50)) console.log(`  ${describeOperation(op)}`);
    if (result.operations.length > 50)
      console.log(`  … and ${result.operations.length - 50} more (see ${join(out, 'report.json')})`);
    console.log('Run again with --apply to make these calls.');
  } else {
    console.log(
      `Write-back: ${wb.callsMade} calls (${planned}); ${wb.failures.length} failed, ${wb.inDoubt} in doubt.`,
    );
    for (const f of wb.failures.slice(0, 20))
      console.log(`  ${f.serviceJobId ?? '-'} ${f.operation}: ${f.message}`);
    if (wb.failures.length > 20)
      console.log(`  … and ${wb.failures.length - 20} more (all in ${join(out, 'report.md')})`);
  }
  for (const line of notPlannedLines(result.report.unassigned, join(out, 'report.md'))) console.log(line);
  console.log(`Report: ${join(out, 'report.md')}, ${join(out, 'report.json')}`);
}

/** What each reason of a job left out means, for the summary's headings. */
const REASON_HEADINGS: Record<string, string> = {
  NO_WINDOW_FITS: "no qualified technician can start it inside the buyer's windows within a shift",
  DISPLACED: "it fits an empty day, but the qualified technicians' time in its windows went to other work",
  NO_SKILLED_TECHNICIAN: 'no technician of its store has the skills, or none of them works these days',
  OUTSIDE_TERRITORY: 'outside the territory of every qualified technician',
  PIN_UNSATISFIABLE: 'its frozen appointment cannot be kept with its technicians',
  EXCEEDS_CAPACITY: 'more than a van carries',
};

/**
 * The jobs not planned, grouped by reason (largest group first): a heading saying what the
 * reason means, a few jobs with their own reason, "and N more", and where to find them all.
 */
export function notPlannedLines(
  unassigned: readonly { serviceJobId: string | undefined; code: string; level: string; reason: string }[],
  fullList: string,
  perReason = 3,
): string[] {
  const notPlanned = unassigned.filter((u) => u.level === 'error');
  if (notPlanned.length === 0) return [];
  const groups = new Map<string, typeof notPlanned>();
  for (const u of notPlanned) {
    const colon = u.reason.indexOf(':');
    const head = colon > 0 ? u.reason.slice(0, colon) : u.code;
    const key = /^[A-Z_]+$/.test(head) ? head : u.code;
    groups.set(key, [...(groups.get(key) ?? []), u]);
  }
  const lines = [`Not planned: ${notPlanned.length} jobs, by reason:`];
  for (const [key, list] of [...groups].sort((a, b) => b[1].length - a[1].length)) {
    lines.push(`  ${key} (${list.length}): ${REASON_HEADINGS[key] ?? list[0]!.reason}`);
    for (const u of list.slice(0, perReason)) {
      const own = u.reason.startsWith(`${key}: `) ? u.reason.slice(key.length + 2) : u.reason;
      lines.push(
        `    ${u.serviceJobId ?? '(no id)'}${u.code === 'BOOKED_NOT_SERVED' ? ' (booked)' : ''}: ${own}`,
      );
    }
    if (list.length > perReason) lines.push(`    … and ${list.length - perReason} more`);
  }
  lines.push(`  Every job not planned, with its reason: ${fullList}`);
  return lines;
}
