/** A small seeded sandbox and its crews config written to a folder, for runs of the CLI against it. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { stringify } from 'yaml';
import { validatePlanningConfig } from '../../../src/config/index.ts';
import { seededPlanningConfig } from '../../../src/sandbox/crews-config.ts';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../../src/sandbox/index.ts';

/** The first weekday after today (UTC), by the same clock the sandbox and the planner read. */
function nextWeekday(): string {
  let d = DateTime.utc().plus({ days: 1 });
  while (d.weekday > 5) d = d.plus({ days: 1 });
  return d.toISODate()!;
}

export interface SmallSeller {
  sandbox: Sandbox;
  date: string;
  /** Path of the crews config written for the seeded seller. */
  config: string;
}

export async function smallSeller(dir: string, options: SandboxOptions = {}): Promise<SmallSeller> {
  const date = nextWeekday();
  const sandbox = await startSandbox({
    seed: 5,
    stores: 1,
    technicians: 3,
    jobs: 15,
    rateLimits: 'off',
    logger: false,
    startDate: date,
    ...options,
  });
  const config = join(dir, 'crews.yaml');
  writeFileSync(
    config,
    stringify(
      validatePlanningConfig(seededPlanningConfig(sandbox.seededCrews(), sandbox.seededStores()), 'sandbox'),
    ),
  );
  return { sandbox, date, config };
}
