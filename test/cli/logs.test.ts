/**
 * The CLI's JSON log lines never mix into the summary on stdout, and a throttled call that
 * succeeds on a retry is not a warning: only a call that fails for good is.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createServicesClient, RateLimiterRegistry } from '../../src/spapi/index.ts';
import { childEnv, lines, runCli, tempDir } from './support/cli.ts';
import { smallSeller, type SmallSeller } from './support/sandbox.ts';

interface LogLine {
  level: number;
  msg: string;
  operation?: string;
  code?: string;
}

function memoryLogger(): { logger: pino.Logger; lines: LogLine[] } {
  const out: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) out.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines: out };
}

const quotaExceeded = (): Response =>
  new Response(JSON.stringify({ errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota' }] }), {
    status: 429,
    headers: { 'content-type': 'application/json' },
  });
const ok = (): Response =>
  new Response(JSON.stringify({ payload: { serviceJobId: 'job' } }), {
    status: 200,
    headers: { 'content-type': 'application/json' },
  });

describe('the Services client', () => {
  it('warns once per call that fails for good, never for one that succeeds after throttling', async () => {
    const maxAttempts = 4;
    await fc.assert(
      fc.asyncProperty(
        // For each call: how many 429 answers come before a success (maxAttempts or more: never succeeds).
        fc.array(fc.integer({ min: 0, max: maxAttempts + 1 }), { minLength: 1, maxLength: 6 }),
        async (throttles) => {
          const { logger, lines: logged } = memoryLogger();
          let call = 0;
          let answered = 0;
          const client = createServicesClient({
            baseUrl: 'http://services.invalid',
            tokenSource: { getAccessToken: () => Promise.resolve('Atza|test'), invalidate: () => {} },
            rateLimits: 'off',
            rateLimiters: new RateLimiterRegistry(),
            validateResponses: false,
            retry: { maxAttempts, initialDelayMs: 1, maxDelayMs: 2 },
            logger,
            fetch: () => {
              const answer = answered < (throttles[call] ?? 0) ? quotaExceeded() : ok();
              answered++;
              return Promise.resolve(answer);
            },
          });
          let failures = 0;
          for (call = 0; call < throttles.length; call++) {
            answered = 0;
            await client.getServiceJobByServiceJobId({ serviceJobId: `job-${call}` }).catch(() => failures++);
          }
          const warnings = logged.filter((l) => l.level >= 40);
          expect(failures).toBe(throttles.filter((t) => t >= maxAttempts).length);
          expect(warnings).toHaveLength(failures);
          for (const w of warnings) expect(w).toMatchObject({ code: 'QuotaExceeded', attempts: maxAttempts });
          // Every throttled answer is still there for whoever asks for debug.
          const debug429 = logged.filter((l) => l.level === 20 && l.code === 'QuotaExceeded');
          expect(debug429).toHaveLength(throttles.reduce((n, t) => n + Math.min(t, maxAttempts), 0));
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('plan --apply against a throttling seller', () => {
  let seller: SmallSeller | undefined;
  afterEach(async () => {
    await seller?.sandbox.close();
    seller = undefined;
  });

  const planArgs = (s: SmallSeller): string[] => [
    'plan',
    '--date',
    s.date,
    '--endpoint',
    s.sandbox.url,
    '--config',
    s.config,
    '--db',
    'fieldplan.db',
    '--iterations',
    '300',
    '--apply',
    '--quiet',
  ];
  // Outside the test runner's environment: the client's own default would log there too.
  const env = (level: string): NodeJS.ProcessEnv =>
    childEnv({ VITEST: undefined, FIELDPLAN_LOG_LEVEL: level });

  it('keeps stdout to the summary and warns on stderr only for calls that failed for good', async () => {
    const cwd = tempDir();
    seller = await smallSeller(cwd, { faults: '429=0.3' });
    const r = await runCli(planArgs(seller), { cwd, env: env('info') });
    expect(r.status, r.stderr).toBe(0);
    expect(seller.sandbox.requestLog.some((e) => e.status === 429)).toBe(true);
    expect(lines(r.stdout).filter((l) => l.trimStart().startsWith('{'))).toEqual([]);
    expect(r.stdout).not.toContain('QuotaExceeded');
    const summary = /Write-back: \d+ calls .*; (\d+) failed, (\d+) in doubt\./.exec(r.stdout);
    expect(summary, r.stdout).not.toBeNull();
    const finalFailures = Number(summary![1]) + Number(summary![2]);
    const warnings = lines(r.stderr).filter((l) => l.includes('"level":40'));
    expect(warnings.length).toBeLessThanOrEqual(finalFailures);
  });

  it('--log-file takes the log lines, with each throttled attempt at debug level', async () => {
    const cwd = tempDir();
    seller = await smallSeller(cwd, { faults: '429=0.3' });
    const logFile = join(cwd, 'logs', 'plan.log');
    const r = await runCli([...planArgs(seller), '--log-file', logFile], { cwd, env: env('debug') });
    expect(r.status, r.stderr).toBe(0);
    expect(lines(r.stdout).filter((l) => l.trimStart().startsWith('{'))).toEqual([]);
    expect(lines(r.stderr).filter((l) => l.trimStart().startsWith('{'))).toEqual([]);
    const logged = lines(readFileSync(logFile, 'utf8')).map((l) => JSON.parse(l) as LogLine);
    const throttled = logged.filter((l) => l.code === 'QuotaExceeded');
    expect(throttled.length).toBeGreaterThan(0);
    expect(throttled.every((l) => l.level === 20 || l.msg === 'request failed')).toBe(true);
  });
});
