/**
 * Progress when the output is no terminal (a log file, CI, a pipe): plain lines without a time of day,
 * at most one every two seconds per step, the time left when the total is known, and the
 * step's summary when it is done.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { terminalProgress } from '../../src/cli/progress-display.ts';
import { publishDetail, solveUpdate, whatIfUpdate, writeBackDetail } from '../../src/pipeline/progress.ts';

function capture(): { lines: string[]; stream: { isTTY: boolean; write(text: string): boolean } } {
  const lines: string[] = [];
  return {
    lines,
    stream: {
      isTTY: false,
      write(text: string) {
        lines.push(...text.split('\n').filter((l) => l !== ''));
        return true;
      },
    },
  };
}

const T0 = Date.parse('2030-01-07T09:00:00Z');

describe('plain progress lines (not a terminal)', () => {
  it('one line every two seconds at most, each with its ETA, then the summary', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5000 }), fc.nat()), { minLength: 1, maxLength: 40 }),
        (total, steps) => {
          const { lines, stream } = capture();
          let now = T0;
          const sink = terminalProgress({ stream, clock: () => now });
          const step = sink.start('write-back', 'Writing back');
          const expected: string[] = [];
          let last = -Infinity;
          for (const [dt, raw] of steps) {
            now += dt;
            const value = raw % (total + 1);
            step.update(value, total, '3 calls, 0 failed');
            if (now - last < 2000) continue;
            last = now;
            const eta =
              value > 0 && value < total
                ? `, ETA ${Math.round(((now - T0) * (total - value)) / value / 1000)} s`
                : '';
            expected.push(`Writing back: ${value}/${total}${eta} 3 calls, 0 failed`);
          }
          step.done('12 calls, 0 failed, 0 in doubt');
          expected.push('Writing back: 12 calls, 0 failed, 0 in doubt');
          expect(lines).toEqual(expected);
        },
      ),
    );
  });

  it('no bar, no cursor codes: the lines are plain text', () => {
    const { lines, stream } = capture();
    let now = T0;
    const sink = terminalProgress({ stream, clock: () => now });
    const step = sink.start('solve', 'Solving');
    for (let s = 0; s <= 20; s++) {
      now = T0 + s * 1000;
      step.update(s, 20, `pass 1: ${100 + s} of 191 jobs placed, ${20 - s} s left`);
    }
    step.done('160 of 189 jobs placed, travel 120.2 h');
    expect(lines.length).toBe(12);
    for (const l of lines) expect(l).toMatch(/^Solving: [ -~]+$/);
    expect(lines[1]).toBe('Solving: 2/20, ETA 18 s pass 1: 102 of 191 jobs placed, 18 s left');
  });

  it('quiet: nothing at all', () => {
    const { lines, stream } = capture();
    const sink = terminalProgress({ stream, quiet: true });
    sink.start('pull', 'Pulling').update(1, 2);
    sink.note('a note');
    expect(lines).toEqual([]);
  });
});

describe('the long steps as the planning run reports them, in plain lines', () => {
  it('write-back: the time left is printed once per line', () => {
    const { lines, stream } = capture();
    let now = T0;
    const step = terminalProgress({ stream, clock: () => now }).start('write-back', 'Writing back');
    for (let done = 0; done <= 30; done++) {
      now = T0 + done * 1000;
      step.update(done, 30, writeBackDetail({ calls: done * 2, failed: 0 }));
    }
    expect(lines.length).toBeGreaterThan(5);
    for (const l of lines) expect(l.match(/ETA/g)?.length ?? 0).toBeLessThanOrEqual(1);
    expect(lines[1]).toBe('Writing back: 2/30, ETA 28 s 4 calls, 0 failed');
  });

  it('solving: one bar over the whole budget, its time left never starts again at a later pass', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 5, max: 120 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }),
        (budgetS, passesS) => {
          const { lines, stream } = capture();
          let now = T0;
          const step = terminalProgress({ stream, clock: () => now }).start('solve', 'Solving');
          let passBeganMs = 0;
          passesS.forEach((lengthS, i) => {
            for (let s = 0; s <= lengthS; s++) {
              now = T0 + passBeganMs + s * 1000;
              const u = solveUpdate({
                label: `pass ${i + 1}`,
                passBeganMs,
                elapsedMs: s * 1000,
                budgetMs: budgetS * 1000,
                jobs: 50,
                unassigned: 10,
                travelSeconds: 7200,
              });
              expect(u.total).toBe(budgetS);
              step.update(u.value, u.total, u.detail);
            }
            passBeganMs += lengthS * 1000;
          });
          let lastValue = -1;
          let lastEta = Infinity;
          for (const l of lines) {
            const m =
              /^Solving: (\d+)\/(\d+)(?:, ETA (\d+) s)? pass \d: 40 of 50 jobs placed, travel 2\.0 h$/.exec(
                l,
              );
            expect(m, l).not.toBeNull();
            const value = Number(m![1]);
            expect(Number(m![2])).toBe(budgetS);
            expect(value).toBeGreaterThanOrEqual(lastValue);
            lastValue = value;
            if (m![3] !== undefined) {
              expect(Number(m![3])).toBeLessThanOrEqual(lastEta);
              lastEta = Number(m![3]);
            }
            expect(l).not.toMatch(/cost/i);
          }
        },
      ),
    );
  });
});

describe('the bar on a terminal (a fake stream that says it is a TTY)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Every write as it came, escape codes and all; `text` without them. */
  function ttyCapture(): {
    writes: string[];
    text: () => string;
    stream: { isTTY: boolean; columns: number; write(t: string): boolean };
  } {
    const writes: string[] = [];
    return {
      writes,
      // eslint-disable-next-line no-control-regex
      text: () => writes.join('').replace(/\x1B(?:\[[0-9;?]*[A-Za-z]|[78])/g, ''),
      stream: {
        isTTY: true,
        columns: 160,
        write(t: string) {
          writes.push(t);
          return true;
        },
      },
    };
  }

  it('draws a bar with the time left, then clears it and prints the summary on its own line', () => {
    vi.useFakeTimers({ now: T0, toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    const { writes, text, stream } = ttyCapture();
    const step = terminalProgress({ stream }).start('what-if', 'Simulating days');
    for (let day = 0; day <= 8; day++) {
      step.update(day, 20, `day ${day + 1}: base planned`);
      vi.advanceTimersByTime(1000);
    }
    // One day a second, 12 days left after the eighth: 12 s.
    expect(text()).toMatch(/Simulating days +\[[█░]+\] 8\/20 ETA 12 s day 9: base planned/);
    // Frames are redrawn in place, never one line per update.
    expect(writes.some((w) => w.includes('\x1B') || w.includes('\r'))).toBe(true);
    step.done('20 sampled days, served 94 % → 98 %');
    expect(writes.at(-1)).toBe('Simulating days: 20 sampled days, served 94 % → 98 %\n');
  });

  it('the time left is the pace so far times the work left, frame by frame', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 60 }), fc.integer({ min: 250, max: 3000 }), (total, stepMs) => {
        vi.useFakeTimers({ now: T0, toFake: ['Date', 'setTimeout', 'clearTimeout'] });
        const { writes, stream } = ttyCapture();
        const step = terminalProgress({ stream }).start('publish', 'Publishing');
        for (let v = 0; v < total; v++) {
          step.update(v, total, publishDetail({ calls: v, failed: 0 }));
          const frame = writes.at(-2)!;
          expect(frame).toContain(`] ${v}/${total} `);
          const left = / ETA (\d+) s /.exec(frame);
          if (v === 0) expect(left).toBeNull();
          else expect(Number(left?.[1])).toBe(Math.round(((total - v) * stepMs) / 1000));
          vi.advanceTimersByTime(stepMs);
        }
        step.done(`${total} calls, 0 refused`);
        vi.useRealTimers();
        expect(writes.at(-1)).toBe(`Publishing: ${total} calls, 0 refused\n`);
      }),
      { numRuns: 30 },
    );
  });
});

