import type { Problem } from '../../../solver/problem.ts';
import { Random } from '../../../solver/random.ts';

/** Random points on a plane, travel time = distance (integers). */
export function plane(points: number, rng: Random, size = 1000): number[][] {
  const xy = Array.from({ length: points }, () => [rng.int(size), rng.int(size)] as const);
  return xy.map(([ax, ay]) => xy.map(([bx, by]) => Math.round(Math.hypot(ax - bx, ay - by))));
}

export interface FeatureOptions {
  jobs: number;
  technicians: number;
  seed: number;
  breaks?: boolean;
  multiWindows?: boolean;
  skills?: boolean;
  soft?: boolean;
  capacity?: boolean;
  openEnd?: boolean;
  maxWork?: boolean;
}

/** A small field-service day with the requested features switched on. */
export function fieldDay(o: FeatureOptions): Problem {
  const rng = new Random(o.seed);
  const locations = o.jobs + o.technicians;
  const durations = plane(locations, rng);
  const skillNames = ['hvac', 'tv', 'gym'];
  const jobs = Array.from({ length: o.jobs }, (_, j) => {
    const windows = [];
    const count = o.multiWindows ? 1 + rng.int(3) : rng.int(2);
    for (let w = 0; w < count; w++) {
      const start = 8 * 3600 + rng.int(8) * 3600;
      windows.push({ start, end: start + 3600 * (1 + rng.int(3)) });
    }
    return {
      id: `j${j}`,
      location: o.technicians + j,
      duration: 600 + rng.int(4) * 600,
      windows,
      ...(o.skills && rng.next() < 0.5 ? { skills: [skillNames[rng.int(3)]!] } : {}),
      ...(o.capacity ? { load: [1 + rng.int(3)] } : {}),
      priority: 1 + rng.int(3),
    };
  });
  const technicians = Array.from({ length: o.technicians }, (_, t) => ({
    id: `t${t}`,
    start: t,
    ...(o.openEnd && t % 2 === 0 ? { end: null } : {}),
    shift: { start: 8 * 3600, end: 17 * 3600 },
    ...(o.breaks
      ? { breaks: [{ id: 'lunch', duration: 1800, window: { start: 11 * 3600, end: 13 * 3600 } }] }
      : {}),
    ...(o.skills ? { skills: skillNames.filter(() => rng.next() < 0.6) } : {}),
    ...(o.capacity ? { capacity: [8] } : {}),
    ...(o.maxWork ? { maxWorkTime: 7 * 3600 } : {}),
  }));
  return {
    matrices: { durations },
    jobs,
    technicians,
    ...(o.soft ? { objective: { softWindows: { maxLateness: 1800, costPerSecond: 0.01 } } } : {}),
  };
}
