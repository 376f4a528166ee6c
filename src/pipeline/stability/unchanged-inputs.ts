/**
 * "Nothing changed": a rerun whose inputs are what the previous plan was made from, and
 * where Amazon holds exactly what that plan wrote, keeps the previous plan instead of solving
 * again. A new search could find an equally good but different plan (another lunch time, a
 * swap between two technicians) and move buyers' appointments for nothing; this way a rerun
 * with nothing changed makes no write call, whatever the seller.
 *
 * The signature covers, per plannable job, what planning reads from it (store, place,
 * duration, skills, team size, priority, the buyer's preferred times, technician preferences
 * set for it and its previous technicians) and, for jobs the plan
 * left out, the appointment Amazon holds; and the crews config, the days and the times
 * Amazon refused. Planned jobs' appointments are compared with the plan one by one instead,
 * since the plan itself created or moved them. It is a SHA-256 digest: no personal data in
 * the stored plan.
 */
import { createHash } from 'node:crypto';
import type { PlanningConfig } from '../../config/index.ts';
import type { PlannableJob } from '../read/normalise.ts';
import type { Plan } from '../write/plan.ts';
import type { ServiceJob } from '../read/service-job.ts';

export function inputSignature(
  parsed: readonly ServiceJob[],
  jobs: readonly PlannableJob[],
  planned: ReadonlySet<string>,
  context: { config: PlanningConfig; days: readonly string[]; refused: ReadonlySet<string> },
): string {
  const preferred = new Map<string, unknown>();
  for (const job of parsed) preferred.set(job.serviceJobId, job.preferredAppointmentTimes ?? []);
  const hash = createHash('sha256');
  hash.update(
    JSON.stringify({ config: context.config, days: context.days, refused: [...context.refused].sort() }),
  );
  for (const j of [...jobs].sort((a, b) => a.serviceJobId.localeCompare(b.serviceJobId))) {
    hash.update(
      JSON.stringify([
        j.serviceJobId,
        j.storeId,
        j.postalCode,
        j.durationMinutes,
        j.skills,
        j.technicians,
        j.priority,
        preferred.get(j.serviceJobId) ?? [],
        planned.has(j.serviceJobId) ? null : (j.activeAppointment ?? null),
        // Only jobs with stored preferences or history carry these (other jobs' signatures stay as they were).
        ...(j.preferences !== undefined || j.previousTechnicianIds !== undefined
          ? [j.preferences ?? null, j.previousTechnicianIds ?? null]
          : []),
      ]),
    );
  }
  return hash.digest('hex');
}

/** Amazon holds every appointment of the plan at its time with its technicians. */
export function appointmentsAsPlanned(plan: Plan, jobs: ReadonlyMap<string, PlannableJob>): boolean {
  return plan.appointments.every((a) => {
    const current = jobs.get(a.serviceJobId)?.activeAppointment;
    return (
      current !== undefined &&
      current.start === a.time.start &&
      current.durationMinutes === a.time.minutes &&
      [...current.technicianIds].sort().join(',') === a.technicianIds.join(',')
    );
  });
}
