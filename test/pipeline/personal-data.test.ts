/**
 * Personal data: after a run, neither the database file, the logs nor the reports hold any
 * seeded buyer's name, phone or street address in plaintext; 31 days after a job is
 * completed its personal data is gone and its non-personal history remains.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { seededPlanningConfig } from '../../src/sandbox/crews-config.ts';
import { createServicesClient, RateLimiterRegistry } from '../../src/spapi/index.ts';
import { openStore } from '../../src/store/index.ts';
import { cliEnv, nextWorkday, runCli, startWorld, tempDir, type World } from './support/world.ts';

const DAY = 86_400_000;

describe('personal data', () => {
  let world: World;
  let dir: string;
  let logs: string;
  let secrets: string[];

  beforeAll(async () => {
    world = await startWorld({ seed: 13, stores: 1, technicians: 3, jobs: 30, date: nextWorkday() });
    dir = tempDir('fieldplan-pii-');
    writeFileSync(
      join(dir, 'crews.yaml'),
      stringify(seededPlanningConfig(world.sandbox.seededCrews(), world.sandbox.seededStores())),
    );
    const r = await runCli(
      [
        'plan',
        '--date',
        world.date,
        '--endpoint',
        world.sandbox.url,
        '--config',
        join(dir, 'crews.yaml'),
        '--db',
        join(dir, 'fieldplan.db'),
        '--out',
        join(dir, 'out'),
        '--iterations',
        '150',
        '--apply',
        '--rate-limits',
        'off',
      ],
      cliEnv({ FIELDPLAN_LOG_LEVEL: 'debug' }),
    );
    logs = `${r.stdout}\n${r.stderr}`;
    expect(r.status, logs).toBe(0);
    // Technicians' names are the seller's staff, shown in reports by design; the seeded name pool
    // can give a buyer a technician's name, which is then no buyer's secret to look for.
    const staff = new Set(world.sandbox.seededCrews().map((c) => c.name));
    secrets = world.sandbox.snapshot().jobs.flatMap((j) => {
      const buyer = (j.buyer ?? {}) as { name?: string; phone?: string };
      const address =
        (j.serviceLocation as { address?: { addressLine1?: string; phone?: string } } | undefined)?.address ??
        {};
      return [buyer.name, buyer.phone, address.addressLine1, address.phone].filter(
        (x): x is string => typeof x === 'string' && x.length > 4 && !staff.has(x),
      );
    });
    expect(secrets.length).toBeGreaterThan(30);
  }, 120_000);
  afterAll(async () => {
    await world?.close();
  });

  it('keeps names, phones and addresses out of the database file, the logs and the reports', () => {
    const files = [
      ...readdirSync(dir)
        .filter((f) => f.startsWith('fieldplan.db'))
        .map((f) => join(dir, f)),
      ...readdirSync(join(dir, 'out')).map((f) => join(dir, 'out', f)),
    ];
    expect(files.some((f) => f.endsWith('report.md'))).toBe(true);
    const haystacks = [...files.map((f) => readFileSync(f).toString('latin1')), logs];
    for (const secret of secrets)
      for (const h of haystacks) expect(h.includes(secret), 'personal data found in plaintext').toBe(false);
  });

  it('removes a completed job’s personal data 31 days later and keeps its history', async () => {
    const db = join(dir, 'fieldplan.db');
    let store = await openStore(db);
    const jobs = await store.jobs.listStatuses([world.sandbox.seededStores()[0]!.storeId]);
    await store.close();
    const target = jobs.find((j) => j.status === 'NOT_SERVICED')!;
    expect(target).toBeDefined();
    const client = createServicesClient({
      baseUrl: world.sandbox.url,
      credentials: { ...world.sandbox.credentials, tokenUrl: `${world.sandbox.url}/auth/o2/token` },
      rateLimits: 'off',
      rateLimiters: new RateLimiterRegistry(),
    });
    await client.completeServiceJobByServiceJobId({ serviceJobId: target.serviceJobId });
    const sync = await runCli(
      [
        'sync',
        '--endpoint',
        world.sandbox.url,
        '--config',
        join(dir, 'crews.yaml'),
        '--db',
        db,
        '--rate-limits',
        'off',
      ],
      cliEnv(),
    );
    expect(sync.status, sync.stderr).toBe(0);

    store = await openStore(db);
    const before = await store.jobs.get(target.serviceJobId);
    expect(before?.status).toBe('COMPLETED');
    expect(before?.personal).not.toBeNull();
    await store.close();

    const later = new Date(Date.now() + 31 * DAY).toISOString();
    const purge = await runCli(['purge', '--db', db, '--now', later], cliEnv());
    expect(purge.status, purge.stderr).toBe(0);
    expect(purge.stdout).toMatch(/purged personal data of [1-9]\d* jobs/);

    store = await openStore(db);
    const after = await store.jobs.get(target.serviceJobId);
    expect(after?.personal).toBeNull();
    expect(after?.status).toBe('COMPLETED');
    expect(after?.appointments.length).toBeGreaterThan(0);
    expect(after?.appointments.every((a) => a.time === null)).toBe(true);
    expect((await store.plans.list()).length).toBeGreaterThan(0);
    await store.close();
  }, 60_000);
});
