/**
 * The long commands as processes whose stdout and stderr are pipes (no terminal): progress
 * comes as plain lines on stderr, named by step, without a time of day or cursor codes, with
 * the step's summary at its end; stdout carries only the command's output, valid JSON with
 * --json; --quiet leaves stderr empty of progress.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capacityWorld, type CapacityWorld } from '../capacity/support.ts';
import { tempDir } from '../pipeline/support/world.ts';
import { childEnv, runCli, type CliResult } from './support/cli.ts';

/** The progress lines of a step: "<label>: …". */
const stepLines = (r: CliResult, label: string): string[] =>
  r.stderr.split('\n').filter((l) => l.startsWith(`${label}: `));

function expectPlainProgress(r: CliResult): void {
  // eslint-disable-next-line no-control-regex
  expect(r.stderr).not.toMatch(/\x1B|\r/);
  expect(r.stderr).not.toMatch(/^\d{2}:\d{2}(:\d{2})? /m);
  for (const l of r.stderr.split('\n').filter((x) => x !== '')) expect(l).toMatch(/^[ -~→…]+$/);
}

describe('progress of the long commands, not on a terminal', () => {
  let cw: CapacityWorld;
  let dir: string;
  let common: string[];
  const env = (): NodeJS.ProcessEnv => childEnv({ VITEST: undefined, FIELDPLAN_LOG_LEVEL: 'silent' });

  beforeAll(async () => {
    cw = await capacityWorld();
    dir = tempDir();
    const config = join(dir, 'crews.json');
    writeFileSync(config, JSON.stringify(cw.world.config));
    common = ['--endpoint', cw.world.sandbox.url, '--config', config, '--db', cw.dbPath];
  }, 120_000);
  afterAll(async () => cw?.close());

  const whatIfRequest = (extra: Record<string, unknown> = {}): string => {
    const file = join(dir, `whatif-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        storeId: cw.storeId,
        base: { kind: 'date', date: cw.world.date },
        changes: { addTechnicians: [{ like: cw.world.config.technicians[0]!.resourceId }] },
        samples: 3,
        iterations: 30,
        samplePlans: false,
        ...extra,
      }),
    );
    return file;
  };

  it('whatif --json: a line per sampled day and the summary on stderr, the result as JSON on stdout', async () => {
    // Without the staffing search the step counts sampled days only.
    const r = await runCli(['whatif', whatIfRequest({ staffing: false }), ...common, '--json'], {
      env: env(),
    });
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { samples: number; base: unknown; scenario: unknown };
    expect(result.samples).toBe(3);
    expectPlainProgress(r);
    const days = stepLines(r, 'Simulating days');
    expect(days.length).toBeGreaterThanOrEqual(2);
    expect(days[0]).toMatch(/^Simulating days: [0-3]\/3( |,|$)/);
    expect(days.at(-1)).toMatch(/^Simulating days: 3 sampled days, served \d+\.\d % → \d+\.\d % \(median\)$/);
    const pulled = stepLines(r, 'Pulling service jobs');
    expect(pulled[0]).toMatch(/^Pulling service jobs: \d+ pages?, \d+ jobs$/);
    expect(pulled.at(-1)).toMatch(/^Pulling service jobs: \d+ jobs in \d+ pages \((full|incremental)\)$/);
  }, 180_000);

  it('whatif --quiet: no progress at all, the summary on stdout', async () => {
    const r = await runCli(['whatif', whatIfRequest(), ...common, '--quiet'], { env: env() });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^What-if for store /);
  }, 180_000);

  it('whatif refuses a bad request naming the field', async () => {
    const r = await runCli(['whatif', whatIfRequest({ samples: 0 }), ...common], { env: env() });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/^error: request\.samples: /);
    expect(r.stdout).toBe('');
  });

  it('capacity publish --json: reads and calls counted on stderr, the publication as JSON on stdout', async () => {
    const r = await runCli(
      ['capacity', 'publish', '--store', cw.storeId, '--from', cw.world.date, ...common, '--json'],
      { env: env() },
    );
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as {
      outcome: string;
      writeBack: { calls: number; failures: unknown[] } | null;
    };
    expect(result.outcome).toBe('succeeded');
    expectPlainProgress(r);
    const reads = stepLines(r, "Reading Amazon's capacity");
    const resources = cw.world.config.technicians.length + 1;
    expect(reads[0]).toMatch(
      new RegExp(`^Reading Amazon's capacity: 1/${resources}(, ETA \\d+ s)? technicians, then the store$`),
    );
    expect(reads.at(-1)).toMatch(/technicians and the store read$/);
    const calls = stepLines(r, 'Publishing holds');
    expect(calls[0]).toMatch(/^Publishing holds: 1\/\d+(, ETA \d+ s)? \d+ calls, 0 refused$/);
    expect(calls.at(-1)).toBe(`Publishing holds: ${result.writeBack!.calls} calls, 0 refused, 0 in doubt`);
  }, 180_000);

  it('capacity publish refuses a range that ends before it starts, naming the flag', async () => {
    const r = await runCli(
      [
        'capacity',
        'publish',
        '--store',
        cw.storeId,
        '--from',
        cw.world.date,
        '--to',
        '2000-01-03',
        ...common,
      ],
      { env: env() },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error: --to: expected a date on or after from/);
  });
});
