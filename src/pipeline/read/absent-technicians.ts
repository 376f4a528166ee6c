/**
 * Technicians who are out for the day (called in sick): their work goes to the others.
 * A visit of theirs already started stays as it was (it is history, not planned again); a
 * later one loses its pin and its technician preference, so the solver gives it to another
 * technician at the same time (or, when it may move, in another window), or leaves it out
 * with its reason. Pure: the clock (`now`) is passed in.
 */
import type { PlanningIssue } from '../issues.ts';
import type { PlannableJob } from './normalise.ts';
import type { PlanningSetup } from '../setup/planning-setup.ts';

export interface ReleaseResult {
  jobs: PlannableJob[];
  /** Visits of an unavailable technician already under way at `now`: left as they are. */
  startedIds: string[];
  /** Jobs that were with an unavailable technician and are now to be redistributed. */
  releasedIds: string[];
  issues: PlanningIssue[];
}

export function releaseUnavailableTechnicians(
  jobs: readonly PlannableJob[],
  unavailable: ReadonlySet<string>,
  now: number,
): ReleaseResult {
  const out: PlannableJob[] = [];
  const startedIds: string[] = [];
  const releasedIds: string[] = [];
  const issues: PlanningIssue[] = [];
  if (unavailable.size === 0) return { jobs: [...jobs], startedIds, releasedIds, issues };
  for (const j of jobs) {
    const held = [
      ...(j.pin?.technicianIds ?? []),
      ...j.keepTechnicianIds,
      ...(j.activeAppointment?.technicianIds ?? []),
    ];
    const out_ = held.filter((t) => unavailable.has(t));
    if (out_.length === 0) {
      out.push(j);
      continue;
    }
    const start = j.pin?.start ?? j.activeAppointment?.start;
    if (start !== undefined && start <= now) {
      startedIds.push(j.serviceJobId);
      continue;
    }
    releasedIds.push(j.serviceJobId);
    issues.push({
      serviceJobId: j.serviceJobId,
      code: 'TECHNICIAN_UNAVAILABLE',
      level: 'warning',
      detail: `technician ${[...new Set(out_)].join(', ')} is unavailable today; the visit goes to another technician or is reported`,
    });
    out.push({
      ...j,
      pin: undefined,
      keepTechnicianIds: j.keepTechnicianIds.filter((t) => !unavailable.has(t)),
    });
  }
  return { jobs: out, startedIds, releasedIds, issues };
}

/** The setup without the unavailable technicians (and crews they belong to). */
export function withoutTechnicians(setup: PlanningSetup, unavailable: ReadonlySet<string>): PlanningSetup {
  if (unavailable.size === 0) return setup;
  return {
    ...setup,
    technicians: setup.technicians.filter((t) => !unavailable.has(t.technicianId)),
    crews: setup.crews.filter((c) => !c.members.some((m) => unavailable.has(m))),
  };
}
