import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkSolution } from '../../solver/checker.ts';
import { solve } from '../../solver/index.ts';
import { generateFieldServiceDay, seededRandom } from '../../bench/fieldservice/generate.ts';
import { instanceClass, matchesFilter, summarize } from '../../bench/vrptw/run.ts';
import type { InstanceResult } from '../../bench/vrptw/run.ts';

const result = (instance: string, gap: number | null, seconds = 1): InstanceResult => ({
  instance,
  class: instanceClass(instance),
  routes: [],
  distance: gap === null ? null : 100,
  bks: 100,
  gap,
  seconds,
  seed: 1,
  iterations: 0,
  vehicles: 0,
  failures: gap === null ? ['1 customers unserved'] : [],
});

describe('VRPTW benchmark bookkeeping', () => {
  it('classifies Solomon and Gehring & Homberger names', () => {
    expect(
      ['C101', 'C205', 'R112', 'R211', 'RC105', 'RC208', 'C1_2_1', 'RC2_10_1'].map(instanceClass),
    ).toEqual(['C1', 'C2', 'R1', 'R2', 'RC1', 'RC2', 'C1', 'RC2']);
  });

  it('filters instances by name and wildcard', () => {
    expect(matchesFilter('R201', 'C101,R2*')).toBe(true);
    expect(matchesFilter('RC201', 'C101,R2*')).toBe(false);
    expect(matchesFilter('c101', 'C101')).toBe(true);
    expect(matchesFilter('C1_2_1', undefined)).toBe(true);
  });

  it('counts failed runs as failed, never as a gap', () => {
    const summary = summarize([
      result('C101', 0),
      result('R101', 2),
      result('R102', null, 3),
      result('RC101', 0.004),
    ]);
    expect(summary).toMatchObject({ instances: 4, failed: 1, atBks: 2, worstGap: 2, worstInstance: 'R101' });
    expect(summary.meanGap).toBeCloseTo((0 + 2 + 0.004) / 3, 9);
    expect(summary.classMeanGap).toMatchObject({ C1: 0, R1: 2, RC1: 0.004, C2: null });
    expect(summary.meanSeconds).toBeCloseTo(1.5, 9);
  });

  it('says so and exits 0 when the benchmark data is absent', async () => {
    const main = join(import.meta.dirname, '..', '..', 'bench', 'main.ts');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', main, 'solomon', '--data', '/nonexistent/bench'],
      { timeout: 60_000 },
    );
    expect(stdout).toMatch(/benchmark data not found at \/nonexistent\/bench/);
  });
});

describe('field-service day generator', () => {
  it('is reproducible for a seed and differs across seeds', () => {
    const a = generateFieldServiceDay({ jobs: 40, seed: 3 });
    const b = generateFieldServiceDay({ jobs: 40, seed: 3 });
    const c = generateFieldServiceDay({ jobs: 40, seed: 4 });
    expect(b.problem).toEqual(a.problem);
    expect(c.problem).not.toEqual(a.problem);
    expect(seededRandom(1)()).toBe(seededRandom(1)());
  });

  it('builds a metro day with the documented shape that the solver plans feasibly', () => {
    const { problem, coordinates } = generateFieldServiceDay({ jobs: 64, seed: 1 });
    expect(problem.technicians).toHaveLength(4);
    expect(problem.matrices.durations).toHaveLength(68);
    for (const [lat, lon] of coordinates) {
      expect(lat).toBeGreaterThan(32);
      expect(lat).toBeLessThan(33.8);
      expect(lon).toBeGreaterThan(-97.6);
      expect(lon).toBeLessThan(-96.2);
    }
    for (const job of problem.jobs) {
      expect(job.windows!.length).toBeGreaterThanOrEqual(1);
      expect(job.windows!.length).toBeLessThanOrEqual(3);
      expect(job.duration).toBeGreaterThanOrEqual(1800);
      expect(job.duration).toBeLessThanOrEqual(10800);
      expect(job.skills!.length).toBeGreaterThanOrEqual(1);
    }
    for (const t of problem.technicians) {
      const hours = (t.shift.end - t.shift.start) / 3600;
      expect(hours).toBeGreaterThanOrEqual(8);
      expect(hours).toBeLessThanOrEqual(10);
      expect(t.breaks).toHaveLength(1);
    }
    const solution = solve(problem, { seed: 1, maxIterations: 30 });
    expect(checkSolution(problem, solution).violations).toEqual([]);
    expect(solution.routes.some((r) => r.visits.length > 0)).toBe(true);
  });
});
