import { type Command } from 'commander';
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
import { registerWhatIfCommand } from './whatif.ts';
import { registerCapacityCommand } from './capacity.ts';
import { registerQueueCommand, registerWorkerCommand } from './worker.ts';
import { finishProgram, rootCommand } from './program-setup.ts';

/**
 * Builds the whole `fieldplan` command line, every subcommand loaded (tests, tools). Each
 * subcommand lives in its own module under src/cli/; the executable's entry (entry.ts)
 * loads only the one it runs.
 */
export function buildProgram(): Command {
  const program = rootCommand();
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
  registerWhatIfCommand(program);
  registerCapacityCommand(program);
  registerWorkerCommand(program);
  registerQueueCommand(program);
  return finishProgram(program);
}
