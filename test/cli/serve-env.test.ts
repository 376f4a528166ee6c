/** Every `serve` option can come from the environment, and docs/operations.md lists them all. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.ts';
import { SERVE_ENV, SERVE_ENV_ELSEWHERE } from '../../src/cli/serve.ts';

function serveCommand(): Command {
  return buildProgram().commands.find((c) => c.name() === 'serve')!;
}

/** Parses `fieldplan serve …` with the given environment; returns the options the action would get. */
async function parsedOptions(args: string[], env: Record<string, string>): Promise<Record<string, unknown>> {
  const program = buildProgram();
  const serve = program.commands.find((c) => c.name() === 'serve')!;
  let seen: Record<string, unknown> = {};
  serve.action((opts: Record<string, unknown>) => {
    seen = opts;
  });
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    await program.parseAsync(['node', 'fieldplan', 'serve', ...args]);
  } finally {
    for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
    Object.assign(process.env, saved);
  }
  return seen;
}

const documented = (): Map<string, string> => {
  const text = readFileSync(join(import.meta.dirname, '../../docs/operations.md'), 'utf8');
  const rows = new Map<string, string>();
  for (const m of text.matchAll(/^\| `(--[a-z-]+)`\s*\| `([A-Z_]+)`/gm)) rows.set(m[1]!, m[2]!);
  return rows;
};

describe('serve configuration by environment', () => {
  afterEach(() => {
    process.exitCode = undefined;
  });

  it('has a variable for every option, each in the documented table', () => {
    const options = serveCommand()
      .options.map((o) => o.long!)
      .filter((l) => l !== '--help');
    const table = documented();
    for (const long of options) {
      const variable = SERVE_ENV[long] ?? SERVE_ENV_ELSEWHERE[long];
      expect(variable, `${long} has no environment variable`).toBeDefined();
      expect(table.get(long), `${long} in docs/operations.md`).toBe(variable);
    }
    expect([...table.keys()].sort()).toEqual([...options].sort());
    for (const o of serveCommand().options)
      if (o.long !== undefined && SERVE_ENV[o.long] !== undefined) expect(o.envVar).toBe(SERVE_ENV[o.long]);
  });

  it('takes values from the environment, parsed and checked like flags; a flag wins', async () => {
    const opts = await parsedOptions([], {
      FIELDPLAN_PORT: '9123',
      FIELDPLAN_HOST: '0.0.0.0',
      FIELDPLAN_CORS_ORIGIN: 'https://a.example.com, https://b.example.com',
      FIELDPLAN_RATE_LIMIT: '50',
      FIELDPLAN_NIGHTLY_STORE: 'S1=0 22 * * 1,3; S2=30 21 * * *',
      FIELDPLAN_NIGHTLY_DAYS: '2',
      FIELDPLAN_ENDPOINT: 'eu',
      FIELDPLAN_RATE_LIMITS: 'off',
    });
    expect(opts).toMatchObject({
      port: 9123,
      host: '0.0.0.0',
      corsOrigin: ['https://a.example.com', 'https://b.example.com'],
      rateLimit: 50,
      nightlyStore: ['S1=0 22 * * 1,3', 'S2=30 21 * * *'],
      nightlyDays: 2,
      endpoint: 'eu',
      rateLimits: 'off',
    });
    expect(await parsedOptions(['--port', '9200'], { FIELDPLAN_PORT: '9123' })).toMatchObject({ port: 9200 });
    expect(await parsedOptions([], {})).toMatchObject({ port: 8080, host: '127.0.0.1', endpoint: 'na' });
  });

  it('refuses a bad value from the environment, naming the variable', async () => {
    const program = buildProgram();
    let message = '';
    for (const c of [program, ...program.commands])
      c.exitOverride().configureOutput({ writeErr: (s) => (message += s), writeOut: () => undefined });
    process.env['FIELDPLAN_PORT'] = 'eighty';
    try {
      await expect(program.parseAsync(['node', 'fieldplan', 'serve'])).rejects.toThrow();
    } finally {
      delete process.env['FIELDPLAN_PORT'];
    }
    expect(message).toContain('FIELDPLAN_PORT');
  });
});
