/** The run summary: jobs not planned grouped by reason, and refusals carrying Amazon's reason. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { notPlannedLines } from '../../src/cli/plan.ts';
import { refusalMessage } from '../../src/pipeline/write/write-back.ts';

const REASONS = ['NO_WINDOW_FITS', 'DISPLACED', 'NO_SKILLED_TECHNICIAN', 'OUTSIDE_TERRITORY'] as const;

const entry = fc.record({
  serviceJobId: fc.stringMatching(/^[1-9]\d{13}$/),
  code: fc.constantFrom('UNASSIGNED', 'BOOKED_NOT_SERVED'),
  level: fc.constantFrom('error', 'error', 'warning'),
  reason: fc.constantFrom(...REASONS).map((r) => `${r}: details of ${r.toLowerCase()}`),
});

describe('jobs not planned in the summary', () => {
  it('counts every job once, groups by reason, and says how many more and where', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 60 }), fc.integer({ min: 1, max: 5 }), (list, per) => {
        const lines = notPlannedLines(list, 'out/report.md', per);
        const errors = list.filter((u) => u.level === 'error');
        if (errors.length === 0) {
          expect(lines).toEqual([]);
          return;
        }
        expect(lines[0]).toBe(`Not planned: ${errors.length} jobs, by reason:`);
        expect(lines.at(-1)).toContain('out/report.md');
        const headings = lines.filter((l) => /^ {2}[A-Z_]+ \(\d+\): /.test(l));
        const counts = headings.map((h) => Number(/\((\d+)\)/.exec(h)![1]));
        expect(counts.reduce((a, b) => a + b, 0)).toBe(errors.length);
        expect([...counts].sort((a, b) => b - a)).toEqual(counts);
        for (const h of headings) {
          const key = /^ {2}([A-Z_]+)/.exec(h)![1]!;
          const n = errors.filter((u) => u.reason.startsWith(`${key}:`)).length;
          expect(h).toContain(`(${n})`);
          const more = lines.find((l, i) => i > lines.indexOf(h) && /^ {4}… and \d+ more$/.test(l));
          if (n > per) expect(more).toBe(`    … and ${n - per} more`);
        }
        const shown = lines.filter((l) => /^ {4}\d{14}/.test(l)).length;
        expect(shown).toBe(headings.reduce((s, h) => s + Math.min(per, Number(/\((\d+)\)/.exec(h)![1])), 0));
      }),
    );
  });
});

describe('refused write-back calls', () => {
  it("keep Amazon's reason and mask the times, phones and e-mail addresses it echoes", () => {
    const instant = fc
      .date({
        min: new Date('2020-01-01T00:00:00Z'),
        max: new Date('2040-01-01T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString());
    const phone = fc
      .tuple(fc.integer({ min: 200, max: 999 }), fc.integer({ min: 0, max: 99 }))
      .map(([area, n]) => `+1 ${area}-555-01${String(n).padStart(2, '0')}`);
    const email = fc.stringMatching(/^[a-z]{1,8}$/).map((u) => `${u}@example.com`);
    fc.assert(
      fc.property(instant, phone, email, fc.stringMatching(/^[1-9]\d{13}$/), (t, p, e, jobId) => {
        const reason = `slot not available at ${t} for job ${jobId}; buyer ${p}, ${e}`;
        const message = refusalMessage(422, 'InvalidInput', reason, 'req-1');
        expect(message).toMatch(/^HTTP 422 InvalidInput: slot not available at \[time\] for job /);
        expect(message).toContain(jobId);
        expect(message).toContain('(request req-1)');
        for (const secret of [t, p, e]) expect(message).not.toContain(secret);
      }),
    );
    expect(refusalMessage(403, 'Unauthorized', undefined, undefined)).toBe('HTTP 403 Unauthorized');
    expect(refusalMessage(422, 'InvalidInput', 'technician lacks skill TV_MOUNTING', undefined)).toBe(
      'HTTP 422 InvalidInput: technician lacks skill TV_MOUNTING',
    );
  });
});
