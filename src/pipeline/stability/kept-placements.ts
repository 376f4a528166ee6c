/**
 * Stability between runs: work that Amazon holds exactly as the previous plan wrote it
 * (same appointment, same technicians) keeps its route and start, so a rerun with nothing
 * changed makes no calls, and new work is fitted around what buyers were already told.
 */
import type { Placement } from '../solve/build-problem.ts';
import type { PlannableJob } from '../read/normalise.ts';
import type { Plan } from '../write/plan.ts';

export function placementsToKeep(
  previous: Plan | undefined,
  jobs: readonly PlannableJob[],
): Map<string, Placement> {
  const keep = new Map<string, Placement>();
  if (previous === undefined) return keep;
  const planned = new Map(previous.appointments.map((a) => [a.serviceJobId, a]));
  const stops = new Map<string, { routeId: string; start: number }>();
  for (const r of previous.routes)
    for (const s of r.stops) stops.set(s.serviceJobId, { routeId: r.routeId, start: s.start });
  for (const j of jobs) {
    const current = j.activeAppointment;
    const before = planned.get(j.serviceJobId);
    const stop = stops.get(j.serviceJobId);
    if (current === undefined || before === undefined || stop === undefined || j.pin !== undefined) continue;
    const sameTime = current.start === before.time.start && current.durationMinutes === before.time.minutes;
    const sameTechnicians = [...current.technicianIds].sort().join(',') === before.technicianIds.join(',');
    if (sameTime && sameTechnicians) keep.set(j.serviceJobId, { routeId: stop.routeId, start: stop.start });
  }
  return keep;
}
