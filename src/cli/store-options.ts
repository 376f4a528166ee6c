import type { Command } from 'commander';
import { PersonalDataError } from '../privacy/personal-data-error.ts';
import { StoreError } from '../store/store-error.ts';
import { openStore, type OpenStoreOptions, type Store } from '../store/store.ts';
import { resolveStoreTarget } from '../store/store-location.ts';
import { commandPath } from './command-path.ts';

export interface StoreCommandOptions {
  db?: string;
  keyFile?: string;
}

/**
 * Whether a command may create the store. Commands that read stored data (report, purge,
 * reencrypt, token list and revoke) need an existing one: a mistyped --db must not leave an
 * empty database and a new key behind.
 */
export type StoreUse = 'existing' | 'create';

const KEY_FILE_HELP =
  'data key file; it must exist, it is never created (default: FIELDPLAN_DATA_KEY, then ' +
  'FIELDPLAN_DATA_KEY_FILE, then <db>.key beside the database, generated for a new database)';

/** Adds `--db` and `--key-file`, the options every command that opens the store takes. */
export function withStoreOptions(command: Command, use: StoreUse = 'create'): Command {
  return command
    .option(
      '--db <url-or-path>',
      use === 'existing'
        ? 'PostgreSQL URL or SQLite file of an existing store (default: DATABASE_URL, then .fieldplan/fieldplan.db)'
        : 'PostgreSQL URL or SQLite file, created if missing (default: DATABASE_URL, then .fieldplan/fieldplan.db)',
    )
    .option('--key-file <path>', KEY_FILE_HELP);
}

/** Help text of `--key-file` for commands that declare the option themselves. */
export const keyFileHelp = KEY_FILE_HELP;

/** Opens the store for a command; store and key errors end the command with their code and message. */
export async function openStoreForCommand(
  command: Command,
  options: StoreCommandOptions,
  extra: OpenStoreOptions = {},
  use: StoreUse = 'create',
): Promise<Store> {
  try {
    return await openStore(resolveStoreTarget(options.db), {
      ...extra,
      ...(options.keyFile !== undefined && { keyFile: options.keyFile, requireKeyFile: true }),
      ...(use === 'existing' && { mustExist: true }),
    });
  } catch (error) {
    // Their messages say what to fix and carry ids only, never personal data.
    if (error instanceof StoreError || error instanceof PersonalDataError) {
      command.error(`fieldplan ${commandPath(command)}: ${error.code}: ${error.message}`);
    }
    throw error;
  }
}
