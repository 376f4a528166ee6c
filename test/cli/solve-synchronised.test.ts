import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkSolution } from '../../solver/checker.ts';
import type { Problem } from '../../solver/problem.ts';
import type { Solution } from '../../solver/solution.ts';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', '..', 'bin', 'fieldplan.js');
const H = 3600;

/**
 * Two solo technicians from their own homes (0 and 1), each with a morning and an afternoon
 * job near home, and one job at midday (location 6, between both) that needs both of them.
 */
function twoPersonDay(): Problem {
  const x = [0, 40, 2, 38, 3, 37, 20];
  const durations = x.map((a) => x.map((b) => Math.abs(a - b) * 60));
  const morning = { start: 8 * H, end: 10 * H };
  const afternoon = { start: 14 * H, end: 16 * H };
  return {
    matrices: { durations },
    technicians: [
      { id: 'ann', start: 0, shift: { start: 8 * H, end: 18 * H }, skills: ['HVAC'] },
      { id: 'bob', start: 1, shift: { start: 8 * H, end: 18 * H }, skills: ['HVAC'] },
    ],
    jobs: [
      { id: 'ann-morning', location: 2, duration: 2 * H, windows: [morning] },
      { id: 'bob-morning', location: 3, duration: 2 * H, windows: [morning] },
      { id: 'ann-afternoon', location: 4, duration: 2 * H, windows: [afternoon] },
      { id: 'bob-afternoon', location: 5, duration: 2 * H, windows: [afternoon] },
      {
        id: 'hvac-install',
        location: 6,
        duration: 90 * 60,
        skills: ['HVAC'],
        technicians: 2,
        windows: [{ start: 11 * H, end: 13 * H }],
      },
    ],
    objective: { travel: 'duration' },
  };
}

describe('fieldplan solve with a two-person job', () => {
  it('serves every job, the two-person job on both routes with the same start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fieldplan-sync-'));
    const file = join(dir, 'problem.json');
    const problem = twoPersonDay();
    writeFileSync(file, JSON.stringify(problem));
    const { stdout } = await run(process.execPath, [bin, 'solve', file, '--seconds', '0.3', '--seed', '1'], {
      timeout: 60_000,
    });
    const solution = JSON.parse(stdout) as Solution;
    expect(checkSolution(problem, solution).violations).toEqual([]);
    expect(solution.unassigned).toEqual([]);
    const install = solution.routes.flatMap((r) =>
      r.visits
        .filter((v) => v.job === 'hvac-install')
        .map((v) => ({ technician: r.technician, start: v.start })),
    );
    expect(install.map((v) => v.technician).sort()).toEqual(['ann', 'bob']);
    expect(install[0]!.start).toBe(install[1]!.start);
    for (const route of solution.routes) {
      expect(route.visits.map((v) => v.job)).toEqual([
        `${route.technician}-morning`,
        'hvac-install',
        `${route.technician}-afternoon`,
      ]);
    }
  });
});
