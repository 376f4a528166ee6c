/** Numeric flags are validated, unknown options are named before required ones, --version exists. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command, Option } from 'commander';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.ts';
import { childEnv, lines, runCli, runInProcess } from './support/cli.ts';

function allCommands(command: Command, path: string[] = []): { path: string; command: Command }[] {
  return [
    { path: path.join(' '), command },
    ...command.commands.flatMap((c) => allCommands(c, [...path, c.name()])),
  ];
}

/** Every flag of every command whose value is a number, with the smallest and largest value it takes. */
const NUMERIC_FLAGS: Record<string, { min: number; max?: number; integer: boolean; step?: number }> = {
  'plan --days': { min: 1, max: 366, integer: true },
  'plan --seconds': { min: Number.MIN_VALUE, integer: false },
  'plan --iterations': { min: 1, integer: true },
  'plan --seed': { min: 1, integer: true },
  'sandbox --port': { min: 0, max: 65535, integer: true },
  'sandbox --seed': { min: 0, integer: true },
  'sandbox --jobs': { min: 0, max: 100_000, integer: true },
  'sandbox --technicians': { min: 1, max: 10_000, integer: true },
  'sandbox --stores': { min: 1, max: 1_000, integer: true },
  'sync --lookback-days': { min: 1, max: 3650, integer: true },
  'purge --retention-days': { min: 0, max: 36_500, integer: true },
  'start --seconds': { min: Number.MIN_VALUE, integer: false },
  'solve --seconds': { min: Number.MIN_VALUE, integer: false },
  'solve --seed': { min: 0, integer: true },
  'serve --port': { min: 0, max: 65535, integer: true },
  'serve --rate-limit': { min: 1, integer: true },
  'serve --solver-threads': { min: 1, max: 64, integer: true },
  'serve --nightly-days': { min: 1, max: 14, integer: true },
  'slots --days': { min: 1, max: 14, integer: true },
  'capacity publish --slot-minutes': { min: 15, max: 720, integer: true, step: 5 },
  'worker --concurrency': { min: 1, max: 64, integer: true },
  'worker --solver-threads': { min: 1, max: 64, integer: true },
};

/** Placeholders that announce a number in the help text. */
const NUMERIC_PLACEHOLDER = /<(n|port|days|s|seconds|count)>/;

function numericOptions(): { key: string; option: Option }[] {
  return allCommands(buildProgram()).flatMap(({ path, command }) =>
    command.options
      .filter((o) => NUMERIC_PLACEHOLDER.test(o.flags) || `${path} ${o.long ?? ''}` in NUMERIC_FLAGS)
      .map((option) => ({ key: `${path} ${option.long ?? ''}`, option })),
  );
}

function parse(option: Option, value: string): unknown {
  if (option.parseArg === undefined) return value;
  return option.parseArg(value, undefined as unknown as never);
}

/** Text that is not a plain decimal number. */
const notANumber = fc.oneof(
  fc.constantFrom(
    'abc',
    'NaN',
    'Infinity',
    '-Infinity',
    '',
    ' ',
    '1/0',
    '0x10',
    '1e400',
    '12abc',
    '--1',
    '1,5',
  ),
  fc.string({ minLength: 1, maxLength: 8 }).filter((s) => !/^\s*\+?(\d+(\.\d*)?|\.\d+)\s*$/.test(s)),
);

describe('numeric flags', () => {
  it('every option that takes a number is in the list below, and each one in the list exists', () => {
    const found = numericOptions().map((o) => o.key);
    expect(found.sort()).toEqual(Object.keys(NUMERIC_FLAGS).sort());
  });

  it('reject anything that is not a number, with a message saying what is expected', () => {
    const options = numericOptions();
    fc.assert(
      fc.property(fc.constantFrom(...options), notANumber, ({ key, option }, value) => {
        let thrown: unknown;
        try {
          parse(option, value);
        } catch (e) {
          thrown = e;
        }
        expect(thrown, `${key} accepted "${value}"`).toMatchObject({
          code: 'commander.invalidArgument',
          message: expect.stringMatching(/^Expected /),
        });
      }),
      { numRuns: 300 },
    );
  });

  it('accept every value inside their range and refuse those outside it', () => {
    const options = numericOptions();
    fc.assert(
      fc.property(
        fc.constantFrom(...options),
        fc.integer({ min: -1000, max: 100_000 }),
        fc.boolean(),
        ({ key, option }, n, fractional) => {
          const spec = NUMERIC_FLAGS[key]!;
          const value = fractional ? n + 0.5 : n;
          const inRange =
            value >= spec.min &&
            value <= (spec.max ?? 1_000_000) &&
            (!spec.integer || Number.isInteger(value)) &&
            (spec.step === undefined || value % spec.step === 0);
          if (inRange) expect(parse(option, String(value))).toBe(value);
          else expect(() => parse(option, String(value)), `${key} ${value}`).toThrow(/Expected/);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('--seconds abc stops the command before anything runs', async () => {
    for (const args of [['start'], ['plan', '--date', '2030-01-07'], ['solve', 'problem.json']]) {
      const r = await runInProcess([...args, '--seconds', 'abc']);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("'--seconds <");
      expect(r.stderr).toContain("argument 'abc' is invalid");
      expect(r.stdout).toBe('');
    }
  });
});

describe('unknown options and the version', () => {
  it('a typo names itself and the nearest option, before any required option is missing', async () => {
    const r = await runInProcess(['plan', '--dat', '2030-01-07']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("unknown option '--dat'");
    expect(r.stderr).toContain('--date');
    expect(r.stderr).not.toContain('required option');
    expect(lines(r.stderr)).toHaveLength(1);
  });

  it('generated typos of every command are named, never reported as a missing required option', async () => {
    const commands = allCommands(buildProgram()).filter(
      ({ command }) => command.commands.length === 0 && command.options.some((o) => o.long !== undefined),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...commands),
        fc.stringMatching(/^[a-z]{3,10}$/),
        async ({ path, command }, word) => {
          if (command.options.some((o) => o.long === `--${word}zz`)) return;
          const r = await runInProcess([...path.split(' '), `--${word}zz`]);
          expect(r.status).toBe(1);
          expect(r.stderr).toContain(`unknown option '--${word}zz'`);
          expect(r.stderr).not.toContain('required option');
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a missing required option is still reported when nothing is misspelt', async () => {
    const r = await runInProcess(['plan']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("required option '--date");
  });

  it('fieldplan --version prints the version of package.json', async () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as {
      version: string;
    };
    const r = await runInProcess(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('as a user runs it: one line on stderr, exit code 1', async () => {
    const r = await runCli(['plan', '--dat', '2030-01-07'], { env: childEnv() });
    expect(r.status).toBe(1);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(/unknown option '--dat'.*--date/)]);
    expect(r.stdout).toBe('');
  });
});
