import type { Command } from 'commander';
import { PersonalDataError } from '../privacy/personal-data-error.ts';
import { StoreError } from '../store/store-error.ts';
import { openStore, type OpenStoreOptions, type Store } from '../store/store.ts';
import { resolveStoreTarget } from '../store/store-location.ts';

export interface StoreCommandOptions {
  db?: string;
  keyFile?: string;
}

/** Adds `--db` and `--key-file`, the options every command that opens the store takes. */
export function withStoreOptions(command: Command): Command {
  return command
    .option(
      '--db <url-or-path>',
      'PostgreSQL URL or SQLite file (default: DATABASE_URL, then .fieldplan/fieldplan.db)',
    )
    .option('--key-file <path>', 'data key file (default: FIELDPLAN_DATA_KEY, then beside the database)');
}

/** Opens the store for a command; store and key errors end the command with their code and message. */
export async function openStoreForCommand(
  command: Command,
  options: StoreCommandOptions,
  extra: OpenStoreOptions = {},
): Promise<Store> {
  try {
    return await openStore(resolveStoreTarget(options.db), {
      ...extra,
      ...(options.keyFile !== undefined && { keyFile: options.keyFile }),
    });
  } catch (error) {
    // Their messages say what to fix and carry ids only, never personal data.
    if (error instanceof StoreError || error instanceof PersonalDataError) {
      command.error(`fieldplan ${command.name()}: ${error.code}: ${error.message}`);
    }
    throw error;
  }
}
