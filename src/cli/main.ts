import { readFileSync } from 'node:fs';
import { Command, type Option } from 'commander';
import { registerConfigCommand } from './config.ts';
import { registerSandboxCommand } from './sandbox.ts';
import { registerPlanCommand } from './plan.ts';
import { registerSyncCommand } from './sync.ts';
import { registerPurgeCommand } from './purge.ts';
import { registerReportCommand } from './report.ts';
import { registerStartCommand } from './start.ts';
import { registerSolveCommand } from './solve.ts';
import { registerReencryptCommand } from './reencrypt.ts';
import { registerServeCommand } from './serve.ts';
import { registerTokenCommand } from './token.ts';
import { registerSlotsCommand } from './slots.ts';
import { registerQueueCommand, registerWorkerCommand } from './worker.ts';
import { reportFailure } from './errors.ts';
import { commandPath } from './store-options.ts';

const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** Builds the `fieldplan` command line. Each subcommand lives in its own module under src/cli/. */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('fieldplan')
    .description('Plans in-home service work for Amazon sellers: technicians, routes and write-back.')
    .version(PACKAGE_VERSION, '-V, --version', 'print the version of fieldplan');
  registerConfigCommand(program);
  registerSandboxCommand(program);
  registerPlanCommand(program);
  registerSyncCommand(program);
  registerPurgeCommand(program);
  registerReportCommand(program);
  registerStartCommand(program);
  registerSolveCommand(program);
  registerReencryptCommand(program);
  registerServeCommand(program);
  registerTokenCommand(program);
  registerSlotsCommand(program);
  registerWorkerCommand(program);
  registerQueueCommand(program);
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

/** Runs the command line; any failure ends as one line on stderr with exit code 1. */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  const failed = (error: unknown): void => {
    reportFailure(error, commandName(argv, program));
    process.exitCode = 1;
  };
  // Failures outside the command's own promise (a server's error event, a stray rejection).
  process.on('uncaughtException', (error) => {
    failed(error);
    process.exit(1);
  });
  process.on('unhandledRejection', (error) => {
    failed(error);
    process.exit(1);
  });
  try {
    await program.parseAsync(argv);
  } catch (error) {
    failed(error);
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
