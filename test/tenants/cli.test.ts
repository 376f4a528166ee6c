/**
 * `fieldplan token create --seller`, `fieldplan plan --seller` and `fieldplan token list` with
 * a sellers file, as a user runs them: the plan and the token land in the seller's rows only.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { seededPlanningConfig } from '../../src/sandbox/crews-config.ts';
import { openStore } from '../../src/store/index.ts';
import { cliEnv, runCli, startWorld, tempDir, type World } from '../pipeline/support/world.ts';

describe('commands with a sellers file', () => {
  let world: World;
  let dir: string;
  let db: string;
  let sellers: string;
  const env = (): NodeJS.ProcessEnv => cliEnv({ FIELDPLAN_DATA_KEY: Buffer.alloc(32, 9).toString('base64') });

  beforeAll(async () => {
    world = await startWorld();
    dir = tempDir('fieldplan-sellers-cli-');
    db = join(dir, 'fieldplan.db');
    writeFileSync(
      join(dir, 'bravo.yaml'),
      stringify(seededPlanningConfig(world.sandbox.seededCrews(), world.sandbox.seededStores())),
    );
    sellers = join(dir, 'sellers.yaml');
    writeFileSync(
      sellers,
      stringify({
        sellers: [
          { id: 'alpha', marketplace: world.sandbox.marketplaceId, config: 'alpha.yaml', endpoint: 'na' },
          {
            id: 'bravo',
            marketplace: world.sandbox.marketplaceId,
            config: 'bravo.yaml',
            endpoint: world.sandbox.url,
          },
        ],
      }),
    );
  });
  afterAll(async () => {
    await world?.close();
  });

  it('creates a token of one seller, and plans for one seller only', async () => {
    const created = await runCli(
      ['token', 'create', '--scope', 'viewer', '--seller', 'bravo', '--sellers', sellers, '--db', db],
      env(),
    );
    expect(created.status, created.stderr).toBe(0);
    expect(created.stderr).toContain('seller bravo');
    const tokenId = created.stdout.trim().split('_')[1]!;

    const none = await runCli(['plan', '--date', world.date, '--sellers', sellers, '--db', db], env());
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('name one with --seller (alpha, bravo)');

    const planned = await runCli(
      [
        'plan',
        '--date',
        world.date,
        '--seller',
        'bravo',
        '--sellers',
        sellers,
        '--db',
        db,
        '--out',
        join(dir, 'out'),
        '--iterations',
        '100',
        '--rate-limits',
        'off',
        '--quiet',
      ],
      env(),
    );
    expect(planned.status, planned.stderr).toBe(0);

    const listed = await runCli(['token', 'list', '--db', db], env());
    expect(listed.stdout).toMatch(new RegExp(`${tokenId}\\s+viewer\\s+active\\s+bravo`));

    const store = await openStore(db, { env: env() });
    try {
      const bravo = await store.forSeller('bravo');
      expect(await bravo.plans.list()).toHaveLength(1);
      expect(await store.plans.list()).toEqual([]);
      expect(await (await store.forSeller('alpha')).plans.list()).toEqual([]);
      expect((await bravo.tokens.list()).map((t) => t.tokenId)).toEqual([tokenId]);
    } finally {
      await store.close();
    }

    // `serve --sellers` serves both, schedules each seller's stores, and binds the token to bravo.
    writeFileSync(join(dir, 'alpha.yaml'), readFileSync(join(dir, 'bravo.yaml')));
    const local = join(dir, 'sellers-local.yaml');
    writeFileSync(
      local,
      stringify({
        sellers: [
          { id: 'alpha', marketplace: world.sandbox.marketplaceId, config: 'alpha.yaml' },
          { id: 'bravo', marketplace: world.sandbox.marketplaceId, config: 'bravo.yaml' },
        ],
      }),
    );
    const bin = join(import.meta.dirname, '../../bin/fieldplan.js');
    const child = spawn(
      process.execPath,
      [
        bin,
        'serve',
        '--port',
        '0',
        '--sellers',
        local,
        '--endpoint',
        world.sandbox.url,
        '--db',
        db,
        '--nightly',
        '0 22 * * *',
      ],
      { env: env(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /fieldplan API at (\S+)/.exec(out);
          if (m && /nightly plan of bravo\//.test(out)) resolve(m[1]!);
        });
        child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
      });
      expect(out).toContain('serving 2 sellers: alpha, bravo');
      expect(out).toMatch(/nightly plan of alpha\/\S+ next at/);
      const plans = await fetch(`${url}/v1/plans`, {
        headers: { authorization: `Bearer ${created.stdout.trim()}` },
      });
      expect(plans.status).toBe(200);
      expect(((await plans.json()) as { plans: unknown[] }).plans).toHaveLength(1);
    } finally {
      child.kill('SIGTERM');
    }
  }, 240_000);
});
