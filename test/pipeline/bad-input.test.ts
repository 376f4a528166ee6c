/**
 * Bad input gives a clear, specific message and the run plans everything else: a broken
 * config file, a job needing an unknown skill, an unmapped postal code, and Services payloads
 * with missing or unknown fields.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobPage, ServicesPort } from '../../src/pipeline/ports.ts';
import { runPlanning, type RunResult } from '../../src/pipeline/run.ts';
import { deps, runOptions, sqliteStore, startWorld, tempDir, type World } from './support/world.ts';

const bin = join(import.meta.dirname, '../../bin/fieldplan.js');

/** Serves the sandbox's jobs with a few of them broken on the way, as a faulty feed would. */
function corrupting(
  inner: ServicesPort,
  edits: Map<string, (job: Record<string, unknown>) => void>,
): ServicesPort {
  return {
    ...inner,
    async *listServiceJobs(query) {
      for await (const page of inner.listServiceJobs(query)) {
        const jobs = page.jobs.map((j) => {
          const job = structuredClone(j) as Record<string, unknown>;
          edits.get(String(job.serviceJobId))?.(job);
          return job;
        });
        yield { ...page, jobs } satisfies JobPage;
      }
    },
  };
}

describe('bad input', () => {
  let world: World;
  let result: RunResult;
  const broken: Record<string, string> = {};

  beforeAll(async () => {
    world = await startWorld({ seed: 31, stores: 1, technicians: 4, jobs: 40 });
    const pending = world.sandbox
      .snapshot()
      .jobs.filter((j) => j.serviceJobStatus === 'PENDING_SCHEDULE')
      .map((j) => String(j.serviceJobId));
    expect(pending.length).toBeGreaterThan(8);
    const [skill, zip, missing, unknownStatus, extra] = pending;
    Object.assign(broken, { skill, zip, missing, unknownStatus, extra });
    const edits = new Map<string, (job: Record<string, unknown>) => void>([
      [skill!, (j) => ((j.scopeOfWork as Record<string, unknown>).requiredSkills = ['UNDERWATER_WELDING'])],
      [
        zip!,
        (j) =>
          (((j.serviceLocation as Record<string, unknown>).address as Record<string, unknown>).postalCode =
            '00000'),
      ],
      [missing!, (j) => delete j.serviceJobStatus],
      [unknownStatus!, (j) => (j.serviceJobStatus = 'TELEPORTED')],
      [extra!, (j) => (j.quantumEntanglement = { level: 3 })],
    ]);
    const store = await sqliteStore(tempDir());
    result = await runPlanning(
      runOptions(world, { days: 3 }),
      deps(world, store, corrupting(world.services, edits)),
    );
    await store.close();
  });
  afterAll(async () => {
    await world?.close();
  });

  const issue = (id: string | undefined) =>
    result.issues.find((i) => i.serviceJobId === id && i.code !== 'UNKNOWN_FIELDS') ??
    result.issues.find((i) => i.serviceJobId === id);

  it('names an unknown skill and the skills it knows', () => {
    expect(issue(broken.skill)?.code).toBe('UNKNOWN_SKILL');
    expect(issue(broken.skill)?.detail).toMatch(
      /UNDERWATER_WELDING is not in the crews config \(known: .*TV_MOUNTING/,
    );
  });

  it('says a postal code cannot be located, without repeating the address', () => {
    expect(issue(broken.zip)?.code).toBe('NO_COORDINATES');
    expect(issue(broken.zip)?.detail).toMatch(/POSTAL_CODE_UNKNOWN/);
  });

  it('names the missing and the unknown payload fields', () => {
    expect(issue(broken.missing)?.detail).toMatch(/serviceJobStatus: missing/);
    expect(issue(broken.unknownStatus)?.detail).toMatch(
      /serviceJobStatus: unknown value \(expected one of NOT_SERVICED/,
    );
    const extra = result.issues.find((i) => i.serviceJobId === broken.extra);
    expect(extra?.code).toBe('UNKNOWN_FIELDS');
    expect(extra?.detail).toContain('quantumEntanglement');
  });

  it('plans everything else and writes it back', () => {
    // The run goes on: the good jobs are planned and written (Amazon may still refuse a slot).
    expect(result.writeBack!.calls).toBeGreaterThan(5);
    expect(result.plan.appointments.length).toBeGreaterThan(5);
    const planned = new Set(result.plan.appointments.map((a) => a.serviceJobId));
    for (const id of [broken.skill, broken.zip, broken.missing, broken.unknownStatus])
      expect(planned.has(id!)).toBe(false);
    expect(
      result.report.unassigned.some((u) => u.serviceJobId === broken.skill && u.code === 'UNKNOWN_SKILL'),
    ).toBe(true);
  });

  it('refuses a broken config file with the field and what is expected', () => {
    const dir = tempDir();
    const file = join(dir, 'crews.yaml');
    writeFileSync(file, 'stores:\n  - storeId: S1\n    timeZone: PST\n    location: {}\ntechnicians: []\n');
    const r = spawnSync(
      process.execPath,
      [
        bin,
        'plan',
        '--date',
        '2030-01-07',
        '--config',
        file,
        '--endpoint',
        world.sandbox.url,
        '--db',
        join(dir, 'x.db'),
      ],
      {
        encoding: 'utf8',
        env: { ...process.env, LWA_CLIENT_ID: '', LWA_REFRESH_TOKEN: '', SPAPI_CONFIG_FILE: '' },
      },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('invalid planning config');
    expect(r.stderr).toContain('stores[0].timeZone');
    expect(r.stderr).toContain('IANA');
    expect(r.stderr).toContain('stores[0].location');
  });

  it('refuses Amazon without credentials and names the missing ones', () => {
    const dir = tempDir();
    const file = join(dir, 'crews.yaml');
    writeFileSync(file, JSON.stringify({ stores: [], technicians: [] }));
    const r = spawnSync(
      process.execPath,
      [bin, 'plan', '--date', '2030-01-07', '--config', file, '--endpoint', 'na', '--db', join(dir, 'x.db')],
      {
        encoding: 'utf8',
        env: {
          ...process.env,
          LWA_CLIENT_ID: 'amzn1.application-oa2-client.x',
          LWA_CLIENT_SECRET: '',
          LWA_REFRESH_TOKEN: '',
          SPAPI_CONFIG_FILE: '',
        },
      },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('missing LWA credentials: clientSecret, refreshToken');
  });
});
