/** `fieldplan purge`: delete personal data of jobs completed or cancelled more than 30 days ago (also runs with every plan). */
import type { Command } from 'commander';
import { openStore } from '../store/index.ts';
import { defaultDatabase, describeError, EXIT } from './plan.ts';

export function registerPurgeCommand(program: Command): void {
  program
    .command('purge')
    .description(
      'Retention: delete buyers’ personal data 30 days after their job was completed or cancelled.',
    )
    .option(
      '--db <target>',
      'SQLite file or postgres:// URL (default: DATABASE_URL or .fieldplan/fieldplan.db)',
    )
    .option('--now <iso>', 'purge as of this instant (default: now)')
    .action(async (opts: { db?: string; now?: string }) => {
      try {
        const now = opts.now !== undefined ? new Date(opts.now) : new Date();
        if (Number.isNaN(now.getTime())) throw new Error('--now must be an ISO-8601 instant');
        const store = await openStore(opts.db ?? defaultDatabase());
        try {
          const r = await store.purgeExpiredPersonalData(now, 'cli');
          console.log(
            `Personal data removed: ${r.jobs} jobs, ${r.appointments} appointment times, ${r.journalEntries} journal bodies (closed before ${r.closedBefore})`,
          );
        } finally {
          await store.close();
        }
        process.exitCode = EXIT.ok;
      } catch (err) {
        console.error(`error: ${describeError(err)}`);
        process.exitCode = EXIT.error;
      }
    });
}
