/**
 * `fieldplan slots <jobId>` over a stored plan: prints the job's windows ranked (JSON with
 * --json), refuses a bad --days naming the flag, and prints no buyer data.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../../src/cli/main.ts';
import { tempDir } from '../pipeline/support/world.ts';
import { capacityWorld, type CapacityWorld } from './support.ts';

describe('fieldplan slots', () => {
  let cw: CapacityWorld;
  let configFile: string;
  let jobId: string;

  beforeAll(async () => {
    cw = await capacityWorld();
    configFile = join(tempDir(), 'crews.json');
    writeFileSync(configFile, JSON.stringify(cw.world.config));
    const plan = (await cw.db.plans.list({ storeId: cw.storeId, limit: 1 }))[0]!;
    const stored = (await cw.db.plans.get(plan.planId))!.plan as {
      routes: { stops: { serviceJobId: string }[] }[];
    };
    jobId = stored.routes.flatMap((r) => r.stops)[0]!.serviceJobId;
  }, 120_000);
  afterAll(async () => cw?.close());

  const run = async (args: string[]): Promise<{ out: string; err: string; code: number | undefined }> => {
    const out: string[] = [];
    const err: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((m: unknown) => void out.push(String(m)));
    const error = vi.spyOn(console, 'error').mockImplementation((m: unknown) => void err.push(String(m)));
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((m: unknown) => {
      err.push(String(m));
      return true;
    });
    process.exitCode = undefined;
    try {
      const program = buildProgram().exitOverride();
      await program.parseAsync(['node', 'fieldplan', 'slots', ...args]).catch(() => undefined);
    } finally {
      log.mockRestore();
      error.mockRestore();
      stderr.mockRestore();
    }
    const code = process.exitCode as number | undefined;
    process.exitCode = undefined;
    return { out: out.join('\n'), err: err.join('\n'), code };
  };

  it('prints the ranked windows of a job', async () => {
    const r = await run([
      jobId,
      '--config',
      configFile,
      '--db',
      cw.dbPath,
      '--from',
      cw.world.date,
      '--days',
      '1',
      '--json',
    ]);
    expect(r.err).toBe('');
    const answer = JSON.parse(r.out) as {
      jobId: string;
      routesFrom: string;
      slots: { rank: number | null }[];
    };
    expect(answer.jobId).toBe(jobId);
    expect(answer.routesFrom).toBe('plan');
    expect(answer.slots.some((s) => s.rank === 1)).toBe(true);
    const text = await run([
      jobId,
      '--config',
      configFile,
      '--db',
      cw.dbPath,
      '--from',
      cw.world.date,
      '--days',
      '1',
    ]);
    expect(text.out).toContain(`Job ${jobId}`);
    for (const j of cw.world.sandbox.snapshot().jobs)
      for (const p of [j.buyer?.name, j.serviceLocation?.address?.addressLine1])
        if (typeof p === 'string' && p.length > 3) expect(text.out).not.toContain(p);
  });

  it('names the flag when --days is wrong, and says when the job is unknown', async () => {
    const bad = await run([jobId, '--days', '0', '--config', configFile, '--db', cw.dbPath]);
    expect(bad.err).toContain('--days');
    const unknown = await run(['NO-SUCH-JOB', '--config', configFile, '--db', cw.dbPath]);
    expect(unknown.err).toContain('no service job NO-SUCH-JOB');
    expect(unknown.code).toBe(1);
  });
});
