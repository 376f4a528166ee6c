import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBks, parseRouteFile, readBks } from '../../bench/vrptw/bks.ts';
import {
  dimacsArc,
  parseVrptw,
  readVrptw,
  UNITS_PER_DISTANCE,
  vrptwToProblem,
} from '../../bench/vrptw/instance.ts';
import { findBenchData } from '../../bench/paths.ts';
import { checkSolution } from '../../solver/checker.ts';
import type { Solution } from '../../solver/solution.ts';
import type { Problem } from '../../solver/problem.ts';
import { timeRoute } from '../solver/support/timeline.ts';

const SMALL = [
  'tiny',
  '',
  'VEHICLE',
  'NUMBER     CAPACITY',
  '  2         10',
  '',
  'CUSTOMER',
  'CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME',
  ' ',
  '    0      0         0          0          0       1000          0   ',
  '    7      3         4          5          0        100         10   ',
  '    9      1         1          6         50        60          0   ',
].join('\r\n');

/** Times a list of customer routes (customer numbers) into a Solution for the checker. */
function solutionFromCustomerRoutes(problem: Problem, routes: number[][]): Solution {
  const timed = routes.map((customers, k) => {
    const technician = problem.technicians[k];
    if (!technician) throw new Error(`route ${k + 1} has no vehicle`);
    const route = timeRoute(problem, technician, customers.map(String));
    if (!route) throw new Error(`route ${k + 1} cannot be timed`);
    return route;
  });
  const routed = new Set(routes.flat().map(String));
  return {
    routes: timed,
    unassigned: problem.jobs
      .filter((j) => !routed.has(j.id))
      .map((j) => ({ job: j.id, reason: 'DISPLACED' })),
    cost: { total: 0, unassigned: 0, lateness: 0, travel: 0, work: 0, overtime: 0, fixed: 0 },
    stats: { iterations: 0, seed: 0 },
  };
}

describe('Solomon format reader', () => {
  it('reads the fleet, the depot and customers with their numbers', () => {
    const instance = parseVrptw(SMALL, 'tiny.txt');
    expect(instance).toMatchObject({ name: 'tiny', vehicles: 2, capacity: 10 });
    expect(instance.nodes.map((n) => n.id)).toEqual([0, 7, 9]);
    const problem = vrptwToProblem(instance);
    expect(problem.technicians).toHaveLength(2);
    expect(problem.technicians[0]).toMatchObject({
      start: 0,
      end: 0,
      shift: { start: 0, end: 10000 },
      capacity: [10],
    });
    expect(problem.jobs.map((j) => j.id)).toEqual(['7', '9']);
    expect(problem.jobs[0]).toMatchObject({
      location: 1,
      duration: 100,
      windows: [{ start: 0, end: 1000 }],
      load: [5],
    });
    // 3-4-5 triangle is exact; sqrt(2) = 1.414.. truncates to 1.4
    expect(problem.matrices.durations[0]?.[1]).toBe(50);
    expect(problem.matrices.durations[0]?.[2]).toBe(14);
    expect(dimacsArc(instance.nodes[1]!, instance.nodes[2]!)).toBe(36); // sqrt(13) = 3.605..
  });

  it('names the file and the line of a malformed row', () => {
    expect(() => parseVrptw(SMALL.replace('    9      1         1', '    9      1'), 'bad.txt')).toThrow(
      /bad\.txt: line 12: expected 7 numbers/,
    );
    expect(() => parseVrptw('x\r\nCUSTOMER\r\n', 'nofleet.txt')).toThrow(
      /nofleet\.txt: expected a VEHICLE block/,
    );
  });

  it('reads bks.csv and route files', () => {
    const bks = parseBks(
      'instance,vehicles_hier,distance_hier,distance_min,source\nC101,10,828.9369,827.3,hier:x; min:optimal\n',
    );
    expect(bks.get('C101')).toEqual({
      instance: 'C101',
      vehiclesHier: 10,
      distanceHier: 828.9369,
      distanceMin: 827.3,
      source: 'hier:x; min:optimal',
    });
    expect(() => parseBks('instance,distance_min\nC1,1\n')).toThrow(/missing column "vehicles_hier"/);
    const routes = parseRouteFile('Route #1: 5 3 7\r\nRoute #2: 13\r\nCost 827.3\r\n');
    expect(routes).toEqual({ routes: [[5, 3, 7], [13]], cost: 827.3 });
  });
});

const data = findBenchData();
if (!data) console.warn('../shared/bench is absent: skipping the checks against the published instances');

describe.skipIf(!data)('published instances and best-known min-distance routes', () => {
  for (const set of ['solomon', 'homberger']) {
    it(`${set}: every best-known route set is feasible under the checker and costs distance_min`, () => {
      const dir = join(data as string, set);
      const bks = readBks(join(dir, 'bks.csv'));
      const files = readdirSync(dir).filter((f) => f.endsWith('.txt') && f !== 'README.md');
      expect(files.length).toBe(set === 'solomon' ? 56 : 66);
      for (const file of files) {
        const name = file.replace(/\.txt$/, '');
        const instance = readVrptw(join(dir, file));
        const problem = vrptwToProblem(instance);
        const best = parseRouteFile(readFileSync(join(dir, 'solutions', 'min', `${name}.sol`), 'utf8'));
        const report = checkSolution(problem, solutionFromCustomerRoutes(problem, best.routes));
        expect(report.violations, name).toEqual([]);
        expect(report.totals.unassigned, name).toBe(0);
        const distance = report.totals.travelDistance / UNITS_PER_DISTANCE;
        expect(distance, name).toBeCloseTo(bks.get(name)?.distanceMin ?? NaN, 6);
      }
    });
  }

  it('the checker rejects a best-known route set served late or overloaded', () => {
    const dir = join(data as string, 'solomon');
    const problem = vrptwToProblem(readVrptw(join(dir, 'C101.txt')));
    const best = parseRouteFile(readFileSync(join(dir, 'solutions', 'min', 'C101.sol'), 'utf8'));
    const solution = solutionFromCustomerRoutes(problem, best.routes);
    const visit = solution.routes[0]!.visits[0]!;
    const due = problem.jobs.find((j) => j.id === visit.job)!.windows![0]!.end;
    const shift = due + 10 - visit.start;
    Object.assign(visit, {
      start: visit.start + shift,
      end: visit.end + shift,
      waiting: visit.waiting + shift,
    });
    expect(checkSolution(problem, solution).violations.map((v) => v.code)).toContain('WINDOW_MISSED');

    const merged = solutionFromCustomerRoutes(problem, best.routes);
    const lighter = { ...problem, technicians: problem.technicians.map((t) => ({ ...t, capacity: [100] })) };
    expect(checkSolution(lighter, merged).violations.map((v) => v.code)).toContain('CAPACITY_EXCEEDED');
  });
});
