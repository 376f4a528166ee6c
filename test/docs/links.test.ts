/** The front door and the manual: README stays short, and every relative link resolves. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const documents = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
  'bench/results/README.md',
];

/** Relative Markdown link targets outside code blocks, without their #fragment. */
function relativeLinks(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  const targets: string[] = [];
  for (const match of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = match[1]!;
    if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
    targets.push(target.split('#')[0]!);
  }
  return targets;
}

describe('documentation', () => {
  it('keeps the README a front door of at most 200 lines', () => {
    const lines = readFileSync(join(root, 'README.md'), 'utf8').split('\n').length;
    expect(lines).toBeLessThanOrEqual(200);
  });

  it.each(documents)('%s links only to files that exist', (doc) => {
    const text = readFileSync(join(root, doc), 'utf8');
    const missing = relativeLinks(text).filter((t) => !existsSync(resolve(root, dirname(doc), t)));
    expect(missing).toEqual([]);
  });

  it('finds broken links (the check itself can fail)', () => {
    expect(relativeLinks('see [x](docs/nowhere.md#a) and [y](https://example.com)')).toEqual([
      'docs/nowhere.md',
    ]);
  });
});
