import type { Command } from 'commander';
import { integerArg } from './arg-parsers.ts';
import { openStoreForCommand, withStoreOptions, type StoreCommandOptions } from './store-options.ts';

/** `fieldplan purge`: deletes personal data past its retention period (also run by every plan). */
export function registerPurgeCommand(program: Command): void {
  const command = withStoreOptions(
    program
      .command('purge')
      .description('Delete personal data of jobs completed or cancelled more than the retention period ago'),
    'existing',
  )
    .option(
      '--retention-days <days>',
      'days after completion or cancellation',
      integerArg({ min: 0, max: 36_500 }),
      30,
    )
    .option('--now <iso>', 'purge as of this instant (default: now)')
    .action(async (options: StoreCommandOptions & { retentionDays: number; now?: string }) => {
      const now = options.now !== undefined ? new Date(options.now) : undefined;
      if (now !== undefined && Number.isNaN(now.getTime()))
        command.error('--now must be an ISO-8601 instant');
      const retentionDays = options.retentionDays;
      const store = await openStoreForCommand(command, options, { retentionDays }, 'existing');
      try {
        const counts = await store.purgeExpiredPersonalData(now, 'cli');
        console.log(
          `purged personal data of ${counts.jobs} jobs closed before ${counts.closedBefore} ` +
            `(${counts.appointments} appointment times, ${counts.journalEntries} write-back request bodies)`,
        );
      } finally {
        await store.close();
      }
    });
}
