/**
 * What the store adds to a job's technician affinity before it is planned: the preferences set
 * for it through the API, and (when `planning.previousTechnician` is configured) who served
 * the earlier job of the same product order. Both are merged over the config's rules when the
 * problem is built (build-problem.ts).
 */
import { mergePreferences } from '../preferences/index.ts';
import type { JobAffinity } from '../config/affinity.ts';
import type { PlannableJob } from './read/normalise.ts';
import type { JobPreferenceSet } from '../store/job-preferences.ts';
import type { PlanningSetup } from './setup/planning-setup.ts';

const DAY = 86_400_000;

/** What the run reads of a job's history (PipelineStorePort's members of the same names). */
interface JobHistoryStore {
  jobPreferences?(serviceJobIds: string[]): Promise<Map<string, JobPreferenceSet>>;
  previousTechnicians?(
    orderIds: string[],
    since: number,
    exceptJobIds: string[],
  ): Promise<Map<string, string[]>>;
}

/** The jobs with their stored preferences and previous technicians attached (new objects; the input is not changed). */
export async function withJobHistory(
  store: JobHistoryStore,
  setup: Pick<PlanningSetup, 'rules'>,
  jobs: readonly PlannableJob[],
  now: number,
): Promise<PlannableJob[]> {
  const ids = jobs.map((j) => j.serviceJobId);
  const preferences = store.jobPreferences !== undefined ? await store.jobPreferences(ids) : new Map();
  const previous = setup.rules.previousTechnician;
  const byOrder =
    previous !== undefined && store.previousTechnicians !== undefined
      ? await store.previousTechnicians(
          [...new Set(jobs.flatMap((j) => j.orderIds ?? []))],
          now - previous.lookbackDays * DAY,
          ids,
        )
      : new Map<string, string[]>();
  return jobs.map((j) => {
    const own = preferences.get(j.serviceJobId);
    const before = [...new Set((j.orderIds ?? []).flatMap((o) => byOrder.get(o) ?? []))];
    if (own === undefined && before.length === 0) return j;
    return {
      ...j,
      ...(own !== undefined ? { preferences: own } : {}),
      ...(before.length > 0 ? { previousTechnicianIds: before } : {}),
    };
  });
}

/**
 * The job's affinity: the config's rules, then the previous technicians as preferred ones (a
 * technician the rules or the job's own preferences weigh already keeps that weight), then the
 * job's own preferences over both.
 */
export function jobAffinity(
  rules: JobAffinity,
  job: Pick<PlannableJob, 'preferences' | 'previousTechnicianIds'>,
  previous: PlanningSetup['rules']['previousTechnician'],
): JobAffinity {
  let a = rules;
  if (previous !== undefined && (job.previousTechnicianIds?.length ?? 0) > 0) {
    const named = new Set([
      ...a.preferred.map((p) => p.technician),
      ...(job.preferences?.preferred ?? []).map((p) => p.technician),
    ]);
    const added = job.previousTechnicianIds!.filter((id) => !named.has(id));
    a = {
      ...a,
      preferred: [
        ...a.preferred,
        ...added.map((technician) => ({ technician, weightMinutes: previous.weightMinutes })),
      ],
    };
  }
  return mergePreferences(a, job.preferences);
}
