import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDataKeyRing, parseDataKey } from '../../src/privacy/data-key.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fieldplan-key-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('data key', () => {
  it('parses 32 bytes as hex, base64 or base64url, and rejects anything else', () => {
    const bytes = randomBytes(32);
    const id = parseDataKey(bytes.toString('hex'), 't').id;
    expect(parseDataKey(bytes.toString('base64'), 't').id).toBe(id);
    expect(parseDataKey(bytes.toString('base64url'), 't').id).toBe(id);
    expect(parseDataKey(` ${bytes.toString('base64')}\n`, 't').bytes.equals(bytes)).toBe(true);
    for (const bad of ['', 'abc', randomBytes(16).toString('hex'), randomBytes(31).toString('base64')]) {
      expect(() => parseDataKey(bad, 'FIELDPLAN_DATA_KEY')).toThrow(
        expect.objectContaining({ code: 'DATA_KEY_INVALID' }),
      );
    }
  });

  it('prefers FIELDPLAN_DATA_KEY and adds previous keys for rotation', () => {
    const current = randomBytes(32);
    const previous = randomBytes(32);
    const ring = loadDataKeyRing({
      env: {
        FIELDPLAN_DATA_KEY: current.toString('base64'),
        FIELDPLAN_DATA_KEY_PREVIOUS: previous.toString('hex'),
      },
      keyFile: join(tempDir(), 'never-created.key'),
    });
    expect(ring.current.bytes.equals(current)).toBe(true);
    expect(ring.previous.map((k) => k.bytes.equals(previous))).toEqual([true]);
    expect(ring.source).toBe('environment');
    expect(() => loadDataKeyRing({ env: {} })).toThrow(expect.objectContaining({ code: 'DATA_KEY_MISSING' }));
  });

  it.skipIf(process.platform === 'win32')('generates an owner-only key file once and reuses it', () => {
    const file = join(tempDir(), 'nested', 'fieldplan.key');
    const first = loadDataKeyRing({ env: {}, keyFile: file });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toContain(first.current.bytes.toString('base64'));
    const second = loadDataKeyRing({ env: {}, keyFile: file });
    expect(second.current.id).toBe(first.current.id);
    expect(() =>
      loadDataKeyRing({ env: {}, keyFile: join(tempDir(), 'missing.key'), createKeyFile: false }),
    ).toThrow(expect.objectContaining({ code: 'DATA_KEY_MISSING' }));
  });

  it.skipIf(process.platform === 'win32')(
    'refuses a key file others can read, and reads rotated keys from it',
    () => {
      const file = join(tempDir(), 'fieldplan.key');
      const [a, b] = [randomBytes(32), randomBytes(32)];
      writeFileSync(file, `# current first\n${a.toString('base64')}\n${b.toString('hex')}\n`, {
        mode: 0o644,
      });
      chmodSync(file, 0o644);
      expect(() => loadDataKeyRing({ env: {}, keyFile: file })).toThrow(
        expect.objectContaining({ code: 'DATA_KEY_FILE_UNSAFE' }),
      );
      chmodSync(file, 0o600);
      const ring = loadDataKeyRing({ env: {}, keyFile: file });
      expect(ring.current.bytes.equals(a)).toBe(true);
      expect(ring.previous[0]?.bytes.equals(b)).toBe(true);
    },
  );
});
