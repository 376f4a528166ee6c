/**
 * The crews config's two-person split rules and linked-visit rules in the solver's terms: a
 * split job's `memberSkills`, and `links` between jobs of the same product order (or address).
 *
 * The solver's precedence delays are start to start, the rule's gap is from the end of the
 * first visit to the start of the next; the first visit's duration may differ by route (a
 * faster senior), so the delay bounds hold whichever route serves it: the least delay counts
 * the longest duration, the greatest delay the shortest.
 */
import type { Job, Link } from '../../../solver/problem.ts';
import type { LinkedVisitRule, TwoPersonSplitRule } from '../../config/linkedVisits.ts';
import type { PlannableJob } from '../read/normalise.ts';
import type { PlanningRules } from '../setup/planning-setup.ts';

/**
 * A two-person job matched by a split rule: no skill common to both members, the lead needs
 * every skill of the job and the helper the rule's helper skills. Undefined for a job both
 * members serve alike (a `twoTechnicianSkills` skill among its skills, or no split rule).
 */
export function splitSkillsOf(
  rules: Pick<PlanningRules, 'twoTechnicianSkills' | 'twoPersonSplit'>,
  skills: readonly string[],
): string[][] | undefined {
  if (skills.some((s) => rules.twoTechnicianSkills.includes(s))) return undefined;
  const split = (rules.twoPersonSplit ?? []).filter((r: TwoPersonSplitRule) => skills.includes(r.skill));
  if (split.length === 0) return undefined;
  const helper = [...new Set(split.flatMap((r) => r.helperSkills))];
  return [[...skills], helper];
}

const matches = (side: LinkedVisitRule['first'], job: PlannableJob): boolean =>
  side.skill !== undefined ? job.skills.includes(side.skill) : job.asin === side.asin;

/** The keys that join a job to others under the rule: its product order ids, or its address. */
function keysOf(rule: LinkedVisitRule, job: PlannableJob): string[] {
  if (rule.by === 'address') return job.addressKey !== undefined ? [job.addressKey] : [];
  return job.orderIds ?? [];
}

/** Shortest and longest service duration of a job over the routes (seconds). */
function durationRange(job: Job, routeCount: number): { min: number; max: number } {
  const byRoute = Object.values(job.durationByTechnician ?? {});
  const all = byRoute.length < routeCount ? [job.duration, ...byRoute] : byRoute;
  return { min: Math.min(...all), max: Math.max(...all) };
}

/**
 * Every link the rules make between the problem's jobs: for each rule and each order (or
 * address), every job matching `first` precedes every other job matching `then`; with
 * `sameTechnician`, each such pair of one-person jobs also goes to one route.
 */
export function linksFor(
  rules: readonly LinkedVisitRule[],
  plannable: readonly PlannableJob[],
  jobs: ReadonlyMap<string, Job>,
  routeCount: number,
): Link[] {
  const links: Link[] = [];
  const seen = new Set<string>();
  const inProblem = plannable.filter((j) => jobs.has(j.serviceJobId));
  for (const rule of rules) {
    const groups = new Map<string, PlannableJob[]>();
    for (const j of inProblem)
      for (const key of keysOf(rule, j)) groups.set(key, [...(groups.get(key) ?? []), j]);
    for (const group of groups.values())
      for (const x of group.filter((j) => matches(rule.first, j)))
        for (const y of group.filter((j) => j !== x && matches(rule.then, j))) {
          const pair = `${x.serviceJobId}\n${y.serviceJobId}`;
          if (seen.has(pair)) continue;
          seen.add(pair);
          links.push(...pairLinks(rule, jobs.get(x.serviceJobId)!, jobs.get(y.serviceJobId)!, routeCount));
        }
  }
  return links;
}

function pairLinks(rule: LinkedVisitRule, first: Job, then: Job, routeCount: number): Link[] {
  const { min, max } = durationRange(first, routeCount);
  const out: Link[] = [
    {
      kind: 'precedence',
      from: first.id,
      to: then.id,
      minDelay: max + rule.minGapMinutes * 60,
      ...(rule.maxGapMinutes !== undefined ? { maxDelay: min + rule.maxGapMinutes * 60 } : {}),
    },
  ];
  // One route serves both only when each is a one-person visit (the config refuses it by skill).
  const onePerson = (j: Job): boolean => (j.technicians ?? 1) === 1;
  if (rule.sameTechnician && onePerson(first) && onePerson(then))
    out.push({ kind: 'same-technician', jobs: [first.id, then.id] });
  return out;
}
