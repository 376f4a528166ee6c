import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hhcrspObjective } from '../../bench/hhcrsp/run.ts';
import { hhcrspToProblem, readHhcrsp } from '../../bench/hhcrsp/instance.ts';
import { checkSolution } from '../../solver/checker.ts';
import type { Problem } from '../../solver/problem.ts';
import type { Route, Solution } from '../../solver/solution.ts';

const dir = join(import.meta.dirname, '..', '..', '..', 'shared', 'bench', 'hhcrsp');
const present = existsSync(dir);
if (!present) console.log(`hhcrsp data not found at ${dir}: mapping test skipped`);

interface Published {
  routes: {
    caregiver_id: string;
    locations?: { patient: string; service: string; arrival_time: number }[];
  }[];
}

/** A published route file as a Solution: its service starts, everything else derived. */
function asSolution(problem: Problem, published: Published): Solution {
  const ids = new Set(problem.jobs.map((j) => j.id));
  const d = problem.matrices.durations;
  const routes: Route[] = published.routes.map((r) => {
    let at = 0;
    let clock = 0;
    let travel = 0;
    let waiting = 0;
    let service = 0;
    const visits = (r.locations ?? []).map((l) => {
      const node = Number(l.patient.slice(1));
      const split = `${l.patient}-${l.service}`;
      const job = problem.jobs.find((j) => j.id === (ids.has(split) ? split : l.patient))!;
      const arrival = clock + d[at]![node]!;
      travel += d[at]![node]!;
      const start = Math.max(arrival, l.arrival_time);
      const w = job.windows![0]!;
      waiting += start - arrival;
      service += job.duration;
      clock = start + job.duration;
      at = node;
      return {
        job: job.id,
        arrival,
        start,
        end: clock,
        waiting: start - arrival,
        lateness: Math.max(0, start - w.end),
      };
    });
    if (visits.length > 0) travel += d[at]![0]!;
    const end = visits.length > 0 ? clock + d[at]![0]! : 0;
    return {
      technician: r.caregiver_id,
      visits,
      breaks: [],
      start: 0,
      end,
      travelDuration: travel,
      travelDistance: travel,
      serviceDuration: service,
      waitingDuration: waiting,
      overtime: 0,
      load: [],
    };
  });
  const zero = { total: 0, unassigned: 0, lateness: 0, travel: 0, work: 0, overtime: 0, fixed: 0 };
  return { routes, unassigned: [], cost: zero, stats: { iterations: 0, seed: 0 } };
}

describe.skipIf(!present)('HHCRSP instances as solver problems', () => {
  it('accept the published reference routes, which reproduce the published objective', () => {
    const bks = new Map(
      readFileSync(join(dir, 'bks.csv'), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(','))
        .map((f) => [f[0]!, Number(f[13])]),
    );
    const files = readdirSync(join(dir, 'solutions')).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const name = /^sol-(.*)-\d+\.json$/.exec(file)![1]!;
      const problem = hhcrspToProblem(readHhcrsp(join(dir, `${name}.txt`), name));
      const published = JSON.parse(readFileSync(join(dir, 'solutions', file), 'utf8')) as Published;
      const solution = asSolution(problem, published);
      // The published times carry 3 decimals.
      expect(checkSolution(problem, solution, { tolerance: 2e-3 }).violations, name).toEqual([]);
      expect(hhcrspObjective(solution).objective, name).toBeCloseTo(bks.get(name)!, 1);
    }
  });
});
