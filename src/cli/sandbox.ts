import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { integerArg, isoDateArg, portArg } from './arg-parsers.ts';
import { startSandbox } from '../sandbox/index.ts';
import { extname } from 'node:path';
import type { RateLimitMode, Sandbox, SandboxOptions } from '../sandbox/index.ts';

/** `fieldplan sandbox`: serve the local Services sandbox, or write its seeded crews to a file. */

function rateLimits(value: string): RateLimitMode {
  if (value !== 'amazon' && value !== 'amazon-sandbox' && value !== 'off') {
    throw new InvalidArgumentError('expected amazon, amazon-sandbox or off.');
  }
  return value;
}

interface SandboxCliOptions {
  port: number;
  host: string;
  seed: number;
  jobs?: number;
  technicians?: number;
  stores?: number;
  startDate?: string;
  rateLimits: RateLimitMode;
  faults?: string;
  writeCrews?: string;
}

/**
 * Writes the seeded crews as a crews configuration file. The configuration's schemas and the YAML
 * writer are loaded here only: serving never needs them, and they are most of what would load.
 */
async function writeCrews(sandbox: Sandbox, file: string): Promise<void> {
  const [{ stringify }, { validatePlanningConfig }, { seededPlanningConfig }] = await Promise.all([
    import('yaml'),
    import('../config/index.ts'),
    import('../sandbox/crews-config.ts'),
  ]);
  const config = seededPlanningConfig(sandbox.seededCrews(), sandbox.seededStores());
  await sandbox.close();
  // Refuse to write a file the planner would reject.
  validatePlanningConfig(config, file);
  const yaml = ['.yaml', '.yml'].includes(extname(file).toLowerCase());
  await writeFile(file, yaml ? stringify(config) : `${JSON.stringify(config, null, 2)}\n`);
  console.log(`Wrote ${config.technicians.length} technicians and ${config.stores.length} stores to ${file}`);
}

export function registerSandboxCommand(program: Command): void {
  program
    .command('sandbox')
    .description('Serve the local Services API sandbox (LWA, Tokens API, Services v1) with a seeded seller.')
    .option('--port <port>', 'port to listen on (0 = any free port)', portArg(), 8700)
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--seed <n>', 'seed of the seller, its jobs and the injected faults', integerArg({ min: 0 }), 1)
    .option('--jobs <n>', 'number of service jobs', integerArg({ min: 0, max: 100_000 }))
    .option('--technicians <n>', 'number of technicians', integerArg({ min: 1, max: 10_000 }))
    .option('--stores <n>', 'number of stores', integerArg({ min: 1, max: 1_000 }))
    .option('--start-date <date>', 'first planning day, YYYY-MM-DD (default: tomorrow)', isoDateArg())
    .option('--rate-limits <mode>', 'amazon | amazon-sandbox | off', rateLimits, 'amazon')
    .option(
      '--faults <spec>',
      'fault injection, e.g. 429=0.1,5xx=0.05,drop=0.02,dropafter=0.01,latency=20-200ms',
    )
    .option('--write-crews <file>', 'write the seeded crews as a crews configuration file and exit')
    .action(async (opts: SandboxCliOptions) => {
      const options: SandboxOptions = {
        port: opts.writeCrews ? 0 : opts.port,
        host: opts.host,
        seed: opts.seed,
        rateLimits: opts.rateLimits,
        // Serving: listen at once, seed the jobs next (requests wait for them).
        listenBeforeSeeding: opts.writeCrews === undefined,
        ...(opts.jobs !== undefined ? { jobs: opts.jobs } : {}),
        ...(opts.technicians !== undefined ? { technicians: opts.technicians } : {}),
        ...(opts.stores !== undefined ? { stores: opts.stores } : {}),
        ...(opts.startDate !== undefined ? { startDate: opts.startDate } : {}),
        ...(opts.faults !== undefined ? { faults: opts.faults } : {}),
      };
      const sandbox = await startSandbox(options);
      if (opts.writeCrews) {
        await writeCrews(sandbox, opts.writeCrews);
        return;
      }
      console.log(`Services sandbox listening at ${sandbox.url}`);
      console.log(`  Services API   ${sandbox.url}/service/v1`);
      console.log(`  LWA token      ${sandbox.url}/auth/o2/token`);
      console.log(`  marketplace    ${sandbox.marketplaceId}`);
      console.log(`  client id      ${sandbox.credentials.clientId}`);
      console.log(`  client secret  ${sandbox.credentials.clientSecret}`);
      console.log(`  refresh token  ${sandbox.credentials.refreshToken}`);
      console.log(`  seed ${opts.seed}, rate limits ${opts.rateLimits}, faults ${opts.faults ?? 'off'}`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await sandbox.close();
    });
}
