/** A credentials file that is too deep or not parseable is one clear error that quotes none of its text. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { credentialsFromFile } from '../../src/spapi/credentials.ts';

const dir = mkdtempSync(join(tmpdir(), 'fieldplan-credentials-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('credentials file', () => {
  it('reads a flat YAML file', () => {
    const path = file('ok.yaml', 'clientId: a\nclientSecret: b\nrefreshToken: c\n');
    expect(credentialsFromFile(path)).toMatchObject({ clientId: 'a', clientSecret: 'b', refreshToken: 'c' });
  });

  it.each([
    ['deep.json', '['.repeat(100_000) + ']'.repeat(100_000), /nests deeper than 64 levels/],
    ['deep.yaml', '['.repeat(100_000) + ']'.repeat(100_000), /nests deeper than 64 levels/],
    ['broken.json', '{"clientSecret": "s3cr3t-value"', /is not valid JSON$/],
    ['broken.yaml', 'clientSecret: "s3cr3t-value\n  : [', /is not valid YAML$/],
  ])('refuses %s with a message naming the file', (name, text, message) => {
    const path = file(name, text);
    let thrown: Error | undefined;
    try {
      credentialsFromFile(path);
    } catch (error) {
      thrown = error as Error;
    }
    expect(thrown?.message).toMatch(message);
    expect(thrown?.message).toContain(path);
    expect(thrown?.message).not.toContain('s3cr3t');
  });
});
