import type { Command } from 'commander';
import { openStoreForCommand, withStoreOptions, type StoreCommandOptions } from './store-options.ts';

/** `fieldplan purge`: deletes personal data past its retention period (also run by every plan). */
export function registerPurgeCommand(program: Command): void {
  const command = withStoreOptions(
    program
      .command('purge')
      .description('Delete personal data of jobs completed or cancelled more than the retention period ago'),
  )
    .option('--retention-days <days>', 'days after completion or cancellation', '30')
    .action(async (options: StoreCommandOptions & { retentionDays: string }) => {
      const retentionDays = Number(options.retentionDays);
      if (!Number.isInteger(retentionDays) || retentionDays < 0) {
        command.error('--retention-days must be a whole number of days, 0 or more');
      }
      const store = await openStoreForCommand(command, options, { retentionDays });
      try {
        const counts = await store.purgeExpiredPersonalData(undefined, 'cli');
        console.log(
          `purged personal data of ${counts.jobs} jobs closed before ${counts.closedBefore} ` +
            `(${counts.appointments} appointment times, ${counts.journalEntries} write-back request bodies)`,
        );
      } finally {
        await store.close();
      }
    });
}
