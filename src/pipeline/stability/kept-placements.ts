/**
 * Stability between runs: work that Amazon holds exactly as the previous plan wrote it
 * (same appointment, same technicians) keeps its route and start, so a rerun with nothing
 * changed makes no calls, and new work is fitted around what buyers were already told.
 */
import type { Placement } from '../solve/build-problem.ts';
import { partId } from '../solve/multi-day.ts';
import type { PlannableJob } from '../read/normalise.ts';
import type { Plan } from '../write/plan.ts';

export function placementsToKeep(
  previous: Plan | undefined,
  jobs: readonly PlannableJob[],
): Map<string, Placement> {
  const keep = new Map<string, Placement>();
  if (previous === undefined) return keep;
  const planned = new Map(previous.appointments.map((a) => [a.serviceJobId, a]));
  // A multi-day visit's later days are stops of their own part (multi-day.ts), kept with it.
  const stops = new Map<string, { routeId: string; start: number }>();
  const parts = new Map<string, [string, Placement][]>();
  for (const r of previous.routes)
    for (const s of r.stops) {
      const at = { routeId: r.routeId, start: s.start };
      if (s.part === undefined) stops.set(s.serviceJobId, at);
      else
        parts.set(s.serviceJobId, [
          ...(parts.get(s.serviceJobId) ?? []),
          [partId(s.serviceJobId, s.part), at],
        ]);
    }
  for (const j of jobs) {
    const current = j.activeAppointment;
    const before = planned.get(j.serviceJobId);
    const stop = stops.get(j.serviceJobId);
    if (current === undefined || before === undefined || stop === undefined || j.pin !== undefined) continue;
    const sameTime = current.start === before.time.start && current.durationMinutes === before.time.minutes;
    const sameTechnicians = [...current.technicianIds].sort().join(',') === before.technicianIds.join(',');
    if (!sameTime || !sameTechnicians) continue;
    keep.set(j.serviceJobId, { routeId: stop.routeId, start: stop.start });
    for (const [id, at] of parts.get(j.serviceJobId) ?? []) keep.set(id, at);
  }
  return keep;
}
