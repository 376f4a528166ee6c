/**
 * Staffing bound: the fewest technicians (per skill profile) that could serve at least X % of a
 * day's jobs, as a mixed-integer model solved with javascript-lp-solver. It is a relaxation of
 * the planning problem — travel, windows and the order of visits are ignored and work may be
 * split freely between technicians of a profile — so it is a fast lower bound:
 *
 *   if some plan with the technicians S serves at least ⌈X % · N⌉ jobs, the model's optimum is
 *   at most |S|.
 *
 * Proof: let n_p be the technicians of S with skill profile p and y_{c,p} the served jobs of
 * class c (skills, duration) done by them. Each served job is done by a technician with all its
 * skills, so y only uses allowed (c, p) pairs; a technician's service time is at most its
 * usable time (shift minus breaks, capped by its working-time limit) ≤ H_p, so
 * Σ_c D_{c,p} y_{c,p} ≤ H_p n_p; Σ_p y_{c,p} ≤ N_c; Σ y ≥ ⌈X % · N⌉. That is a feasible point
 * of the model with objective Σ n_p = |S|, so the minimum is ≤ |S|.
 */
import lpSolver from 'javascript-lp-solver';

// The package's CommonJS build is typed as its ES module: the solver is its default export at
// run time, which TypeScript sees one level down.
const solver = lpSolver as unknown as { Solve(model: unknown): unknown };

export interface LpJob {
  skills: readonly string[];
  durationMinutes: number;
}

export interface LpTechnician {
  skills: readonly string[];
  /** Most service minutes this technician can give on the day (shift − breaks, capped by the work limit). */
  usableMinutes: number;
  /** Fastest skill duration factor of this technician (≤ 1), so durations are never overstated. */
  fastestFactor?: number | undefined;
}

export interface StaffingBound {
  feasible: boolean;
  targetJobs: number;
  jobs: number;
  /** Minimum technicians in total (null when no staffing of these profiles reaches the target). */
  technicians: number | null;
  byProfile: { skills: string[]; technicians: number }[];
  /** Technicians having each skill in the optimal staffing. */
  bySkill: Record<string, number>;
}

/** The key of a skill profile: its skills, sorted, without repeats. */
export const profileKey = (skills: readonly string[]): string => [...new Set(skills)].sort().join('|');

/**
 * With `vary` (a skill profile), every other profile's count is fixed at its count among
 * `technicians` and only the technicians of `vary` are minimised: the fewest of that profile
 * that could reach the target beside the others. The proof above holds as it is (a plan with
 * the others and m of `vary` is a feasible point with n_vary = m), so it is a lower bound on m.
 */
export function staffingBound(
  jobs: readonly LpJob[],
  technicians: readonly LpTechnician[],
  targetPct: number,
  vary?: readonly string[],
): StaffingBound {
  const target = Math.ceil((targetPct / 100) * jobs.length - 1e-9);
  const profiles = new Map<string, { skills: string[]; hours: number; factor: number; count: number }>();
  for (const t of technicians) {
    const skills = [...new Set(t.skills)].sort();
    const key = skills.join('|');
    const p = profiles.get(key) ?? { skills, hours: 0, factor: 1, count: 0 };
    p.hours = Math.max(p.hours, t.usableMinutes);
    p.factor = Math.min(p.factor, t.fastestFactor ?? 1);
    p.count += 1;
    profiles.set(key, p);
  }
  const varied = vary === undefined ? undefined : profileKey(vary);
  const classes = new Map<string, { skills: string[]; minutes: number; count: number }>();
  for (const j of jobs) {
    const skills = [...new Set(j.skills)].sort();
    const key = `${skills.join('|')}#${j.durationMinutes}`;
    const c = classes.get(key) ?? { skills, minutes: j.durationMinutes, count: 0 };
    c.count += 1;
    classes.set(key, c);
  }
  const empty: StaffingBound = {
    feasible: false,
    targetJobs: target,
    jobs: jobs.length,
    technicians: null,
    byProfile: [],
    bySkill: {},
  };
  if (target <= 0) return { ...empty, feasible: true, technicians: 0 };

  const constraints: Record<string, { min?: number; max?: number; equal?: number }> = {
    served: { min: target },
  };
  const variables: Record<string, Record<string, number>> = {};
  const ints: Record<string, 1> = {};
  const profileList = [...profiles.values()].filter((p) => p.hours > 0);
  profileList.forEach((p, pi) => {
    constraints[`time${pi}`] = { max: 0 };
    const fixed = varied !== undefined && p.skills.join('|') !== varied;
    variables[`n${pi}`] = fixed
      ? { [`count${pi}`]: 1, [`time${pi}`]: -p.hours }
      : { techs: 1, [`time${pi}`]: -p.hours };
    if (fixed) constraints[`count${pi}`] = { equal: p.count };
    ints[`n${pi}`] = 1;
  });
  let servable = 0;
  [...classes.values()].forEach((c, ci) => {
    constraints[`cap${ci}`] = { max: c.count };
    let any = false;
    profileList.forEach((p, pi) => {
      if (!c.skills.every((s) => p.skills.includes(s))) return;
      const minutes = c.minutes * p.factor;
      if (minutes > p.hours) return;
      any = true;
      variables[`y${ci}_${pi}`] = { [`cap${ci}`]: 1, [`time${pi}`]: minutes, served: 1 };
    });
    if (any) servable += c.count;
  });
  if (servable < target) return empty;
  const result = solver.Solve({ optimize: 'techs', opType: 'min', constraints, variables, ints }) as Record<
    string,
    unknown
  >;
  if (result.feasible !== true) return empty;
  const byProfile = profileList
    .map((p, pi) => ({ skills: p.skills, technicians: Math.round(Number(result[`n${pi}`] ?? 0)) }))
    .filter((p) => p.technicians > 0);
  const bySkill: Record<string, number> = {};
  for (const p of byProfile) for (const s of p.skills) bySkill[s] = (bySkill[s] ?? 0) + p.technicians;
  const counted = byProfile.filter((p) => varied === undefined || p.skills.join('|') === varied);
  return {
    feasible: true,
    targetJobs: target,
    jobs: jobs.length,
    technicians: counted.reduce((n, p) => n + p.technicians, 0),
    byProfile,
    bySkill,
  };
}
