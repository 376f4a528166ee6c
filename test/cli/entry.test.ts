/** The executable's entry loads one command; its list of the others must say what they say. */
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.ts';
import { programFor } from '../../src/cli/entry.ts';
import { buildProgram } from '../../src/cli/main.ts';
// @ts-expect-error -- a plain JavaScript module shared with bin/fieldplan.js, without types
import { distStaleReason } from '../../scripts/dist-state.mjs';

const staleReason = distStaleReason as (root: string) => string | undefined;

describe('fieldplan entry', () => {
  it('lists every command with the term and description its own module gives it', () => {
    const full = buildProgram();
    const help = full.createHelp();
    const real = full.commands.map((c) => ({
      name: c.name(),
      term: help.subcommandTerm(c),
      description: c.description(),
    }));
    expect(COMMANDS.map(({ name, term, description }) => ({ name, term, description }))).toEqual(real);
  });

  it('prints the same root help as the program with every command loaded', async () => {
    const lazy = await programFor(['node', 'fieldplan', '--help']);
    expect(lazy.helpInformation()).toBe(buildProgram().helpInformation());
  });

  it('registers the named command in full, also behind `help`', async () => {
    for (const argv of [
      ['node', 'fieldplan', 'plan', '--date', '2030-01-01'],
      ['node', 'fieldplan', 'help', 'plan'],
    ]) {
      const program = await programFor(argv);
      const plan = program.commands.find((c) => c.name() === 'plan')!;
      expect(plan.options.map((o) => o.long)).toEqual(
        buildProgram()
          .commands.find((c) => c.name() === 'plan')!
          .options.map((o) => o.long),
      );
      expect(program.commands.find((c) => c.name() === 'serve')!.options).toEqual([]);
    }
  });
});

describe('dist freshness', () => {
  function project(): string {
    const root = mkdtempSync(join(tmpdir(), 'fieldplan-dist-'));
    for (const d of ['src/cli', 'solver', 'api/board/src', 'dist'])
      mkdirSync(join(root, d), { recursive: true });
    for (const f of [
      'tsconfig.json',
      'tsconfig.build.json',
      'src/cli/main.ts',
      'solver/index.ts',
      'api/server.ts',
    ])
      writeFileSync(join(root, f), '');
    return root;
  }
  const at = (root: string, file: string, seconds: number): void =>
    utimesSync(join(root, file), seconds, seconds);

  it('needs a build stamp newer than every compiled source; the board is not compiled by it', () => {
    const root = project();
    expect(staleReason(root)).toBe('dist/ is not built');
    writeFileSync(join(root, 'dist', '.build-stamp'), '');
    for (const f of [
      'tsconfig.json',
      'tsconfig.build.json',
      'src/cli/main.ts',
      'solver/index.ts',
      'api/server.ts',
    ])
      at(root, f, 1_000);
    at(root, 'dist/.build-stamp', 2_000);
    expect(staleReason(root)).toBeUndefined();
    writeFileSync(join(root, 'api', 'board', 'src', 'main.ts'), '');
    at(root, 'api/board/src/main.ts', 3_000);
    expect(staleReason(root)).toBeUndefined();
    for (const f of ['src/cli/main.ts', 'solver/index.ts', 'api/server.ts', 'tsconfig.json']) {
      at(root, f, 3_000);
      expect(staleReason(root)).toBe('sources changed since dist/ was built');
      at(root, f, 1_000);
    }
  });
});