describe('what-if and publish progress', () => {
  it('what-if: sampled days done of the total, from the two plans per day', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), (samples) => {
        const total = samples * 2;
        let previous = -1;
        for (let done = 0; done <= total; done++) {
          const u = whatIfUpdate({ done, total });
          expect(u.total).toBe(samples);
          expect(u.value).toBe(Math.floor(done / 2));
          expect(u.value).toBeGreaterThanOrEqual(previous);
          previous = u.value;
        }
        expect(whatIfUpdate({ done: total, total }).detail).toBe('every sampled day planned');
      }),
    );
  });

  it('what-if with the staffing search: the days, then one unit per staffing level', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 20 }), (samples, levels) => {
        const total = samples * 2 + levels;
        let previous = -1;
        for (let done = 0; done <= total; done++) {
          const u = whatIfUpdate({ done, total }, samples);
          expect(u.total).toBe(samples + levels);
          expect(u.value).toBe(done <= 2 * samples ? Math.floor(done / 2) : done - samples);
          expect(u.value).toBeGreaterThanOrEqual(previous);
          previous = u.value;
          if (done > 2 * samples && done < total) expect(u.detail).toMatch(/^staffing level \d+ of at most /);
        }
        expect(whatIfUpdate({ done: total, total }, samples).detail).toBe(
          `every sampled day planned, ${levels} staffing levels searched`,
        );
      }),
    );
  });

  it('publish: calls and refusals, never a cost', () => {
    expect(publishDetail({ calls: 7, failed: 2 })).toBe('7 calls, 2 refused');
  });
});
