/**
 * The nesting-depth scans measured against the parsers' own results, and the file readers
 * (problem files in both formats, planning configurations in YAML and JSON) refusing deep
 * documents with an error naming the file and the limit instead of crashing.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseProblemDocument, ProblemFileError } from '../../src/cli/solve.ts';
import { ConfigError, parsePlanningConfig } from '../../src/config/index.ts';
import {
  jsonNestsDeeperThan,
  MAX_NESTING_DEPTH,
  NestingTooDeepError,
  parseJsonWithin,
} from '../../src/input/nesting.ts';
import { yamlNestsDeeperThan } from '../../src/input/yaml-nesting.ts';

/** Depth of a parsed value, walked with a stack (the value may be deep). */
function depthOf(value: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [v, d] = item;
    if (v === null || typeof v !== 'object') continue;
    max = Math.max(max, d + 1);
    for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

const nested = (levels: number, kind: 'object' | 'array', inner = '1'): string =>
  kind === 'object'
    ? '{"a":'.repeat(levels) + inner + '}'.repeat(levels)
    : '['.repeat(levels) + inner + ']'.repeat(levels);

/** JSON values of any depth up to 90, with brackets and quotes inside strings too. */
const deepJson = fc
  .tuple(
    fc.jsonValue({ maxDepth: 4 }),
    fc.array(fc.tuple(fc.constantFrom('object', 'array'), fc.string({ maxLength: 4 })), { maxLength: 90 }),
  )
  .map(([leaf, wraps]) =>
    wraps.reduce<unknown>((inner, [kind, key]) => (kind === 'array' ? [inner] : { [key]: inner }), leaf),
  );

describe('nesting depth of JSON text', () => {
  it('matches the depth JSON.parse builds, strings with brackets and escapes included', () => {
    fc.assert(
      fc.property(
        deepJson,
        fc.string({ unit: fc.constantFrom('[', '{', '"', '\\', ']', 'x') }),
        (value, noise) => {
          const text = JSON.stringify({ noise, value });
          const depth = depthOf(JSON.parse(text));
          expect(jsonNestsDeeperThan(text, depth)).toBe(false);
          expect(jsonNestsDeeperThan(text, depth - 1)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses 100 000 levels without recursing and parses what is within the limit', () => {
    for (const kind of ['object', 'array'] as const) {
      expect(() => parseJsonWithin(nested(100_000, kind))).toThrow(NestingTooDeepError);
      expect(() => parseJsonWithin(nested(MAX_NESTING_DEPTH + 1, kind))).toThrow(
        `nests deeper than ${MAX_NESTING_DEPTH} levels`,
      );
      expect(depthOf(parseJsonWithin(nested(MAX_NESTING_DEPTH, kind)))).toBe(MAX_NESTING_DEPTH);
    }
  });
});

describe('nesting depth of YAML text', () => {
  it('never counts fewer levels than the document has, in block or flow style', () => {
    fc.assert(
      fc.property(deepJson, fc.constantFrom('block', 'flow', 'mixed'), (value, style) => {
        const text = stringify(
          { top: value },
          style === 'block'
            ? { indent: 2 }
            : style === 'flow'
              ? { collectionStyle: 'flow' }
              : { indentSeq: false, indent: 4 },
        );
        const depth = depthOf({ top: value });
        expect(yamlNestsDeeperThan(text, depth - 1), text).toBe(true);
        // Block layouts are counted exactly; nothing within the limit is refused.
        if (style !== 'flow') expect(yamlNestsDeeperThan(text, depth), text).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('catches deep flow collections and compact sequences, and passes the shipped configs', () => {
    expect(yamlNestsDeeperThan(`a: ${'['.repeat(100_000)}`)).toBe(true);
    expect(yamlNestsDeeperThan(`${'- '.repeat(100_000)}x`)).toBe(true);
    let indented = '';
    for (let i = 0; i <= MAX_NESTING_DEPTH; i++) indented += `${' '.repeat(i)}k:\n`;
    expect(yamlNestsDeeperThan(indented)).toBe(true);
    for (const file of ['example.yaml', 'sandbox-seller.yaml']) {
      const text = readFileSync(new URL(`../../config/${file}`, import.meta.url), 'utf8');
      expect(yamlNestsDeeperThan(text, 8), file).toBe(false);
    }
  });
});

describe('file readers', () => {
  it('refuses a problem file nesting 100 000 levels, naming the file and the limit', () => {
    for (const format of ['fieldplan', 'vroom'] as const) {
      for (const text of [nested(100_000, 'array'), `{"jobs":${nested(100_000, 'object')}}`]) {
        let error: unknown;
        try {
          parseProblemDocument(text, 'deep.json', format);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(ProblemFileError);
        expect((error as Error).message).toContain('deep.json');
        expect((error as Error).message).toContain(`nests deeper than ${MAX_NESTING_DEPTH} levels`);
      }
    }
  });

  it('refuses a configuration nesting 100 000 levels, in YAML or JSON, naming the file and the limit', () => {
    const cases = [
      ['crews.yaml', `stores: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`],
      ['crews.yaml', `stores:\n${'- '.repeat(100_000)}x\n`],
      ['crews.json', `{"stores":${nested(100_000, 'array')}}`],
    ] as const;
    for (const [file, text] of cases) {
      let error: unknown;
      try {
        parsePlanningConfig(text, file);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).code).toBe('CONFIG_SYNTAX');
      expect((error as Error).message).toContain(file);
      expect((error as Error).message).toContain(`nests deeper than ${MAX_NESTING_DEPTH} levels`);
    }
  });

  it('still reads the shipped example configuration', () => {
    const text = readFileSync(new URL('../../config/example.yaml', import.meta.url), 'utf8');
    expect(parsePlanningConfig(text, 'example.yaml').stores.length).toBeGreaterThan(0);
  });
});
