/**
 * The server and the CLI against a seller the crews config was not written for: a plan run
 * started over the API fails at once with the preflight's message and writes nothing, and
 * `fieldplan config check --endpoint` reports the same before any run.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validatePlanningConfig, type PlanningConfig } from '../../src/config/index.ts';
import { seededPlanningConfig } from '../../src/sandbox/crews-config.ts';
import { startSandbox } from '../../src/sandbox/index.ts';
import { startApiWorld, waitForPlan, type ApiWorld } from '../api/support/api-world.ts';
import { cliEnv, runCli, tempDir, writeCalls } from './support/world.ts';

let env: ApiWorld;
let other: PlanningConfig;

beforeAll(async () => {
  // The same seed with more technicians: the config names resources this seller lacks.
  const bigger = await startSandbox({ seed: 5, stores: 1, technicians: 7, jobs: 0, logger: false });
  other = validatePlanningConfig(seededPlanningConfig(bigger.seededCrews(), bigger.seededStores()), 'other');
  await bigger.close();
  env = await startApiWorld({ api: { config: other } });
});
afterAll(async () => {
  await env?.close();
});

const unknownIds = (): string[] => {
  const seeded = new Set(env.world.sandbox.seededCrews().map((c) => c.resourceId));
  return other.technicians.map((t) => t.resourceId).filter((id) => !seeded.has(id));
};

describe('serve: a plan run against a seller that does not match', () => {
  it('fails with the unknown ids and the fix, and writes nothing', async () => {
    expect(unknownIds().length).toBeGreaterThan(0);
    const started = await env.call('POST', '/v1/plans', {
      token: 'planner',
      body: { from: env.world.date, apply: true, solverSeconds: 2, seed: 1 },
    });
    expect(started.status, started.text).toBe(202);
    const done = await waitForPlan(env, (started.body as { planId: string }).planId);
    expect(done['status']).toBe('failed');
    const failure = done['failure'] as { code: string; message: string };
    expect(failure.code).toBe('UNKNOWN_RESOURCES');
    for (const id of unknownIds()) expect(failure.message).toContain(id);
    expect(failure.message).toContain('--write-crews crews.yaml');
    expect(writeCalls(env.world.sandbox)).toBe(0);
    expect(env.world.sandbox.requestLog.some((e) => e.operation === 'getServiceJobs')).toBe(false);
  });

  it('config check --endpoint names the same ids, and passes for the crews the sandbox writes', async () => {
    const dir = tempDir();
    const bad = join(dir, 'other.json');
    writeFileSync(bad, JSON.stringify(other));
    const good = join(dir, 'crews.json');
    writeFileSync(good, JSON.stringify(env.world.config));
    const url = env.world.sandbox.url;
    const failed = await runCli(['config', 'check', bad, '--endpoint', url], cliEnv());
    expect(failed.status, failed.stderr).toBe(1);
    for (const id of unknownIds()) expect(failed.stdout).toContain(id);
    expect(failed.stdout).toContain('--write-crews crews.yaml');
    const passed = await runCli(['config', 'check', good, '--endpoint', url], cliEnv());
    expect(passed.status, passed.stdout + passed.stderr).toBe(0);
    expect(passed.stdout).toContain('the seller knows all 1 stores and 4 technicians');
  });
});
