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
const DAY = 24 * H;

/** ann works Monday and Wednesday, bob Monday and Tuesday; a two-day install only ann may do. */
function twoDayInstall(): Problem {
  const shift = (person: string, day: number): Problem['technicians'][number] => ({
    id: `${person}-${day}`,
    members: [person],
    start: 0,
    shift: { start: day * DAY + 8 * H, end: day * DAY + 17 * H },
    skills: person === 'ann' ? ['HVAC_INSTALL'] : [],
  });
  return {
    matrices: { durations: [0, 900, 900].map((_, a) => [0, 900, 900].map((d, b) => (a === b ? 0 : d))) },
    technicians: [shift('ann', 0), shift('ann', 2), shift('bob', 0), shift('bob', 1)],
    jobs: [
      { id: 'install.1', location: 1, duration: 8 * H, skills: ['HVAC_INSTALL'] },
      { id: 'install.2', location: 1, duration: 6 * H, skills: ['HVAC_INSTALL'] },
      { id: 'repair', location: 2, duration: 2 * H },
    ],
    links: [{ kind: 'consecutive-days', jobs: ['install.1', 'install.2'] }],
    objective: { travel: 'duration' },
  };
}

describe('fieldplan solve with a multi-day visit', () => {
  it("serves both parts on ann's consecutive working days (Monday, then Wednesday)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fieldplan-days-'));
    const file = join(dir, 'problem.json');
    const problem = twoDayInstall();
    writeFileSync(file, JSON.stringify(problem));
    const { stdout } = await run(process.execPath, [bin, 'solve', file, '--seconds', '0.3', '--seed', '1'], {
      timeout: 60_000,
    });
    const solution = JSON.parse(stdout) as Solution;
    expect(checkSolution(problem, solution).violations).toEqual([]);
    expect(solution.unassigned).toEqual([]);
    const routeOf = (job: string): string | undefined =>
      solution.routes.find((r) => r.visits.some((v) => v.job === job))?.technician;
    expect([routeOf('install.1'), routeOf('install.2')]).toEqual(['ann-0', 'ann-2']);
  });
});
