import type { Command } from 'commander';
import { openStoreForCommand, withStoreOptions, type StoreCommandOptions } from './store-options.ts';

/**
 * `fieldplan reencrypt`: after putting a new data key first in the ring (key file or
 * FIELDPLAN_DATA_KEY with FIELDPLAN_DATA_KEY_PREVIOUS), moves all personal data to it.
 */
export function registerReencryptCommand(program: Command): void {
  const command = withStoreOptions(
    program
      .command('reencrypt')
      .description('Re-encrypt stored personal data with the current data key, so older keys can be retired'),
    'existing',
  ).action(async (options: StoreCommandOptions) => {
    const store = await openStoreForCommand(command, options, {}, 'existing');
    try {
      const counts = await store.reencryptPersonalData();
      console.log(
        `re-encrypted ${counts.jobFields} job fields, ${counts.appointmentTimes} appointment times and ` +
          `${counts.journalBodies} write-back request bodies under data key ${counts.keyId}; ` +
          'older keys can now be removed from the key ring',
      );
    } finally {
      await store.close();
    }
  });
}
