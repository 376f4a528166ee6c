/**
 * The data key: 32 random bytes that encrypt personal data at rest. It comes from the
 * environment (`FIELDPLAN_DATA_KEY`) or from a key file. Only the default key file of a new
 * store is generated (owner-only permissions); a missing file in any other case is an error,
 * since a fresh key could never read the data already stored. It is never written to the database.
 *
 * Rotation: the key file may hold several keys, one per line; the first encrypts, all of
 * them decrypt. `FIELDPLAN_DATA_KEY_PREVIOUS` (comma-separated) adds decrypt-only keys to a
 * key given in the environment.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PersonalDataError } from './personal-data-error.ts';

const DATA_KEY_BYTES = 32;

export interface DataKey {
  /** A fingerprint that names the key in ciphertext envelopes; it does not reveal the key. */
  readonly id: string;
  readonly bytes: Buffer;
}

/** The key that encrypts, followed by older keys that still decrypt. */
export interface DataKeyRing {
  readonly current: DataKey;
  readonly previous: readonly DataKey[];
  /** Where the key came from, for messages: 'environment', a file path, or 'ephemeral'. */
  readonly source: string;
}

function dataKeyId(bytes: Buffer): string {
  return createHash('sha256').update('fieldplan data key id\0').update(bytes).digest('hex').slice(0, 16);
}

export function dataKeyFromBytes(bytes: Buffer): DataKey {
  if (bytes.length !== DATA_KEY_BYTES) {
    throw new PersonalDataError(
      'DATA_KEY_INVALID',
      `a data key must be ${DATA_KEY_BYTES} bytes, got ${bytes.length}`,
    );
  }
  return { id: dataKeyId(bytes), bytes: Buffer.from(bytes) };
}

/** Parses a key written as 64 hex digits or as base64 / base64url of 32 bytes. */
export function parseDataKey(text: string, source: string): DataKey {
  const trimmed = text.trim();
  let bytes: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) {
    bytes = Buffer.from(trimmed, 'hex');
  } else if (/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(trimmed)) {
    bytes = Buffer.from(trimmed, trimmed.includes('-') || trimmed.includes('_') ? 'base64url' : 'base64');
  }
  if (bytes?.length !== DATA_KEY_BYTES) {
    throw new PersonalDataError(
      'DATA_KEY_INVALID',
      `the data key from ${source} is not 32 bytes written as 64 hex digits or base64; ` +
        `generate one with: node -e "console.log(require('node:crypto').randomBytes(32).toString('base64'))"`,
    );
  }
  return dataKeyFromBytes(bytes);
}

export function generateDataKey(): DataKey {
  return dataKeyFromBytes(randomBytes(DATA_KEY_BYTES));
}

export interface LoadDataKeyOptions {
  /** Environment to read `FIELDPLAN_DATA_KEY` / `FIELDPLAN_DATA_KEY_PREVIOUS` from. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Key file used when the environment has no key. */
  keyFile?: string;
  /** Create the key file when it does not exist (default true). */
  createKeyFile?: boolean;
}

export function loadDataKeyRing(options: LoadDataKeyOptions): DataKeyRing {
  const env = options.env ?? {};
  const fromEnv = env['FIELDPLAN_DATA_KEY'];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    const current = parseDataKey(fromEnv, 'FIELDPLAN_DATA_KEY');
    const previous = (env['FIELDPLAN_DATA_KEY_PREVIOUS'] ?? '')
      .split(',')
      .filter((k) => k.trim() !== '')
      .map((k, i) => parseDataKey(k, `FIELDPLAN_DATA_KEY_PREVIOUS[${i}]`));
    return { current, previous, source: 'environment' };
  }
  if (options.keyFile === undefined) {
    throw new PersonalDataError(
      'DATA_KEY_MISSING',
      'no data key: set FIELDPLAN_DATA_KEY (32 bytes as base64 or hex) or give a key file path',
    );
  }
  return readOrCreateKeyFile(options.keyFile, options.createKeyFile ?? true);
}

function readOrCreateKeyFile(path: string, create: boolean): DataKeyRing {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    if (!create) {
      throw new PersonalDataError('DATA_KEY_MISSING', `the data key file ${path} does not exist`);
    }
    return createKeyFile(path);
  }
  assertOwnerOnly(path);
  const lines = text.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
  const [first, ...rest] = lines.map((line, i) => parseDataKey(line, `${path} line ${i + 1}`));
  if (first === undefined) {
    throw new PersonalDataError('DATA_KEY_INVALID', `the data key file ${path} holds no key`);
  }
  return { current: first, previous: rest, source: path };
}

function createKeyFile(path: string): DataKeyRing {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const key = generateDataKey();
  const body =
    '# fieldplan data key: encrypts personal data at rest. Keep it out of database backups.\n' +
    `${key.bytes.toString('base64')}\n`;
  try {
    // 'wx' fails if another process created the file first; then read theirs instead.
    writeFileSync(path, body, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readOrCreateKeyFile(path, false);
    throw error;
  }
  // The umask can only remove bits, but be explicit in case the file system ignores `mode`.
  if (process.platform !== 'win32') chmodSync(path, 0o600);
  return { current: key, previous: [], source: path };
}

function assertOwnerOnly(path: string): void {
  if (process.platform === 'win32') return;
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new PersonalDataError(
      'DATA_KEY_FILE_UNSAFE',
      `the data key file ${path} is readable by others (mode ${mode.toString(8)}); run chmod 600 on it`,
    );
  }
}
