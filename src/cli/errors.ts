/**
 * How a failed command reports itself: one line on stderr saying what is wrong and what to do,
 * exit code 1 (2 is reserved for a partial write-back). The stack is printed only with
 * FIELDPLAN_DEBUG=1, for whoever is debugging the engine itself.
 */
import { InvalidArgumentError } from 'commander';
import { EndpointError } from '../connect.ts';
import { ConfigError } from '../config/index.ts';
import { SellersConfigError } from '../tenants/sellers-config.ts';
import { RunError } from '../pipeline/run.ts';
import { PersonalDataError } from '../privacy/personal-data-error.ts';
import { AuthError } from '../spapi/index.ts';
import { StoreError } from '../store/store-error.ts';
import { QueueModeError } from '../queue/mode.ts';
import { QueueStateError } from '../queue/state.ts';

interface SystemError {
  code: string;
  syscall?: string;
  path?: string;
  address?: string;
  port?: number;
}

function isSystemError(error: unknown): error is Error & SystemError {
  return (
    error instanceof Error && typeof (error as { code?: unknown }).code === 'string' && 'syscall' in error
  );
}

/** Operating-system failures in words a user can act on; undefined when there is nothing better to say. */
function describeSystemError(error: SystemError): string | undefined {
  const { code, syscall, path, address, port } = error;
  if (syscall === 'listen' || syscall === 'bind') {
    if (code === 'EADDRINUSE') return `port ${port ?? '?'} is in use: choose another with --port`;
    if (code === 'EACCES')
      return `port ${port ?? '?'} needs privileges this user lacks: choose one above 1023 with --port`;
    if (code === 'EADDRNOTAVAIL')
      return `${address ?? 'the address'} is not an address of this machine: choose another with --host`;
  }
  if (path !== undefined) {
    if (code === 'ENOENT') return `${path}: no such file or directory: check the path`;
    if (code === 'EACCES' || code === 'EPERM') return `${path} is not accessible: check its permissions`;
    if (code === 'EISDIR') return `${path} is a directory: give a file`;
    if (code === 'ENOTDIR') return `${path}: a part of the path is not a directory`;
    if (code === 'ENOSPC') return `no space left on the device of ${path}`;
  }
  return undefined;
}

/** One line for any error a command ends with. */
export function describeCliError(error: unknown): string {
  if (
    error instanceof ConfigError ||
    error instanceof AuthError ||
    error instanceof InvalidArgumentError ||
    error instanceof EndpointError ||
    error instanceof SellersConfigError ||
    error instanceof QueueModeError ||
    error instanceof QueueStateError
  )
    return error.message;
  if (error instanceof RunError || error instanceof StoreError || error instanceof PersonalDataError)
    return `${error.code}: ${error.message}`;
  if (isSystemError(error)) {
    const described = describeSystemError(error);
    if (described !== undefined) return described;
  }
  const message = error instanceof Error ? error.message : safeString(error);
  return `${firstLine(message)} (unexpected; run again with FIELDPLAN_DEBUG=1 for details)`;
}

function firstLine(text: string): string {
  return String(text).split('\n', 1)[0]?.trim() || 'unknown error';
}

/** String() of anything thrown, even an object whose toString throws. */
function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function debugEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env['FIELDPLAN_DEBUG'];
  return v !== undefined && v !== '' && v !== '0' && v !== 'false';
}

/** Prints a command's failure: one line, then the stack and causes only when debugging. */
export function reportFailure(
  error: unknown,
  command: string | undefined,
  write: (text: string) => void = (t) => process.stderr.write(t),
  env: NodeJS.ProcessEnv = process.env,
): void {
  write(`error: ${command ? `fieldplan ${command}: ` : ''}${describeCliError(error)}\n`);
  if (!debugEnabled(env)) return;
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 5; depth++) {
    write(`${e instanceof Error ? (e.stack ?? e.message) : safeString(e)}\n`);
    e = e instanceof Error ? e.cause : undefined;
  }
}
