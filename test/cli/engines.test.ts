/**
 * `npm ci` on the Node version package.json declares prints no EBADENGINE: every package in the
 * lock file that states an engine accepts the lowest Node the project supports.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
};

describe('declared Node engine', () => {
  const lowest = semver.minVersion(pkg.engines.node)?.version;

  it('is a range with a lowest version', () => {
    expect(lowest).toMatch(/^20\.\d+\.\d+$/);
  });

  it('is accepted by every locked package that states an engine', () => {
    const refusing = Object.entries(lock.packages)
      .filter(([path]) => path !== '')
      .flatMap(([path, entry]) => {
        const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
        if (range === undefined || semver.validRange(range) === null) return [];
        return semver.satisfies(lowest!, range)
          ? []
          : [`${path}@${entry.version ?? '?'} needs node ${range}`];
      });
    expect(refusing).toEqual([]);
  });
});
