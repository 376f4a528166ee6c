/** A seeded local sandbox, its crews config and the run's dependencies, for tests over real HTTP. */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { validatePlanningConfig, type PlanningConfig } from '../../../src/config/index.ts';
import {
  CachingGeocoder,
  GreatCircleMatrixProvider,
  PostalCodeGeocoder,
  postalCodeCacheKey,
} from '../../../src/geo/index.ts';
import type { PipelineStorePort, ServicesPort } from '../../../src/pipeline/ports.ts';
import { runPlanning, type RunDeps, type RunOptions } from '../../../src/pipeline/run.ts';
import { seededPlanningConfig } from '../../../src/sandbox/crews-config.ts';
import { servicesPort } from '../../../src/pipeline/adapters/services.ts';
import { storePort } from '../../../src/pipeline/adapters/store.ts';

import { startSandbox, type Sandbox, type SandboxOptions } from '../../../src/sandbox/index.ts';
import { createServicesClient, RateLimiterRegistry } from '../../../src/spapi/index.ts';
import { openStore } from '../../../src/store/index.ts';

/** The first weekday after today (UTC): the seeded crews work Monday to Friday. */
export function nextWorkday(): string {
  let d = DateTime.utc().plus({ days: 1 });
  while (d.weekday > 5) d = d.plus({ days: 1 });
  return d.toISODate()!;
}

export interface World {
  sandbox: Sandbox;
  config: PlanningConfig;
  date: string;
  services: ServicesPort;
  close(): Promise<void>;
}

export async function startWorld(options: SandboxOptions & { date?: string } = {}): Promise<World> {
  const date = options.date ?? nextWorkday();
  const sandbox = await startSandbox({
    seed: 5,
    stores: 1,
    technicians: 4,
    jobs: 40,
    rateLimits: 'off',
    logger: false,
    startDate: date,
    ...options,
  });
  const config = validatePlanningConfig(
    seededPlanningConfig(sandbox.seededCrews(), sandbox.seededStores()),
    'sandbox',
  );
  return { sandbox, config, date, services: servicesFor(sandbox), close: () => sandbox.close() };
}

export function servicesFor(
  sandbox: Sandbox,
  rateLimits: 'off' | 'amazon' | 'amazon-sandbox' = 'off',
): ServicesPort {
  return servicesPort(
    createServicesClient({
      baseUrl: sandbox.url,
      credentials: { ...sandbox.credentials, tokenUrl: `${sandbox.url}/auth/o2/token` },
      rateLimits,
      rateLimiters: new RateLimiterRegistry(),
      validateResponses: false,
      retry: { initialDelayMs: 5, maxDelayMs: 50 },
    }),
  );
}

export function tempDir(prefix = 'fieldplan-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function sqliteStore(dir: string): Promise<PipelineStorePort> {
  return storePort(await openStore(join(dir, 'fieldplan.db')), { actor: 'test' });
}

export function deps(world: World, store: PipelineStorePort, services = world.services): RunDeps {
  return {
    config: world.config,
    services,
    store,
    geocoder: new CachingGeocoder(new PostalCodeGeocoder(), undefined, postalCodeCacheKey),
    travel: new GreatCircleMatrixProvider({ roadFactor: 1.3, speedKmh: 40 }),
    clock: () => new Date(),
  };
}

export function runOptions(world: World, overrides: Partial<RunOptions> = {}): RunOptions {
  return {
    date: world.date,
    days: 1,
    marketplaceId: world.sandbox.marketplaceId,
    apply: true,
    solverIterations: 300,
    seed: 1,
    ...overrides,
  };
}

/** Write calls the sandbox answered, from its request log (reads and token calls left out). */
export function writeCalls(sandbox: Sandbox, from = 0): number {
  return sandbox.requestLog
    .slice(from)
    .filter(
      (e) =>
        e.method !== 'GET' &&
        !['lwaToken', 'getRangeSlotCapacity', 'getFixedSlotCapacity', 'createRestrictedDataToken'].includes(
          e.operation,
        ),
    ).length;
}

/** Amazon's active appointments for one job (a plan written once holds exactly one). */
export function activeAppointments(snapshot: ReturnType<Sandbox['snapshot']>, serviceJobId: string) {
  return snapshot.appointments.filter((x) => x.serviceJobId === serviceJobId && x.status === 'ACTIVE');
}

/** The write calls a second run with nothing changed makes (0 when the first run's plan stands). */
export async function writesOfRerun(
  world: World,
  store: PipelineStorePort,
  config: PlanningConfig,
  overrides: Partial<RunOptions> = {},
): Promise<number> {
  const before = world.sandbox.requestLog.length;
  await runPlanning(runOptions(world, overrides), { ...deps(world, store), config });
  return writeCalls(world.sandbox, before);
}

/** What Amazon holds that the plan decides: active appointments with technicians, and API-made reservations. */
export function endState(sandbox: Sandbox): {
  appointments: string[];
  reservations: string[];
  schedules: string[];
} {
  const snap = sandbox.snapshot();
  return {
    appointments: snap.appointments
      .filter((a) => a.status === 'ACTIVE')
      .map(
        (a) =>
          `${a.serviceJobId}|${a.startTime}|${a.durationInMinutes}|${[...a.technicianIds].sort().join('+')}`,
      )
      .sort(),
    reservations: snap.reservations
      .filter((r) => r.origin === 'api')
      .map(
        (r) =>
          `${r.resourceId}|${r.type}|${String(r.availability.startTime)}|${String(r.availability.endTime)}`,
      )
      .sort(),
    schedules: [
      ...new Set(
        snap.schedules.map(
          (s) => `${s.resourceId}|${String(s.availability.startTime)}|${String(s.availability.endTime)}`,
        ),
      ),
    ].sort(),
  };
}

/** Runs the CLI in a child process (asynchronously: the sandbox it talks to lives in this process). */
export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const bin = join(import.meta.dirname, '../../../bin/fieldplan.js');
  const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('exit', (status) => resolve({ status, stdout, stderr })));
}

/** The environment of a CLI child: no LWA credentials, so a local sandbox URL uses the sandbox's own. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LWA_CLIENT_ID: '',
    LWA_CLIENT_SECRET: '',
    LWA_REFRESH_TOKEN: '',
    SPAPI_CONFIG_FILE: '',
    ...extra,
  };
  delete env['VITEST'];
  return env;
}
