/**
 * Per-job technician preferences (required, excluded, preferred technicians, minimum skill
 * levels): read and replaced for one job of the seller, checked against the crews config, and
 * merged over the config's affinity rules when the job is planned.
 */
import type { JobAffinity } from '../config/affinity.ts';
import type { PlanningConfig } from '../config/index.ts';
import { isEmptyPreferenceSet } from '../store/job-preferences.ts';
import type { JobPreferenceSet, Store, StoredJobPreferences } from '../store/index.ts';

export type { JobPreferenceSet };

export class JobPreferencesError extends Error {
  override readonly name = 'JobPreferencesError';
  constructor(
    readonly code: 'NOT_FOUND' | 'UNKNOWN_TECHNICIAN' | 'CONFLICTING_PREFERENCES',
    message: string,
    /** Each wrong field, `body.required[0]`. */
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

export interface PreferenceDeps {
  store: Pick<Store, 'jobs' | 'preferences'>;
  config: Pick<PlanningConfig, 'technicians'>;
}

export interface JobPreferencesView {
  serviceJobId: string;
  preferences: JobPreferenceSet;
  /** Null while the job has none. */
  updatedAt: string | null;
  updatedBy: string | null;
}

async function assertJob(deps: PreferenceDeps, serviceJobId: string): Promise<void> {
  // The store is the seller's view: another seller's job is not there, exactly as an unknown id.
  if ((await deps.store.jobs.get(serviceJobId)) === undefined)
    throw new JobPreferencesError('NOT_FOUND', `no service job ${serviceJobId}`);
}

const view = (serviceJobId: string, stored: StoredJobPreferences | undefined): JobPreferencesView => ({
  serviceJobId,
  preferences: stored?.preferences ?? {},
  updatedAt: stored?.updatedAt ?? null,
  updatedBy: stored?.updatedBy ?? null,
});

export async function getJobPreferences(
  deps: PreferenceDeps,
  serviceJobId: string,
): Promise<JobPreferencesView> {
  await assertJob(deps, serviceJobId);
  return view(serviceJobId, await deps.store.preferences.get(serviceJobId));
}

/** Replaces the job's preferences (`{}` clears them); audited as `actor`. */
export async function setJobPreferences(
  deps: PreferenceDeps,
  serviceJobId: string,
  preferences: JobPreferenceSet,
  actor: string,
): Promise<JobPreferencesView> {
  await assertJob(deps, serviceJobId);
  checkPreferences(deps.config, preferences);
  const stored = await deps.store.preferences.set(serviceJobId, preferences, actor);
  // Cleared: answered as a job that has none, as GET answers it from now on.
  return view(serviceJobId, isEmptyPreferenceSet(stored.preferences) ? undefined : stored);
}

/** Every technician named must be in the crews config; none both required and excluded. */
export function checkPreferences(config: Pick<PlanningConfig, 'technicians'>, p: JobPreferenceSet): void {
  const known = new Set(config.technicians.map((t) => t.resourceId));
  const issues: { path: string; message: string }[] = [];
  const unknown = (path: string, id: string) =>
    issues.push({
      path,
      message: `unknown technician ${JSON.stringify(id)}; expected a resource id of the crews config`,
    });
  (p.required ?? []).forEach((id, i) => known.has(id) || unknown(`body.required[${i}]`, id));
  (p.excluded ?? []).forEach((id, i) => known.has(id) || unknown(`body.excluded[${i}]`, id));
  (p.preferred ?? []).forEach(
    (x, i) => known.has(x.technician) || unknown(`body.preferred[${i}].technician`, x.technician),
  );
  if (issues.length > 0)
    throw new JobPreferencesError(
      'UNKNOWN_TECHNICIAN',
      issues.map((i) => `${i.path}: ${i.message}`).join('; '),
      issues,
    );

  const required = p.required ?? [];
  const excluded = new Set(p.excluded ?? []);
  if (required.length > 0 && required.every((id) => excluded.has(id))) {
    const path = `body.excluded[${(p.excluded ?? []).indexOf(required[0]!)}]`;
    const message =
      'every required technician is also excluded, so nobody could serve the job; drop one of the two';
    throw new JobPreferencesError('CONFLICTING_PREFERENCES', `${path}: ${message}`, [{ path, message }]);
  }
}

/**
 * The job's preferences over what the config's rules say: `required` replaces the rules'
 * list, `excluded` adds to theirs, a `preferred` technician's weight replaces the rules' for
 * the same technician, a minimum level replaces the rules' for the same skill.
 */
export function mergePreferences(rules: JobAffinity, own: JobPreferenceSet | undefined): JobAffinity {
  if (own === undefined) return rules;
  const out: JobAffinity = {
    ...(rules.required !== undefined ? { required: [...rules.required] } : {}),
    excluded: [...rules.excluded],
    preferred: [...rules.preferred],
    minSkillLevels: { ...rules.minSkillLevels },
  };
  if ((own.required?.length ?? 0) > 0) out.required = [...own.required!];
  for (const id of own.excluded ?? []) if (!out.excluded.includes(id)) out.excluded.push(id);
  for (const p of own.preferred ?? []) {
    out.preferred = out.preferred.filter((q) => q.technician !== p.technician);
    out.preferred.push({ technician: p.technician, weightMinutes: p.weightMinutes });
  }
  Object.assign(out.minSkillLevels, own.minSkillLevels ?? {});
  return out;
}
