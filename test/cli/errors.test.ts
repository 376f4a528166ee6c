/** Every CLI failure is one line saying what is wrong and what to do; the stack only when debugging. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type Server } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeCliError, reportFailure } from '../../src/cli/errors.ts';
import { childEnv, lines, runCli, tempDir } from './support/cli.ts';

function systemError(code: string, fields: Record<string, unknown>): Error {
  return Object.assign(
    new Error(`${String(fields['syscall'])} ${code}: raw\n    at somewhere (node:net:1:1)`),
    {
      code,
      ...fields,
    },
  );
}

describe('failure messages', () => {
  it('a port in use says which port and what to do', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 65535 }), (port) => {
        const text = describeCliError(
          systemError('EADDRINUSE', { syscall: 'listen', address: '127.0.0.1', port }),
        );
        expect(text).toBe(`port ${port} is in use: choose another with --port`);
      }),
    );
  });

  it('any error becomes exactly one line, and a stack appears only with FIELDPLAN_DEBUG=1', () => {
    const anyError = fc.oneof(
      fc.string().map((m) => new Error(m)),
      fc
        .record({
          code: fc.constantFrom('EADDRINUSE', 'EACCES', 'ENOENT', 'EISDIR', 'EPERM', 'ECONNRESET'),
          syscall: fc.constantFrom('listen', 'open', 'read', 'connect'),
          path: fc.option(fc.stringMatching(/^\/[a-z]{1,8}\/[a-z]{1,8}$/), { nil: undefined }),
          port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
        })
        .map((f) => systemError(f.code, f)),
      fc.anything(),
    );
    fc.assert(
      fc.property(anyError, fc.boolean(), (error, debug) => {
        let out = '';
        reportFailure(error, 'sandbox', (t) => (out += t), debug ? { FIELDPLAN_DEBUG: '1' } : {});
        const first = out.split('\n')[0]!;
        expect(first).toMatch(/^error: fieldplan sandbox: \S/);
        if (!debug) expect(out).toBe(`${first}\n`);
      }),
      { numRuns: 300 },
    );
  });
});

describe('sandbox --port <port in use>', () => {
  let blocker: Server;
  let port: number;
  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    port = (blocker.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => blocker.close(resolve));
  });

  it('prints one line naming the port and the fix, exit code 1, no stack', async () => {
    const r = await runCli(['sandbox', '--port', String(port)], { env: childEnv() });
    expect(r.status).toBe(1);
    expect(lines(r.stderr)).toEqual([
      `error: fieldplan sandbox: port ${port} is in use: choose another with --port`,
    ]);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('prints the stack too with FIELDPLAN_DEBUG=1', async () => {
    const r = await runCli(['sandbox', '--port', String(port)], {
      env: childEnv({ FIELDPLAN_DEBUG: '1' }),
    });
    expect(r.status).toBe(1);
    // With FIELDPLAN_DEBUG=1 the command first says how it runs when dist/ is older than the sources.
    const [first, ...rest] = lines(r.stderr);
    const error = first?.startsWith('note: ') === true ? rest[0] : first;
    if (error !== first) expect(first).toMatch(/^note: .*dist\/.*; running the TypeScript sources/);
    expect(error).toBe(`error: fieldplan sandbox: port ${port} is in use: choose another with --port`);
    expect(r.stderr).toMatch(/^\s+at /m);
  });
});

describe('config check on a bad file', () => {
  it('exits 1 (2 is kept for a partial write-back) and names the field', async () => {
    const dir = tempDir();
    const file = join(dir, 'crews.yaml');
    writeFileSync(file, 'stores: []\ntechnicians: [{ resourceId: 7 }]\n');
    const r = await runCli(['config', 'check', file], { env: childEnv() });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/technicians/);
  });
});
