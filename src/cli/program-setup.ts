/**
 * What every `fieldplan` command line shares, kept free of the commands' own modules so the
 * entry point can load only the command that is run: the root command, one-line usage
 * errors, the required-option check, running with failures reported on one line, and the
 * long-running commands' stop on SIGINT/SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, type Option } from 'commander';
import { commandPath } from './command-path.ts';
import { PACKAGE_ROOT } from '../package-root.ts';

const PACKAGE_VERSION = (
  JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

/** The root `fieldplan` command, without subcommands. */
export function rootCommand(): Command {
  return new Command()
    .name('fieldplan')
    .description('Plans in-home service work for Amazon sellers: technicians, routes and write-back.')
    .version(PACKAGE_VERSION, '-V, --version', 'print the version of fieldplan');
}

/** Applied once every subcommand is registered. */
export function finishProgram(program: Command): Command {
  for (const command of allCommands(program)) oneLineErrors(command);
  checkUnknownOptionsBeforeRequired(program);
  return program;
}

function allCommands(command: Command): Command[] {
  return [command, ...command.commands.flatMap(allCommands)];
}

/**
 * Usage errors on one line, with where to look: `error: unknown option '--dat' (Did you mean
 * --date?); see fieldplan plan --help`, instead of the whole help text after it.
 */
function oneLineErrors(command: Command): void {
  const path = commandPath(command);
  const hint = `see fieldplan ${path === '' ? '' : `${path} `}--help`;
  command.showHelpAfterError(false).configureOutput({
    outputError: (text, write) => {
      const line = text
        .trim()
        .replace(/\s*\n\s*/g, ' ')
        .replace(/\.$/, '');
      // Commander's own messages start with "error:"; ours already say what to do.
      write(line.startsWith('error:') ? `${line}; ${hint}\n` : `error: ${line}\n`);
    },
  });
}

/**
 * Commander checks required options before unknown ones, so a typo (`--dat`) was reported
 * as "required option --date not specified". The required check moves to a pre-action hook,
 * which runs after the unknown-option check: the typo is named, with the nearest option.
 */
function checkUnknownOptionsBeforeRequired(program: Command): void {
  const required = new Map<Command, Option[]>();
  for (const command of allCommands(program)) {
    const options = command.options.filter((o) => o.mandatory);
    for (const o of options) o.mandatory = false;
    if (options.length > 0) required.set(command, options);
  }
  program.hook('preAction', (_root, action) => {
    for (const option of required.get(action) ?? []) {
      if (action.getOptionValue(option.attributeName()) === undefined)
        action.error(`error: required option '${option.flags}' not specified`, {
          code: 'commander.missingMandatoryOptionValue',
        });
    }
  });
}

/** Runs a command line; any failure ends as one line on stderr with exit code 1. */
export async function runProgram(program: Command, argv: string[]): Promise<void> {
  // The failure report names error kinds of the whole engine: loaded only when something failed.
  const failed = async (error: unknown): Promise<void> => {
    const { reportFailure } = await import('./errors.ts');
    reportFailure(error, commandName(argv, program));
    process.exitCode = 1;
  };
  // Failures outside the command's own promise (a server's error event, a stray rejection).
  process.on('uncaughtException', (error) => {
    void failed(error).finally(() => process.exit(1));
  });
  process.on('unhandledRejection', (error) => {
    void failed(error).finally(() => process.exit(1));
  });
  try {
    await program.parseAsync(argv);
  } catch (error) {
    await failed(error);
  }
}

/** The subcommand path named on the command line (`token create`), for messages. */
function commandName(argv: string[], program: Command): string | undefined {
  const names: string[] = [];
  let command: Command | undefined = program;
  for (const arg of argv.slice(2)) {
    const next: Command | undefined = command.commands.find((c) => c.name() === arg);
    if (next === undefined) break;
    names.push(arg);
    command = next;
  }
  return names.length > 0 ? names.join(' ') : undefined;
}

/** A long-running command (serve, worker) closes what it runs and exits on SIGINT or SIGTERM. */
export function stopOnSignals(close: () => Promise<void>): void {
  const stop = async (): Promise<void> => {
    await close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}
