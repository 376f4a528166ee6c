/**
 * The subcommands of `fieldplan`, each with the module that registers it. The entry point
 * (entry.ts) loads only the module of the command that is run; for the root's help it lists
 * the commands from the terms and descriptions here (a test checks they match the modules').
 */
import type { Command } from 'commander';

export interface CommandEntry {
  name: string;
  /** As the root's help lists it: name, `[options]`, arguments. */
  term: string;
  description: string;
  load(): Promise<(program: Command) => void>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'config',
    term: 'config',
    description: 'Planning configuration (crews, stores, settings)',
    load: async () => (await import('./config.ts')).registerConfigCommand,
  },
  {
    name: 'sandbox',
    term: 'sandbox [options]',
    description: 'Serve the local Services API sandbox (LWA, Tokens API, Services v1) with a seeded seller.',
    load: async () => (await import('./sandbox.ts')).registerSandboxCommand,
  },
  {
    name: 'plan',
    term: 'plan [options]',
    description:
      'Plan the day(s) for the stores and write appointments, technicians, schedules and reservations back to Amazon.',
    load: async () => (await import('./plan.ts')).registerPlanCommand,
  },
  {
    name: 'sync',
    term: 'sync [options]',
    description: 'Pull service jobs from the Services API into the store (incremental after the first run).',
    load: async () => (await import('./sync.ts')).registerSyncCommand,
  },
  {
    name: 'purge',
    term: 'purge [options]',
    description: 'Delete personal data of jobs completed or cancelled more than the retention period ago',
    load: async () => (await import('./purge.ts')).registerPurgeCommand,
  },
  {
    name: 'report',
    term: 'report [options]',
    description: 'Show the report of a stored plan: routes, jobs left out, KPIs.',
    load: async () => (await import('./report.ts')).registerReportCommand,
  },
  {
    name: 'start',
    term: 'start [options]',
    description:
      'Run the main job end to end against the embedded local sandbox: pull, solve, write back, report.',
    load: async () => (await import('./start.ts')).registerStartCommand,
  },
  {
    name: 'solve',
    term: 'solve [options] [problem]',
    description: 'Solve a problem file (docs/problem-format.md) and print the solution as JSON',
    load: async () => (await import('./solve.ts')).registerSolveCommand,
  },
  {
    name: 'reencrypt',
    term: 'reencrypt [options]',
    description: 'Re-encrypt stored personal data with the current data key, so older keys can be retired',
    load: async () => (await import('./reencrypt.ts')).registerReencryptCommand,
  },
  {
    name: 'serve',
    term: 'serve [options]',
    description: 'Serve the HTTP API (plans, optimize-today, solve, board, capacity, what-if, KPIs)',
    load: async () => (await import('./serve.ts')).registerServeCommand,
  },
  {
    name: 'token',
    term: 'token',
    description: 'Create, revoke and list bearer tokens of the HTTP API',
    load: async () => (await import('./token.ts')).registerTokenCommand,
  },
  {
    name: 'slots',
    term: 'slots [options] <jobId>',
    description: "Rank a job's candidate windows by the cost of fitting it into the current routes.",
    load: async () => (await import('./slots.ts')).registerSlotsCommand,
  },
  {
    name: 'whatif',
    term: 'whatif [options] <request>',
    description:
      'Simulate a staffing what-if for a store (the POST /v1/what-if body as a JSON or YAML file); never writes to Amazon',
    load: async () => (await import('./whatif.ts')).registerWhatIfCommand,
  },
  {
    name: 'capacity',
    term: 'capacity',
    description: "Amazon's slot capacity for a store",
    load: async () => (await import('./capacity.ts')).registerCapacityCommand,
  },
  {
    name: 'worker',
    term: 'worker [options]',
    description:
      'Run queued partitions (plans, nightly runs, what-if days, capacity publications) from Redis',
    load: async () => (await import('./worker.ts')).registerWorkerCommand,
  },
  {
    name: 'queue',
    term: 'queue',
    description: 'Queue mode: depths, retry failed partitions, drain',
    load: async () => (await import('./worker.ts')).registerQueueCommand,
  },
];
