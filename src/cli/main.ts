import { Command } from 'commander';
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

/** Builds the `fieldplan` command line. Each subcommand lives in its own module under src/cli/. */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('fieldplan')
    .description('Plans in-home service work for Amazon sellers: technicians, routes and write-back.')
    .showHelpAfterError();
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
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  await program.parseAsync(argv);
}
