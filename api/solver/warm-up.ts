/**
 * A small made-up day the pool solves once when a server starts, so that the worker thread's
 * first real plan runs compiled code: a cold thread compiles, builds its first plan and
 * searches several times slower than a warm one, which a large optimize-today's first call
 * would otherwise pay inside its budget. The day has what the pipeline's problems have:
 * windows, skills, lunch breaks, two-person jobs, pins and a plan to start from.
 */
import type { Problem } from '../../solver/problem.ts';
import { Random } from '../../solver/random.ts';
import type { StartRoute } from '../../solver/solution.ts';

const HOUR = 3600;
const JOBS = 60;
const TECHNICIANS = 6;
const SKILLS = ['a', 'b', 'c'];

/** The same day every time (the solver's seeded generator, a fixed seed, no clock). */
export function warmUpDay(): { problem: Problem; start: StartRoute[] } {
  const random = new Random(12345);
  const next = (): number => random.next();
  const points = Array.from({ length: JOBS + TECHNICIANS }, () => ({ x: next() * 40, y: next() * 40 }));
  const durations = points.map((a) => points.map((b) => Math.round(Math.hypot(a.x - b.x, a.y - b.y) * 60)));
  const distances = points.map((a) => points.map((b) => Math.round(Math.hypot(a.x - b.x, a.y - b.y) * 900)));
  const jobs: Problem['jobs'] = Array.from({ length: JOBS }, (_, j) => {
    const opens = 8 + Math.floor(next() * 8);
    return {
      id: `j${j}`,
      location: TECHNICIANS + j,
      duration: (1 + Math.floor(next() * 6)) * 15 * 60,
      windows: [{ start: opens * HOUR, end: (opens + 2 + Math.floor(next() * 3)) * HOUR }],
      skills: next() < 0.5 ? [SKILLS[j % SKILLS.length]!] : [],
      priority: 1 + Math.floor(next() * 3),
      ...(j % 17 === 0 ? { technicians: 2 } : {}),
      ...(j % 23 === 5 ? { pin: { technician: `t${j % TECHNICIANS}` } } : {}),
    };
  });
  const technicians: Problem['technicians'] = Array.from({ length: TECHNICIANS }, (_, t) => ({
    id: `t${t}`,
    start: t,
    end: t,
    shift: { start: 8 * HOUR, end: 17 * HOUR },
    breaks: [{ duration: 30 * 60, window: { start: 11 * HOUR, end: 14 * HOUR } }],
    skills: SKILLS.filter((_, s) => (t + s) % 2 === 0),
  }));
  // A plan in force to start from, as a re-plan has: each technician's first unpinned jobs it can do.
  const start: StartRoute[] = technicians.map((tech) => ({
    technician: tech.id,
    jobs: jobs
      .filter((job, j) => j % TECHNICIANS === Number(tech.id.slice(1)) && job.pin === undefined)
      .filter((job) => (job.skills ?? []).every((s) => tech.skills?.includes(s) === true))
      .filter((job) => job.technicians === undefined)
      .slice(0, 3)
      .map((job) => job.id),
  }));
  return { problem: { matrices: { durations, distances }, jobs, technicians }, start };
}
