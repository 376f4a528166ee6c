import { Writable } from 'node:stream';
import fc from 'fast-check';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { findPersonalDataPath, PERSONAL_DATA_KEYS } from '../../src/privacy/personal-data-fields.ts';
import {
  MAX_REDACT_DEPTH,
  MAX_REDACT_NODES,
  REDACTED,
  TOO_DEEP,
  TRUNCATED,
  privacyLoggerOptions,
  redactPersonalData,
} from '../../src/privacy/redact.ts';
import { wireJob } from '../store/fixtures.ts';

const MARKERS = ['Zebulon', 'Quillfeather', '555-0147', 'Marigold', '2026-11-24T17:00'];

describe('redaction', () => {
  it('removes personal data at any depth and keeps ids and statuses', () => {
    const job = wireJob('job-1');
    const redacted = redactPersonalData({ plan: 'p1', jobs: [job] });
    const text = JSON.stringify(redacted);
    for (const marker of MARKERS) expect(text).not.toContain(marker);
    expect(text).toContain('job-1');
    expect(text).toContain('PENDING_SCHEDULE');
    expect(redacted.jobs[0]?.buyer).toBe(REDACTED);
    expect(job.buyer?.name).toBe('Zebulon Quillfeather'); // the input is not modified
  });

  it('keeps personal data out of pino log lines and serialised errors', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = pino({ ...privacyLoggerOptions(), level: 'info' }, sink);
    const error = Object.assign(new Error('appointment rejected for job job-1'), {
      code: 'InvalidInput',
      job: wireJob('job-1'),
    });
    log.info({ job: wireJob('job-1'), serviceJobId: 'job-1' }, 'pulled');
    log.error({ err: error }, 'write-back failed');
    const output = lines.join('');
    for (const marker of MARKERS) expect(output).not.toContain(marker);
    expect(output).toContain('job-1');
    expect(output).toContain('InvalidInput');
    expect(output).toContain('appointment rejected for job job-1');
  });

  it('finds the path of personal data in a value', () => {
    expect(findPersonalDataPath({ routes: [{ jobs: ['a'] }] })).toBeUndefined();
    expect(findPersonalDataPath({ routes: [{ stop: { address: { city: 'x' } } }] })).toBe(
      '$.routes[0].stop.address',
    );
    expect(findPersonalDataPath({ phoneCount: 1, buyer: null })).toBeUndefined();
  });

  it('redacts like a plain recursive walk wherever personal keys sit in a shallow value', () => {
    // The recursive definition, fine for values this small: the oracle for the iterative walk.
    const reference = (value: unknown): unknown => {
      if (value === null || typeof value !== 'object') return value;
      if (Array.isArray(value)) return value.map(reference);
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [
          k,
          PERSONAL_DATA_KEYS.has(k) && v != null ? REDACTED : reference(v),
        ]),
      );
    };
    const key = fc.oneof(fc.constantFrom(...PERSONAL_DATA_KEYS, 'id', 'status'), fc.string({ maxLength: 5 }));
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.constant(null)),
        fc.array(tie('tree'), { maxLength: 3 }),
        fc.dictionary(key, tie('tree'), { maxKeys: 4 }),
      ),
    }));
    fc.assert(
      fc.property(tree, (value) => {
        expect(redactPersonalData(value)).toEqual(reference(value));
      }),
      { numRuns: 300 },
    );
  });

  it('survives a value nested 100 000 levels deep and logs a marker past the depth limit', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = pino({ ...privacyLoggerOptions(), level: 'info' }, sink);
    for (const text of [
      '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000),
      '['.repeat(100_000) + ']'.repeat(100_000),
    ]) {
      const value: unknown = JSON.parse(text);
      expect(() => redactPersonalData(value)).not.toThrow();
      log.info({ body: value }, 'deep');
    }
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(JSON.parse(line).msg).toBe('deep');
    expect(lines.join('')).toContain(TOO_DEEP);
    // Exactly MAX_REDACT_DEPTH levels of objects are copied, the root being the first.
    let value: unknown = 'leaf';
    for (let i = 0; i <= MAX_REDACT_DEPTH; i++) value = { a: value };
    let copy = redactPersonalData(value) as { a: unknown };
    for (let i = 1; i < MAX_REDACT_DEPTH; i++) copy = copy.a as { a: unknown };
    expect(copy.a).toBe(TOO_DEEP);
  });

  it('copies at most MAX_REDACT_NODES objects, keeps "__proto__" a plain key, and marks cycles', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => ({ i, buyer: 'Zebulon' }));
    const copied = redactPersonalData({ many }).many;
    expect(copied).toHaveLength(100_000);
    expect(copied.filter((x) => (x as unknown) === TRUNCATED).length).toBe(100_000 - (MAX_REDACT_NODES - 2));
    expect(JSON.stringify(copied)).not.toContain('Zebulon');
    const poisoned = JSON.parse('{"__proto__":{"polluted":true,"buyer":"Zebulon"},"x":1}') as object;
    const out = redactPersonalData(poisoned) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__', 'x']);
    expect(JSON.stringify(out)).toBe(
      '{"__proto__":{"polluted":true,"buyer":"[personal data redacted]"},"x":1}',
    );
    const cyclic: Record<string, unknown> = { id: 'c' };
    cyclic['self'] = cyclic;
    expect(redactPersonalData(cyclic)).toEqual({ id: 'c', self: '[circular]' });
  });

  it('finds personal data 100 000 levels down, and the same first path as a recursive search', () => {
    let deep: unknown = { buyer: { name: 'x' } };
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const found = findPersonalDataPath(deep);
    expect(found?.endsWith('[0][0].buyer')).toBe(true);
    expect(found?.length).toBe('$'.length + 100_000 * 3 + '.buyer'.length);
    const reference = (value: unknown, path: string): string | undefined => {
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const f = reference(value[i], `${path}[${i}]`);
          if (f !== undefined) return f;
        }
        return undefined;
      }
      if (value !== null && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) {
          if (PERSONAL_DATA_KEYS.has(k) && v != null) return `${path}.${k}`;
          const f = reference(v, `${path}.${k}`);
          if (f !== undefined) return f;
        }
      }
      return undefined;
    };
    fc.assert(
      fc.property(
        fc
          .jsonValue({ maxDepth: 4 })
          .chain((v) =>
            fc.tuple(
              fc.constant(v),
              fc.dictionary(fc.constantFrom('phone', 'id', 'address', 'x'), fc.constant(v)),
            ),
          ),
        ([inner, outer]) => {
          expect(findPersonalDataPath([inner, outer])).toBe(reference([inner, outer], '$'));
        },
      ),
      { numRuns: 200 },
    );
  });
});
