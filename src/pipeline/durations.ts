/** Service time per technician: the config's per-skill speed factors (the slowest applicable one governs). */
import type { PlanningSetup } from './setup.ts';

export function durationFactorFor(
  setup: PlanningSetup,
  technicianIds: readonly string[],
  skills: readonly string[],
): number {
  let factor = 1;
  let any = false;
  for (const id of technicianIds) {
    const table = setup.rules.skillDurationFactor[id];
    if (table === undefined) continue;
    const fs = skills.map((s) => table[s]).filter((f): f is number => f !== undefined);
    if (fs.length === 0) continue;
    const f = Math.max(...fs);
    factor = any ? Math.max(factor, f) : f;
    any = true;
  }
  return factor;
}
