import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIssuePath } from '../../solver/issue-path.ts';

/** Reads a written path back into its keys: the inverse the formatter must have. */
function readPath(text: string): (string | number)[] {
  const keys: (string | number)[] = [];
  const token = /^(?:\.?([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\])/;
  let rest = text;
  while (rest.length > 0) {
    const m = token.exec(rest);
    if (!m) throw new Error(`unreadable path ${text} at ${rest}`);
    keys.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : (JSON.parse(m[3]!) as string)));
    rest = rest.slice(m[0].length);
  }
  return keys;
}

describe('issue paths', () => {
  it('writes indices in brackets, names after dots, other names quoted', () => {
    expect(formatIssuePath(['jobs', 0, 'windows', 0, 'start'])).toBe('jobs[0].windows[0].start');
    expect(formatIssuePath(['technicians', 3, 'shifts', 'monday', 'start'])).toBe(
      'technicians[3].shifts.monday.start',
    );
    expect(formatIssuePath(['technicians', 0, 'skillDurationFactor', 'TV MOUNT'])).toBe(
      'technicians[0].skillDurationFactor["TV MOUNT"]',
    );
    expect(formatIssuePath(['body', 'jobs', 2])).toBe('body.jobs[2]');
    expect(formatIssuePath([0, 'id'])).toBe('[0].id');
    expect(formatIssuePath([])).toBe('');
  });

  it('is read back into the same keys, whatever the keys', () => {
    const key = fc.oneof(
      fc.nat({ max: 100_000 }),
      fc.stringMatching(/^[A-Za-z_$][\w$]{0,8}$/),
      fc.string({ maxLength: 8 }),
    );
    fc.assert(
      fc.property(fc.array(key, { maxLength: 6 }), (path) => {
        const text = formatIssuePath(path);
        expect(readPath(text)).toEqual(path);
        expect(text).not.toMatch(/\.\d+(\.|$)/);
      }),
    );
  });
});
