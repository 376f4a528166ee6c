/**
 * `fieldplan capacity publish`: hold technician hours at Amazon so that the store's slot
 * capacity, for every kind of work, stays within what the routes absorb (see
 * docs/capacity.md), as `POST /v1/capacity/publish` does. Progress on stderr: the pull, the
 * capacity read per technician, then the calls written with those Amazon refused so far.
 * Exit code 0 published (or nothing to do, or a dry run), 2 some calls refused or in doubt, 1 error.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { AmazonCapacityError, amazonCapacityPort, CapacityQueryError } from '../capacity/index.ts';
import { DayModelError } from '../capacity/day-model.ts';
import { publishCapacity, type PublishResult } from '../capacity/publish.ts';
import { integerArg, isoDateArg } from './arg-parsers.ts';
import { openAmazonCommand, withAmazonCommandOptions, type AmazonCommandOptions } from './amazon-command.ts';
import { describeError, EXIT } from './plan.ts';

interface PublishOptions extends AmazonCommandOptions {
  store: string;
  from: string;
  to?: string;
  skill?: string;
  slotMinutes?: number;
  dryRun?: boolean;
}

const wholeMinutes = integerArg({ min: 15, max: 720 });
/** Slot minutes as the API takes them: whole minutes from 15 to 720, a multiple of 5. */
const slotMinutesArg = (value: string): number => {
  const n = wholeMinutes(value);
  if (n % 5 !== 0) throw new InvalidArgumentError('Expected a multiple of 5 minutes from 15 to 720.');
  return n;
};

/** The flag of each field a refusal names. */
const FLAGS: Record<string, string> = {
  storeId: '--store',
  from: '--from',
  to: '--to',
  skill: '--skill',
  slotMinutes: '--slot-minutes',
};

export function formatPublish(r: PublishResult): string {
  const wb = r.writeBack;
  const ops = r.operations;
  return [
    `Capacity of store ${r.storeId}, ${r.from} to ${r.to} (routes from ${r.routesFrom}): ${r.outcome}`,
    `  ${r.holds.length} holds; ${ops.createReservation} to create, ${ops.updateReservation} to move, ${ops.cancelReservation} to cancel`,
    `  offered ${r.totals.offered} of the ${r.totals.engine} jobs the routes absorb; ${r.totals.overOfferedWithoutHolds} over-offered without holds; ${r.totals.underOffered} windows under-offered`,
    ...(wb === null
      ? []
      : [
          `  Write-back: ${wb.calls} calls, ${wb.failures.length} refused, ${wb.inDoubt} in doubt`,
          ...wb.failures.slice(0, 20).map((f) => `    ${f.operation}: ${f.message}`),
        ]),
    `  Recorded as plan ${r.planId}`,
  ].join('\n');
}

async function publishCommand(opts: PublishOptions): Promise<number> {
  const ctx = await openAmazonCommand(opts);
  try {
    const result = await publishCapacity(
      {
        config: ctx.config,
        plans: ctx.db.plans,
        geocoder: ctx.geocoder,
        travel: ctx.travel,
        clock: () => new Date(),
        amazon: amazonCapacityPort(ctx.client),
        marketplaceId: ctx.marketplaceId,
        db: ctx.db,
        services: ctx.services,
        actor: 'cli',
        progress: ctx.progress,
      },
      {
        storeId: opts.store,
        from: opts.from,
        to: opts.to ?? opts.from,
        skill: opts.skill,
        slotMinutes: opts.slotMinutes,
      },
      { dryRun: opts.dryRun === true },
    );
    console.log(opts.json === true ? JSON.stringify(result, null, 2) : formatPublish(result));
    return result.outcome === 'partial' ? EXIT.partial : EXIT.ok;
  } finally {
    await ctx.close();
  }
}

export function registerCapacityCommand(program: Command): void {
  const capacity = program.command('capacity').description("Amazon's slot capacity for a store");
  const publish = capacity
    .command('publish')
    .description("Hold technician hours so that Amazon's slot capacity stays within what the routes absorb")
    .requiredOption('--store <id>', 'store id')
    .requiredOption('--from <YYYY-MM-DD>', 'first day (local date of the store)', isoDateArg())
    .option('--to <YYYY-MM-DD>', 'last day, inclusive (default: --from)', isoDateArg())
    .option('--skill <skill>', 'list only the offers of work that needs this skill (all are published)')
    .option(
      '--slot-minutes <n>',
      "slot length of the per-skill summary (default: the store's grid)",
      slotMinutesArg,
    )
    .option('--dry-run', 'work out the holds and print them without writing to Amazon');
  withAmazonCommandOptions(publish, 'print the whole result as JSON').action(async (opts: PublishOptions) => {
    try {
      process.exitCode = await publishCommand(opts);
    } catch (err) {
      const message =
        err instanceof CapacityQueryError
          ? `${FLAGS[err.field] ?? err.field}: ${err.message}`
          : err instanceof AmazonCapacityError || err instanceof DayModelError
            ? err.message
            : describeError(err);
      console.error(`error: ${message}`);
      process.exitCode = EXIT.error;
    }
  });
}
