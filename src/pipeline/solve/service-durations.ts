/**
 * Service time per technician: the config's per-skill speed factors (the slowest applicable one
 * governs), a technician's own factor first, else the factor of their level in the skill.
 */
import type { PlanningSetup } from '../setup/planning-setup.ts';

/** Factor of a technician's level in a skill: the entry for the highest level ≤ theirs. */
function levelFactor(setup: PlanningSetup, id: string, skill: string): number | undefined {
  const table = setup.rules.skillLevelDurationFactor?.[skill];
  if (table === undefined) return undefined;
  const t = setup.technicians.find((x) => x.technicianId === id);
  if (t === undefined) return undefined;
  const level = t.skillLevels?.[skill] ?? (t.skills.includes(skill) ? 1 : 0);
  let best: number | undefined;
  let bestLevel = 0;
  for (const [key, f] of Object.entries(table)) {
    const l = Number(key);
    if (l <= level && l > bestLevel) {
      best = f;
      bestLevel = l;
    }
  }
  return best;
}

export function durationFactorFor(
  setup: PlanningSetup,
  technicianIds: readonly string[],
  skills: readonly string[],
): number {
  let factor = 1;
  let any = false;
  for (const id of technicianIds) {
    const table = setup.rules.skillDurationFactor[id];
    const fs = skills
      .map((s) => table?.[s] ?? levelFactor(setup, id, s))
      .filter((f): f is number => f !== undefined);
    if (fs.length === 0) continue;
    const f = Math.max(...fs);
    factor = any ? Math.max(factor, f) : f;
    any = true;
  }
  return factor;
}
