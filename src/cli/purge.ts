import type { Command } from 'commander';
import { PersonalDataError } from '../privacy/personal-data-error.ts';
import { StoreError } from '../store/store-error.ts';
import { openStore } from '../store/store.ts';
import { resolveStoreTarget } from '../store/store-location.ts';

/** `fieldplan purge`: deletes personal data past its retention period (also run by every plan). */
export function registerPurgeCommand(program: Command): void {
  program
    .command('purge')
    .description('Delete personal data of jobs completed or cancelled more than the retention period ago')
    .option(
      '--db <url-or-path>',
      'PostgreSQL URL or SQLite file (default: DATABASE_URL, then .fieldplan/fieldplan.db)',
    )
    .option('--key-file <path>', 'data key file (default: FIELDPLAN_DATA_KEY, then beside the database)')
    .option('--retention-days <days>', 'days after completion or cancellation', '30')
    .action(async (options: { db?: string; keyFile?: string; retentionDays: string }) => {
      const retentionDays = Number(options.retentionDays);
      if (!Number.isInteger(retentionDays) || retentionDays < 0) {
        program.error('--retention-days must be a whole number of days, 0 or more');
      }
      const store = await openStore(resolveStoreTarget(options.db), {
        retentionDays,
        ...(options.keyFile !== undefined && { keyFile: options.keyFile }),
      }).catch((error: unknown) => {
        // Store and key errors carry a code and a message that says what to fix, never data.
        if (error instanceof StoreError || error instanceof PersonalDataError) {
          program.error(`fieldplan purge: ${error.code}: ${error.message}`);
        }
        throw error;
      });
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
