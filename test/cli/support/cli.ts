/** Running `fieldplan` in tests: as a child process (optionally from another directory) or in-process. */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommanderError, type Command } from 'commander';
import { vi } from 'vitest';
import { buildProgram } from '../../../src/cli/main.ts';

const BIN = join(import.meta.dirname, '../../../bin/fieldplan.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function tempDir(prefix = 'fieldplan-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The environment of a child: no LWA credentials, data key or database from the caller's shell. */
export function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of [
    'LWA_CLIENT_ID',
    'LWA_CLIENT_SECRET',
    'LWA_REFRESH_TOKEN',
    'SPAPI_CONFIG_FILE',
    'DATABASE_URL',
    'FIELDPLAN_DATA_KEY',
    'FIELDPLAN_DATA_KEY_PREVIOUS',
    'FIELDPLAN_DATA_KEY_FILE',
    'FIELDPLAN_DEBUG',
    'FIELDPLAN_LOG_LEVEL',
  ])
    delete env[k];
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Runs `node bin/fieldplan.js …` as a child (asynchronously: a sandbox it talks to may live in this process). */
export function runCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? tempDir(),
    env: options.env ?? childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

function allCommands(command: Command): Command[] {
  return [command, ...command.commands.flatMap(allCommands)];
}

/**
 * Parses and runs a command line in this process, with commander's exits turned into results.
 * Fast enough for generated cases; commands that need a child process use runCli.
 */
export async function runInProcess(args: string[]): Promise<CliResult> {
  const program = buildProgram();
  let stdout = '';
  let stderr = '';
  for (const c of allCommands(program)) {
    c.exitOverride().configureOutput({
      writeOut: (s) => (stdout += s),
      writeErr: (s) => (stderr += s),
    });
  }
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
    stdout += `${a.join(' ')}\n`;
  });
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => {
    stderr += `${a.join(' ')}\n`;
  });
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync(['node', 'fieldplan', ...args]);
    return { status: Number(process.exitCode ?? 0), stdout, stderr };
  } catch (e) {
    if (e instanceof CommanderError) return { status: e.exitCode, stdout, stderr };
    throw e;
  } finally {
    process.exitCode = before;
    log.mockRestore();
    error.mockRestore();
  }
}

/** Lines of output with content. */
export function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}
