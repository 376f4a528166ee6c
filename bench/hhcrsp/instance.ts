/**
 * Reader for the HHCRSP instances of Mankowska et al. (2014) (sets A–E, text files with the
 * sections nbNodes, nbVehi, nbServi, r, DS, a, x, y, d, p, mind, maxd, e, l) and their mapping
 * onto the solver's problem format:
 *
 * - caregiver k → a solo technician with the skills of its qualified service types, from and to
 *   the depot (node 0), with a shift that never binds (the reference values ignore the depot
 *   windows);
 * - a patient with one service → one job with that service type's skill;
 * - a simultaneous double service → one job for two people whose members need the two types
 *   (`memberSkills`), i.e. two routes with a common start;
 * - a double service with delays → two jobs (lower type first) linked by precedence
 *   (start to start, mind..maxd) and by different technicians;
 * - time windows are soft and unbounded: travel by distance, 1 per unit of tardiness and 1 per
 *   unit of the largest tardiness, so the solver's cost is 3 × the published objective.
 */
import { readFileSync } from 'node:fs';
import type { Job, Link, Problem } from '../../solver/problem.ts';

export interface HhcrspInstance {
  name: string;
  patients: number;
  caregivers: number;
  services: number;
  /** Required service types per node (nodes 0..n+1; 0 and n+1 are the depot). */
  required: number[][];
  qualified: boolean[][];
  distance: number[][];
  /** Service duration per node and type (caregiver 0's row; all caregivers are equal). */
  duration: number[][];
  minDelay: number[];
  maxDelay: number[];
  early: number[];
  late: number[];
}

const SECTIONS = [
  'nbNodes',
  'nbVehi',
  'nbServi',
  'r',
  'DS',
  'a',
  'x',
  'y',
  'd',
  'p',
  'mind',
  'maxd',
  'e',
  'l',
];

export function readHhcrsp(path: string, name: string): HhcrspInstance {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  const sections = new Map<string, number[][]>();
  let current: number[][] | null = null;
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '') continue;
    if (SECTIONS.includes(line)) {
      current = [];
      sections.set(line, current);
      continue;
    }
    if (!current) throw new Error(`${name}: values before the first section name`);
    const row = line.split(/\s+/).map(Number);
    if (row.some((v) => !Number.isFinite(v))) throw new Error(`${name}: not a number in "${line}"`);
    current.push(row);
  }
  const get = (section: string): number[][] => {
    const rows = sections.get(section);
    if (!rows) throw new Error(`${name}: section "${section}" is missing`);
    return rows;
  };
  const scalar = (section: string): number => get(section)[0]![0]!;
  const vector = (section: string): number[] => get(section).flat();
  const nodes = scalar('nbNodes');
  const caregivers = scalar('nbVehi');
  const services = scalar('nbServi');
  const r = get('r');
  const p = get('p');
  const required = r.map((row) => row.flatMap((v, s) => (v === 1 ? [s] : [])));
  const duration = Array.from({ length: nodes }, (_, i) => p[i * caregivers]!);
  if (r.length !== nodes || get('d').length !== nodes || p.length !== nodes * caregivers) {
    throw new Error(`${name}: section sizes do not match nbNodes = ${nodes}, nbVehi = ${caregivers}`);
  }
  return {
    name,
    patients: nodes - 2,
    caregivers,
    services,
    required,
    qualified: get('a').map((row) => row.map((v) => v === 1)),
    distance: get('d'),
    duration,
    minDelay: vector('mind'),
    maxDelay: vector('maxd'),
    early: vector('e'),
    late: vector('l'),
  };
}

/** Job ids: `p<i>` for a patient served once (or together), `p<i>-s<type+1>` for a delayed pair. */
export function hhcrspToProblem(inst: HhcrspInstance): Problem {
  const n = inst.patients;
  // Node n+1 is the depot's copy: the solver's routes return to node 0.
  const size = n + 1;
  const d = inst.distance.slice(0, size).map((row) => row.slice(0, size));
  const skill = (s: number): string => `s${s + 1}`;
  const jobs: Job[] = [];
  const links: Link[] = [];
  for (let i = 1; i <= n; i++) {
    const types = inst.required[i]!;
    const windows = [{ start: inst.early[i]!, end: inst.late[i]! }];
    const base = { location: i, windows };
    if (types.length === 1) {
      const s = types[0]!;
      jobs.push({ id: `p${i}`, ...base, duration: inst.duration[i]![s]!, skills: [skill(s)] });
    } else if (types.length === 2 && inst.minDelay[i] === 0 && inst.maxDelay[i] === 0) {
      const [s1, s2] = types as [number, number];
      jobs.push({
        id: `p${i}`,
        ...base,
        duration: Math.max(inst.duration[i]![s1]!, inst.duration[i]![s2]!),
        technicians: 2,
        memberSkills: [[skill(s1)], [skill(s2)]],
      });
    } else if (types.length === 2) {
      const [s1, s2] = types as [number, number];
      const first = `p${i}-${skill(s1)}`;
      const second = `p${i}-${skill(s2)}`;
      jobs.push({ id: first, ...base, duration: inst.duration[i]![s1]!, skills: [skill(s1)] });
      jobs.push({ id: second, ...base, duration: inst.duration[i]![s2]!, skills: [skill(s2)] });
      links.push({
        kind: 'precedence',
        from: first,
        to: second,
        minDelay: inst.minDelay[i]!,
        maxDelay: inst.maxDelay[i]!,
      });
      links.push({ kind: 'different-technicians', jobs: [first, second] });
    } else {
      throw new Error(`${inst.name}: patient ${i} requires ${types.length} services, expected 1 or 2`);
    }
  }
  const horizon = 1e6;
  return {
    matrices: { durations: d, distances: d },
    jobs,
    technicians: inst.qualified.map((q, k) => ({
      id: `c${k + 1}`,
      start: 0,
      shift: { start: 0, end: horizon },
      skills: q.flatMap((ok, s) => (ok ? [skill(s)] : [])),
    })),
    links,
    objective: {
      travel: 'distance',
      softWindows: { maxLateness: horizon, costPerSecond: 1, maxCostPerSecond: 1 },
    },
  };
}
