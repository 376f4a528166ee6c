/**
 * Random problems with linked visits: jobs needing two or three people (sometimes with
 * per-member skills), precedence with delays, same- and different-technician links, on
 * solo technicians with windows, breaks, skills and sometimes soft windows.
 */
import fc from 'fast-check';
import type { Job, Link, Problem, Technician } from '../../../solver/problem.ts';
import { matricesFor } from './random-problem.ts';

const HOUR = 3600;

export interface LinkedOptions {
  maxJobs?: number;
  maxTechnicians?: number;
  /** Hard windows only, no breaks (for the exhaustive comparison). */
  simple?: boolean;
}

export function linkedProblem(options: LinkedOptions = {}): fc.Arbitrary<Problem> {
  const maxJobs = options.maxJobs ?? 8;
  const maxTechs = options.maxTechnicians ?? 4;
  const simple = options.simple ?? false;
  return fc
    .record({
      jobs: fc.array(
        fc.record({
          duration: fc.integer({ min: 1, max: 6 }).map((q) => q * 15 * 60),
          window: fc.option(
            fc.record({ start: fc.integer({ min: 8, max: 15 }), length: fc.integer({ min: 1, max: 4 }) }),
          ),
          team: fc.constantFrom(1, 1, 1, 2, 2, 3),
          skill: fc.constantFrom(undefined, undefined, 'elec'),
          memberSkill: fc.boolean(),
        }),
        { minLength: 1, maxLength: maxJobs },
      ),
      links: fc.array(
        fc.record({
          kind: fc.constantFrom('precedence', 'precedence', 'same-technician', 'different-technicians'),
          a: fc.nat(),
          b: fc.nat(),
          minDelay: fc.integer({ min: 0, max: 4 }).map((q) => q * 30 * 60),
          slack: fc.option(fc.integer({ min: 0, max: 4 }).map((q) => q * 30 * 60)),
        }),
        { maxLength: 3 },
      ),
      technicians: fc.array(
        fc.record({
          elec: fc.boolean(),
          helper: fc.boolean(),
          lunch: fc.boolean(),
          shiftEnd: fc.integer({ min: 14, max: 19 }),
        }),
        { minLength: 1, maxLength: maxTechs },
      ),
      soft: fc.boolean(),
      points: fc.array(
        fc.record({ x: fc.integer({ min: 0, max: 60 }), y: fc.integer({ min: 0, max: 60 }) }),
        {
          minLength: maxJobs + maxTechs,
          maxLength: maxJobs + maxTechs,
        },
      ),
    })
    .map(({ jobs, links, technicians, soft, points }) => {
      const jobList: Job[] = jobs.map((j, i) => ({
        id: `j${i}`,
        location: i,
        duration: j.duration,
        ...(j.window
          ? { windows: [{ start: j.window.start * HOUR, end: (j.window.start + j.window.length) * HOUR }] }
          : {}),
        ...(j.skill ? { skills: [j.skill] } : {}),
        ...(j.team > 1 ? { technicians: j.team } : {}),
        ...(j.team > 1 && j.memberSkill
          ? { memberSkills: Array.from({ length: j.team }, (_, k) => (k === 0 ? [] : ['helper'])) }
          : {}),
      }));
      const linkList: Link[] = [];
      const seen = new Set<string>();
      for (const l of links) {
        const a = jobList[l.a % jobList.length]!;
        const b = jobList[l.b % jobList.length]!;
        const key = [a.id, b.id].sort().join();
        if (a === b || seen.has(key)) continue;
        seen.add(key);
        if (l.kind === 'precedence') {
          linkList.push({
            kind: 'precedence',
            from: a.id,
            to: b.id,
            minDelay: l.minDelay,
            ...(l.slack !== null ? { maxDelay: l.minDelay + l.slack } : {}),
          });
        } else if (l.kind === 'same-technician') {
          if ((a.technicians ?? 1) === 1 && (b.technicians ?? 1) === 1)
            linkList.push({ kind: 'same-technician', jobs: [a.id, b.id] });
        } else {
          linkList.push({ kind: 'different-technicians', jobs: [a.id, b.id] });
        }
      }
      const techList: Technician[] = technicians.map((t, k) => {
        const skills = [...(t.elec ? ['elec'] : []), ...(t.helper ? ['helper'] : [])];
        return {
          id: `t${k}`,
          start: maxJobs + k,
          shift: { start: 8 * HOUR, end: t.shiftEnd * HOUR },
          ...(skills.length > 0 ? { skills } : {}),
          ...(t.lunch && !simple
            ? { breaks: [{ id: `lunch${k}`, duration: 1800, window: { start: 12 * HOUR, end: 13 * HOUR } }] }
            : {}),
        };
      });
      const problem: Problem = {
        matrices: matricesFor(points),
        jobs: jobList,
        technicians: techList,
        ...(linkList.length > 0 ? { links: linkList } : {}),
        objective: {
          travel: 'duration' as const,
          ...(soft && !simple
            ? { softWindows: { maxLateness: 2 * HOUR, costPerSecond: 0.1, maxCostPerSecond: 0.2 } }
            : {}),
        },
      };
      return problem;
    });
}
