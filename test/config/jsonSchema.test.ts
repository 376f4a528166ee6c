import { readFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { planningConfigJsonSchema } from '../../src/config/index.ts';

const file = (name: string) => new URL(`../../config/${name}`, import.meta.url);

describe('planning configuration JSON Schema', () => {
  it('the committed schema is the one the zod schema generates (regenerate with `fieldplan config schema`)', async () => {
    const committed: unknown = JSON.parse(await readFile(file('planning-config.schema.json'), 'utf8'));
    expect(committed).toEqual(planningConfigJsonSchema());
  });

  it('accepts the example and flags what an editor should flag', async () => {
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(planningConfigJsonSchema());
    const example: unknown = parse(await readFile(file('example.yaml'), 'utf8'));
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    const bad = {
      technicians: [{ resourceId: 'T1', name: 'x', home: {}, timeZone: 'UTC', shifts: { funday: {} } }],
      stores: [],
    };
    expect(validate(bad)).toBe(false);
    expect(validate.errors?.some((e) => e.keyword === 'additionalProperties')).toBe(true);
  });
});
