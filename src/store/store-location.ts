/**
 * Where the store lives: a PostgreSQL URL, or an SQLite file path (or `:memory:`).
 * `--db` wins over `DATABASE_URL`, which wins over the embedded default.
 */
import { dirname, join, parse } from 'node:path';
import { StoreError } from './store-error.ts';

const DEFAULT_DATABASE_PATH = '.fieldplan/fieldplan.db';
export const MEMORY = ':memory:';

export type StoreLocation = { dialect: 'postgres'; url: string } | { dialect: 'sqlite'; path: string };

export function resolveStoreTarget(
  db: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  if (db !== undefined && db.trim() !== '') return db.trim();
  const fromEnv = env['DATABASE_URL'];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return fromEnv.trim();
  return DEFAULT_DATABASE_PATH;
}

export function parseStoreLocation(target: string): StoreLocation {
  if (/^postgres(ql)?:\/\//i.test(target)) {
    try {
      new URL(target);
    } catch {
      throw new StoreError(
        'STORE_TARGET_INVALID',
        'the PostgreSQL URL does not parse; expected postgres://user@host:port/db',
      );
    }
    return { dialect: 'postgres', url: target };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    throw new StoreError(
      'STORE_TARGET_INVALID',
      `unsupported database URL scheme ${target.split(':')[0] ?? ''}; expected postgres:// or an SQLite file path`,
    );
  }
  const path = target.startsWith('sqlite:') ? target.slice('sqlite:'.length) : target;
  if (path === '') throw new StoreError('STORE_TARGET_INVALID', 'empty SQLite path');
  return { dialect: 'sqlite', path };
}

/** The default key file: beside the SQLite file, or in `.fieldplan/` for PostgreSQL. */
export function defaultKeyFile(location: StoreLocation): string | undefined {
  if (location.dialect === 'postgres') return join('.fieldplan', 'fieldplan.key');
  if (location.path === MEMORY) return undefined;
  const { dir, name } = parse(location.path);
  return join(dir === '' ? dirname(location.path) : dir, `${name}.key`);
}
