/**
 * Random problems with multi-day visits: a few people, each working some of two or three days
 * (one route per person and day worked, the person as the route's member), single jobs with
 * a window on one day, and long jobs cut into two or three parts linked by `consecutive-days`,
 * each part with its own window (any day, or a span of days). Skills sometimes limit who may
 * serve a job. Each person starts from their own home, so who is nearest differs by job.
 */
import fc from 'fast-check';
import type { Job, Link, Problem, Technician } from '../../../solver/problem.ts';
import { matricesFor } from './random-problem.ts';

const HOUR = 3600;
const DAY = 24 * HOUR;

export interface MultidayOptions {
  maxPeople?: number;
  maxDays?: number;
  maxSingles?: number;
  maxLong?: number;
}

const part = fc.record({
  duration: fc.integer({ min: 4, max: 9 }).map((q) => q * HOUR),
  /** null = any time of any day; else a window from day `from` 8:00 to day from+span 18:00. */
  window: fc.option(fc.record({ from: fc.nat({ max: 2 }), span: fc.nat({ max: 1 }) }), { freq: 3 }),
});

export function multidayProblem(options: MultidayOptions = {}): fc.Arbitrary<Problem> {
  const maxPeople = options.maxPeople ?? 3;
  const maxDays = options.maxDays ?? 3;
  const maxSingles = options.maxSingles ?? 3;
  const maxLong = options.maxLong ?? 2;
  const places = maxSingles + maxLong + maxPeople;
  return fc
    .record({
      days: fc.integer({ min: 2, max: maxDays }),
      people: fc.array(
        fc.record({
          works: fc.array(fc.constantFrom(true, true, true, false), { minLength: 3, maxLength: 3 }),
          elec: fc.constantFrom(true, true, true, false),
        }),
        { minLength: 1, maxLength: maxPeople },
      ),
      singles: fc.array(
        fc.record({
          day: fc.nat({ max: 2 }),
          start: fc.integer({ min: 8, max: 14 }),
          duration: fc.integer({ min: 1, max: 6 }).map((q) => q * HOUR),
        }),
        { maxLength: maxSingles },
      ),
      long: fc.array(
        fc.record({
          parts: fc.array(part, { minLength: 2, maxLength: 3 }),
          elec: fc.constantFrom(true, false, false, false),
        }),
        { minLength: 1, maxLength: maxLong },
      ),
      points: fc.array(
        fc.record({ x: fc.integer({ min: 0, max: 40 }), y: fc.integer({ min: 0, max: 40 }) }),
        { minLength: places, maxLength: places },
      ),
    })
    .map(({ days, people, singles, long, points }) => {
      const technicians: Technician[] = [];
      people.forEach((person, p) => {
        for (let d = 0; d < days; d++) {
          if (!person.works[d]) continue;
          technicians.push({
            id: `p${p}-d${d}`,
            members: [`p${p}`],
            start: p,
            shift: { start: d * DAY + 8 * HOUR, end: d * DAY + 18 * HOUR },
            ...(person.elec ? { skills: ['elec'] } : {}),
          });
        }
      });
      if (technicians.length === 0) {
        technicians.push({
          id: 'p0-d0',
          members: ['p0'],
          start: 0,
          shift: { start: 8 * HOUR, end: 18 * HOUR },
        });
      }
      const jobs: Job[] = [];
      const links: Link[] = [];
      let place = maxPeople;
      singles.forEach((s, i) => {
        const day = s.day % days;
        const open = day * DAY + s.start * HOUR;
        jobs.push({
          id: `s${i}`,
          location: place++,
          duration: s.duration,
          windows: [{ start: open, end: open + 2 * HOUR }],
        });
      });
      long.forEach((l, i) => {
        // A chain has at most one part per day of the horizon.
        const ids = l.parts.slice(0, days).map((p, k) => {
          const id = `L${i}.${k + 1}`;
          const from = p.window ? Math.min(p.window.from, days - 1) : 0;
          const to = p.window ? Math.min(from + p.window.span, days - 1) : 0;
          jobs.push({
            id,
            location: place,
            duration: p.duration,
            ...(p.window ? { windows: [{ start: from * DAY + 8 * HOUR, end: to * DAY + 18 * HOUR }] } : {}),
            ...(l.elec ? { skills: ['elec'] } : {}),
          });
          return id;
        });
        place++;
        links.push({ kind: 'consecutive-days', jobs: ids });
      });
      const problem: Problem = {
        matrices: matricesFor(points),
        jobs,
        technicians,
        links,
        objective: { travel: 'duration' },
      };
      return problem;
    });
}
