/** Where the read-only benchmark data lives: `../shared/bench` next to the project root. */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function defaultBenchDataDir(): string {
  return resolve(projectRoot, '..', 'shared', 'bench');
}

/** The data folder if it exists, else undefined (a user's machine without the data). */
export function findBenchData(dir = defaultBenchDataDir()): string | undefined {
  return existsSync(dir) ? dir : undefined;
}
