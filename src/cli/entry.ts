/**
 * The `fieldplan` executable's entry (bin/fieldplan.js): registers only the command named on
 * the command line, so `fieldplan sandbox` never loads the solver or the HTTP API and
 * `fieldplan --help` loads none of them. The root's help lists every command from commands.ts.
 */
import type { Command } from 'commander';
import { COMMANDS } from './commands.ts';
import { finishProgram, rootCommand, runProgram } from './program-setup.ts';

/** The command a command line names (`fieldplan help plan` names plan), if any. */
function namedCommand(argv: string[]): string | undefined {
  const words = argv.slice(2).filter((a) => !a.startsWith('-'));
  const first = words[0] === 'help' ? words[1] : words[0];
  return COMMANDS.some((c) => c.name === first) ? first : undefined;
}

/** The program for this command line: the named command in full, the others as names in the help. */
export async function programFor(argv: string[]): Promise<Command> {
  const program = rootCommand();
  const name = namedCommand(argv);
  const terms = new Map<string, string>();
  for (const entry of COMMANDS) {
    if (entry.name === name) (await entry.load())(program);
    else {
      program.command(entry.name).description(entry.description);
      terms.set(entry.name, entry.term);
    }
  }
  const help = program.createHelp();
  program.configureHelp({ subcommandTerm: (cmd) => terms.get(cmd.name()) ?? help.subcommandTerm(cmd) });
  return finishProgram(program);
}

export async function main(argv: string[]): Promise<void> {
  await runProgram(await programFor(argv), argv);
}
