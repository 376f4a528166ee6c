/** `fieldplan token create|revoke|list` and `fieldplan serve` as a user runs them. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli, startWorld, tempDir, type World } from '../pipeline/support/world.ts';

describe('token and serve commands', () => {
  let world: World;
  let db: string;
  beforeAll(async () => {
    world = await startWorld();
    db = join(tempDir('fieldplan-api-cli-'), 'fieldplan.db');
  });
  afterAll(async () => {
    await world?.close();
  });

  it('creates a token printed once, serves the API with it, and revokes it', async () => {
    const created = await runCli(
      ['token', 'create', '--scope', 'planner', '--name', 'desk', '--db', db],
      cliEnv(),
    );
    expect(created.status, created.stderr).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^fpt_[a-z0-9]{12}_/);
    const tokenId = token.split('_')[1]!;

    const bin = join(import.meta.dirname, '../../bin/fieldplan.js');
    const child = spawn(
      process.execPath,
      [bin, 'serve', '--port', '0', '--endpoint', world.sandbox.url, '--db', db, '--rate-limits', 'off'],
      { env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /fieldplan API at (\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
      });
      const health = await fetch(`${url}/health`);
      expect(health.status).toBe(200);
      const plans = await fetch(`${url}/v1/plans`, { headers: { authorization: `Bearer ${token}` } });
      expect(plans.status).toBe(200);

      const revoked = await runCli(['token', 'revoke', tokenId, '--db', db], cliEnv());
      expect(revoked.status, revoked.stderr).toBe(0);
      const after = await fetch(`${url}/v1/plans`, { headers: { authorization: `Bearer ${token}` } });
      expect(after.status).toBe(401);
    } finally {
      child.kill('SIGTERM');
    }
    const again = await runCli(['token', 'revoke', tokenId, '--db', db], cliEnv());
    expect(again.status).not.toBe(0);
    expect(again.stderr).toContain('no active token');
    const listed = await runCli(['token', 'list', '--db', db], cliEnv());
    expect(listed.stdout).toContain(tokenId);
    expect(listed.stdout).toContain('revoked');
    expect(listed.stdout).not.toContain(token);
  });

  it('refuses an unknown scope and names the allowed ones', async () => {
    const r = await runCli(['token', 'create', '--scope', 'root', '--db', db], cliEnv());
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('viewer, planner, admin');
  });
});
