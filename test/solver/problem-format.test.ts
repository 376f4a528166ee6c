import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ProblemSchema } from '../../solver/problem.ts';

const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'problem-format.md'), 'utf8');

/** Every property name anywhere in the JSON Schema generated from the zod schema. */
function propertyNames(schema: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) schema.forEach((s) => propertyNames(s, out));
  else if (schema && typeof schema === 'object') {
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'properties' && value && typeof value === 'object') {
        for (const name of Object.keys(value)) out.add(name);
      }
      propertyNames(value, out);
    }
  }
  return out;
}

describe('docs/problem-format.md', () => {
  it('documents every field of the zod schema', () => {
    const names = propertyNames(z.toJSONSchema(ProblemSchema, { io: 'input' }));
    expect(names.size).toBeGreaterThan(30);
    const missing = [...names].filter((name) => !doc.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });

  it('has examples that validate against the schema', () => {
    const blocks = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    for (const block of blocks) {
      const result = ProblemSchema.safeParse(JSON.parse(block));
      expect(result.success ? [] : result.error.issues).toEqual([]);
    }
  });
});
