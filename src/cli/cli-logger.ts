/**
 * Where the command line's JSON log lines go: stderr, or a file given with --log-file. Never
 * stdout, which carries the human summary (and, for some commands, output meant for a pipe).
 */
import { pino, type Logger } from 'pino';
import type { Command } from 'commander';
import { privacyLoggerOptions } from '../privacy/redact.ts';
import { SECRET_REDACTION } from '../spapi/logger.ts';

export interface CliLoggerOptions {
  logFile?: string | undefined;
  env?: NodeJS.ProcessEnv;
}

export function cliLogger(options: CliLoggerOptions = {}): Logger {
  const env = options.env ?? process.env;
  // Quiet under the test runner unless a level is asked for, like the client's default logger.
  const level = env['FIELDPLAN_LOG_LEVEL'] ?? (env['VITEST'] ? 'silent' : 'info');
  // Synchronous writes: a command that exits right after a failure still leaves its last lines.
  const destination =
    options.logFile !== undefined
      ? pino.destination({ dest: options.logFile, append: true, mkdir: true, sync: true })
      : pino.destination({ fd: 2, sync: true });
  return pino(
    {
      name: 'fieldplan',
      level,
      ...privacyLoggerOptions(),
      redact: SECRET_REDACTION,
    },
    destination,
  );
}

/** Adds `--log-file` to a command that talks to the Services API. */
export function withLogFileOption(command: Command): Command {
  return command.option(
    '--log-file <path>',
    'append JSON log lines (warnings, FIELDPLAN_LOG_LEVEL=debug for every request) to this file instead of stderr',
  );
}
