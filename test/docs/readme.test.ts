/**
 * The README's example commands run as written. The rule, kept simple so it survives rewrites:
 * a ```sh block right after a `<!-- runnable -->` line (blank lines allowed between) is run,
 * every such block in order, in one bash with `set -e`, in an empty directory; the one block
 * after `<!-- sandbox -->` holds the `fieldplan sandbox` command they run against, which the
 * test starts first. The README names the sandbox's port in that command; the test puts a free
 * port in its place (the only substitution), as the README says it does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/fieldplan.js');

export interface MarkedBlock {
  marker: 'runnable' | 'sandbox';
  /** 1-based line of the marker, for messages. */
  line: number;
  code: string;
}

/** The marked ```sh blocks of a Markdown text, in order; a marker not followed by one is an error. */
export function markedBlocks(markdown: string): MarkedBlock[] {
  const lines = markdown.split('\n');
  const blocks: MarkedBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^<!--\s*(runnable|sandbox)\s*-->\s*$/.exec(lines[i]!);
    if (m === null) continue;
    let j = i + 1;
    while (j < lines.length && lines[j]!.trim() === '') j++;
    if (lines[j]?.trim() !== '```sh')
      throw new Error(`README line ${i + 1}: <!-- ${m[1]} --> must be followed by a \`\`\`sh block`);
    const end = lines.findIndex((l, k) => k > j && l.trim() === '```');
    if (end < 0) throw new Error(`README line ${j + 1}: the \`\`\`sh block is not closed`);
    blocks.push({
      marker: m[1] as MarkedBlock['marker'],
      line: i + 1,
      code: lines.slice(j + 1, end).join('\n'),
    });
    i = end;
  }
  return blocks;
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

/** `npx fieldplan …` in the README means the checkout's own command, as npx does inside it. */
const PREAMBLE = `npx() { if [ "$1" = fieldplan ]; then shift; node ${JSON.stringify(BIN)} "$@"; else command npx "$@"; fi; }`;

function environment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The README's defaults: no LWA credentials (a local sandbox uses its own), the embedded store.
  for (const k of ['LWA_CLIENT_ID', 'LWA_CLIENT_SECRET', 'LWA_REFRESH_TOKEN', 'SPAPI_CONFIG_FILE'])
    delete env[k];
  delete env['DATABASE_URL'];
  delete env['FIELDPLAN_DATA_KEY'];
  delete env['VITEST'];
  return env;
}

function bash(
  script: string,
  cwd: string,
): { child: ChildProcess; output: () => string; exit: Promise<number | null> } {
  const child = spawn('bash', ['-c', script], {
    cwd,
    env: environment(),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out, exit: new Promise((done) => child.on('exit', done)) };
}

const started: ChildProcess[] = [];
afterAll(() => {
  for (const child of started) {
    // The whole process group: bash and the command it started.
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
  }
});

describe('the README marker rule', () => {
  it('finds the marked blocks, and refuses a marker without a block', () => {
    const text = [
      '# t',
      '<!-- runnable -->',
      '',
      '```sh',
      'echo one',
      '```',
      '```sh',
      'echo unmarked',
      '```',
      '<!-- sandbox -->',
      '```sh',
      'npx fieldplan sandbox --port 1',
      '```',
    ].join('\n');
    expect(markedBlocks(text)).toEqual([
      { marker: 'runnable', line: 2, code: 'echo one' },
      { marker: 'sandbox', line: 10, code: 'npx fieldplan sandbox --port 1' },
    ]);
    expect(() => markedBlocks('<!-- runnable -->\nsome text\n')).toThrow(/line 1.*must be followed/);
  });
});

describe('the README', () => {
  const blocks = markedBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'));

  it('runs its marked commands as written against the sandbox it describes', async () => {
    const sandboxBlocks = blocks.filter((b) => b.marker === 'sandbox');
    const runnable = blocks.filter((b) => b.marker === 'runnable');
    expect(sandboxBlocks, 'one <!-- sandbox --> block').toHaveLength(1);
    expect(runnable.length).toBeGreaterThan(0);
    const sandboxCommand = sandboxBlocks[0]!.code.trim();
    expect(sandboxCommand).toMatch(/^npx fieldplan sandbox .*--port \d+/);
    const readmePort = /--port (\d+)/.exec(sandboxCommand)![1]!;
    const port = String(await freePort());
    const withPort = (code: string): string =>
      code.replaceAll(`--port ${readmePort}`, `--port ${port}`).replaceAll(`:${readmePort}`, `:${port}`);

    const dir = mkdtempSync(join(tmpdir(), 'fieldplan-readme-'));
    // The solve worker loads tsx from the working directory, as in a checkout.
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(join(ROOT, 'node_modules/tsx'), join(dir, 'node_modules/tsx'));

    const sandbox = bash(`${PREAMBLE}\n${withPort(sandboxCommand)}`, dir);
    started.push(sandbox.child);
    const until = Date.now() + 120_000;
    while (!sandbox.output().includes('listening at')) {
      if (sandbox.child.exitCode !== null || Date.now() > until)
        throw new Error(`the README's sandbox did not start:\n${sandbox.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(sandbox.output()).toContain(`127.0.0.1:${port}`);

    const script = [
      PREAMBLE,
      'set -euo pipefail -x',
      ...runnable.map((b) => `# README line ${b.line}\n${withPort(b.code)}`),
    ].join('\n');
    const run = bash(script, dir);
    started.push(run.child);
    const status = await run.exit;
    const output = run.output();
    expect(status, output).toBe(0);
    // What the commands are there to show did happen.
    expect(output).toContain('configuration ok');
    expect(output).toContain('Dry run: the write-back would make');
    expect(output).toMatch(/Write-back: \d+ calls/);
  }, 600_000);
});
