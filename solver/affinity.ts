/**
 * Technician affinity and skill levels, as the compiled problem reads them: whether a route's
 * team has a job's skills at the levels it needs, whether its people are permitted (required and
 * excluded technicians), and what it pays for missing the preferred ones.
 */
import type { Job, Technician } from './problem.ts';

/** People of a route: its members, or the route id itself. */
export function routePeople(tech: Technician): readonly string[] {
  return tech.members ?? [tech.id];
}

/** Level of each skill a route has (skills without a level are level 1). */
export function routeSkillLevels(tech: Technician): Map<string, number> {
  const levels = new Map<string, number>();
  for (const s of tech.skills ?? []) levels.set(s, 1);
  for (const [s, level] of Object.entries(tech.skillLevels ?? {})) levels.set(s, level);
  return levels;
}

/** Whether a route with these skill levels has every skill of the job, at the minimum levels. */
export function hasSkills(job: Job, levels: ReadonlyMap<string, number>): boolean {
  for (const s of job.skills ?? []) if (!levels.has(s)) return false;
  for (const [s, min] of Object.entries(job.skillLevels ?? {})) if ((levels.get(s) ?? 0) < min) return false;
  return true;
}

/** Whether the route's people may serve the job (required: one listed; excluded: none listed). */
export function permitted(job: Job, people: readonly string[]): boolean {
  const required = job.requiredTechnicians;
  if (required !== undefined && !people.some((p) => required.includes(p))) return false;
  const excluded = job.excludedTechnicians;
  if (excluded !== undefined && people.some((p) => excluded.includes(p))) return false;
  return true;
}

/** Cost of the route serving the job: largest preferred weight minus the largest one it has. */
export function preferenceCost(job: Job, people: readonly string[]): number {
  const preferred = job.preferredTechnicians;
  if (preferred === undefined || preferred.length === 0) return 0;
  let top = 0;
  let had = 0;
  for (const p of preferred) {
    top = Math.max(top, p.weight);
    if (people.includes(p.technician)) had = Math.max(had, p.weight);
  }
  return top - had;
}

/** Largest preference cost any route can pay for the job (bounds the unassigned penalty). */
export function maxPreferenceCost(job: Job): number {
  let top = 0;
  for (const p of job.preferredTechnicians ?? []) top = Math.max(top, p.weight);
  return top;
}
