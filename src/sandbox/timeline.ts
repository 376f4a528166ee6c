import type { Interval } from './schedule-rules.ts';

/**
 * A piecewise-constant function of time over a window, as contiguous segments. Capacity of every
 * kind (scheduled, reserved, encumbered, available) is one of these, so the four kinds are
 * computed from the same breakpoints and stay consistent with each other.
 */
export type Timeline = readonly Interval[];

/** Sum of intervals over [from, to), zero where none applies. */
export function sumIntervals(intervals: readonly Interval[], from: number, to: number): Timeline {
  const deltas = new Map<number, number>();
  const add = (t: number, v: number): void => {
    deltas.set(t, (deltas.get(t) ?? 0) + v);
  };
  add(from, 0);
  add(to, 0);
  for (const i of intervals) {
    const s = Math.max(i.start, from);
    const e = Math.min(i.end, to);
    if (e <= s || i.value === 0) continue;
    add(s, i.value);
    add(e, -i.value);
  }
  const points = [...deltas.keys()].sort((a, b) => a - b);
  const out: Interval[] = [];
  let level = 0;
  for (let k = 0; k < points.length - 1; k++) {
    const t = points[k] as number;
    level += deltas.get(t) ?? 0;
    const next = points[k + 1] as number;
    if (t >= from && next <= to && next > t) out.push({ start: t, end: next, value: level });
  }
  return merge(out);
}

/** Pointwise combination of two timelines over the same window. */
export function combine(a: Timeline, b: Timeline, f: (x: number, y: number) => number): Timeline {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as Interval;
    const y = b[j] as Interval;
    const start = Math.max(x.start, y.start);
    const end = Math.min(x.end, y.end);
    if (end > start) out.push({ start, end, value: f(x.value, y.value) });
    if (x.end <= y.end) i++;
    else j++;
  }
  return merge(out);
}

/** `top` replaces `base` inside [start, end). */
export function overlay(base: Timeline, top: Timeline, start: number, end: number): Timeline {
  const from = base[0]?.start ?? start;
  const to = base[base.length - 1]?.end ?? end;
  const mask = sumIntervals([{ start, end, value: 1 }], from, to);
  const withTop = combine(base, top, (_b, t) => t);
  return merge(
    combine(
      combine(base, mask, (b, m) => (m === 0 ? b : Number.NaN)),
      withTop,
      (b, t) => (Number.isNaN(b) ? t : b),
    ),
  );
}

function merge(segments: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const s of segments) {
    const last = out[out.length - 1];
    if (last && last.end === s.start && last.value === s.value) {
      out[out.length - 1] = { start: last.start, end: s.end, value: s.value };
    } else out.push(s);
  }
  return out;
}

/** Minimum and maximum value over [start, end). */
export function extremaOver(t: Timeline, start: number, end: number): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const s of t) {
    if (s.end <= start || s.start >= end) continue;
    min = Math.min(min, s.value);
    max = Math.max(max, s.value);
  }
  if (min === Number.POSITIVE_INFINITY) return { min: 0, max: 0 };
  return { min, max };
}
