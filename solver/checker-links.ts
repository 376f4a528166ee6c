/**
 * The checker's part for jobs served by several routes and for links: a job needing n people
 * is served by one route whose team has n members, or by n distinct routes starting together
 * (within the tolerance) with the members' skills matched to the routes; linked jobs are served
 * all or none, precedence delays are measured start to start.
 */
import type { Job, Problem, Technician } from './problem.ts';
import type { Violation } from './violations.ts';

export interface ServedAt {
  technician: Technician;
  start: number;
  /** Index among the route's visits. */
  position: number;
}

export function checkLinkedJobs(
  problem: Problem,
  served: Map<string, ServedAt[]>,
  near: (a: number, b: number) => boolean,
  atMost: (a: number, b: number) => boolean,
  violations: Violation[],
): void {
  checkTeams();
  checkLinks();

  /**
   * A job needing n people: one route whose team has n members, or n distinct routes (each
   * route visits a job at most once) starting together, members' skills matched to routes.
   */
  function checkTeams(): void {
    for (const job of problem.jobs) {
      const where = served.get(job.id);
      if (!where) continue;
      const n = job.technicians ?? 1;
      const first = where[0]!;
      if (n > 1) checkPins(job, where);
      if (where.length === 1) {
        const team = first.technician.members?.length ?? 1;
        if (n > team) {
          violations.push({
            code: 'TEAM_TOO_SMALL',
            technician: first.technician.id,
            job: job.id,
            message: `job "${job.id}" needs ${n} people; one route with a team of ${team} serves it`,
          });
        }
        continue;
      }
      if (n === 1) {
        const by = where.map((w) => `"${w.technician.id}"`).join(', ');
        violations.push({
          code: 'JOB_ROUTED_TWICE',
          job: job.id,
          message: `job "${job.id}" is routed by ${by}`,
        });
        continue;
      }
      if (where.length !== n) {
        violations.push({
          code: 'SYNC_ROUTES',
          job: job.id,
          message: `job "${job.id}" needs ${n} people and is visited by ${where.length} routes`,
        });
        continue;
      }
      for (const w of where) {
        if (!near(w.start, first.start)) {
          violations.push({
            code: 'SYNC_START',
            technician: w.technician.id,
            job: job.id,
            message: `job "${job.id}" starts at ${w.start} on "${w.technician.id}" and at ${first.start} on "${first.technician.id}"`,
          });
        }
      }
      if (
        job.memberSkills &&
        !matchMembers(
          job.memberSkills,
          where.map((w) => w.technician),
        )
      ) {
        violations.push({
          code: 'MEMBER_SKILLS',
          job: job.id,
          message: `job "${job.id}": no assignment of its members' skills to the serving routes`,
        });
      }
    }
  }

  /** Linked jobs are served all or none; delays are start to start. */
  /** A technician pin: one of the job's routes; a position pin: that route's visit's index. */
  function checkPins(job: Job, where: ServedAt[]): void {
    const pin = job.pin;
    const pinned = where.filter((w) => pin?.technician === undefined || w.technician.id === pin.technician);
    if (pinned.length === 0) {
      violations.push({
        code: 'PIN_TECHNICIAN',
        job: job.id,
        message: `job "${job.id}" is pinned to "${pin?.technician}", who is not among its routes`,
      });
    } else if (pin?.position !== undefined && !pinned.some((w) => w.position === pin.position)) {
      violations.push({
        code: 'PIN_POSITION',
        job: job.id,
        message: `job "${job.id}" is pinned to position ${pin.position}`,
      });
    }
  }

  /** Parts of a multi-day visit: one route each, the same people, consecutive shifts in order. */
  function checkDays(ids: string[]): void {
    const routes = ids.map((id) => served.get(id)!);
    if (routes.some((where) => where.length !== 1)) return; // reported by checkTeams
    for (let k = 1; k < ids.length; k++) {
      const before = routes[k - 1]![0]!.technician;
      const here = routes[k]![0]!.technician;
      if (peopleOf(before) !== peopleOf(here)) {
        violations.push({
          code: 'DAYS_SAME_TEAM',
          technician: here.id,
          job: ids[k]!,
          message: `part "${ids[k]}" is served by other people than part "${ids[k - 1]}"`,
        });
      } else if (nextRouteOf(problem, before) !== here) {
        violations.push({
          code: 'DAYS_CONSECUTIVE',
          technician: here.id,
          job: ids[k]!,
          message: `part "${ids[k]}" is not on the shift right after the one of part "${ids[k - 1]}"`,
        });
      }
    }
  }

  function checkLinks(): void {
    const startOf = (id: string): number | undefined => served.get(id)?.[0]?.start;
    const routesOf = (id: string): string[] => (served.get(id) ?? []).map((w) => w.technician.id);
    for (const link of problem.links ?? []) {
      const ids = link.kind === 'precedence' ? [link.from, link.to] : link.jobs;
      const servedIds = ids.filter((id) => served.has(id));
      if (servedIds.length > 0 && servedIds.length < ids.length) {
        violations.push({
          code: 'LINK_PARTIAL',
          job: ids.find((id) => !served.has(id))!,
          message: `linked jobs [${ids.join(', ')}] are only partly served`,
        });
        continue;
      }
      if (servedIds.length === 0) continue;
      if (link.kind === 'precedence') {
        const delay = startOf(link.to)! - startOf(link.from)!;
        const min = link.minDelay ?? 0;
        const max = link.maxDelay ?? Infinity;
        if (!atMost(min, delay) || !atMost(delay, max)) {
          violations.push({
            code: 'PRECEDENCE_DELAY',
            job: link.to,
            message: `job "${link.to}" starts ${delay} s after "${link.from}", expected ${min} to ${max}`,
          });
        }
      } else if (link.kind === 'same-technician') {
        const routes = new Set(ids.flatMap(routesOf));
        if (routes.size > 1) {
          violations.push({
            code: 'SAME_TECHNICIAN',
            job: ids[0]!,
            message: `jobs [${ids.join(', ')}] should share one technician, served by ${routes.size}`,
          });
        }
      } else if (link.kind === 'consecutive-days') {
        checkDays(ids);
      } else {
        const all = ids.flatMap(routesOf);
        if (new Set(all).size < all.length) {
          violations.push({
            code: 'DIFFERENT_TECHNICIANS',
            job: ids[0]!,
            message: `jobs [${ids.join(', ')}] should each have other technicians`,
          });
        }
      }
    }
  }
}

/** The people of a route, as one key: its members (or its id) in sorted order. */
function peopleOf(tech: Technician): string {
  return JSON.stringify([...(tech.members ?? [tech.id])].sort());
}

/**
 * The next route of the same people after `tech`: the earliest later shift start among the
 * routes with exactly these people (ties by the problem's order of routes).
 */
function nextRouteOf(problem: Problem, tech: Technician): Technician | undefined {
  const people = peopleOf(tech);
  const order = problem.technicians.indexOf(tech);
  let best: Technician | undefined;
  let bestOrder = -1;
  problem.technicians.forEach((other, k) => {
    if (other === tech || peopleOf(other) !== people) return;
    const later =
      other.shift.start > tech.shift.start || (other.shift.start === tech.shift.start && k > order);
    if (!later) return;
    const earlier =
      best === undefined ||
      other.shift.start < best.shift.start ||
      (other.shift.start === best.shift.start && k < bestOrder);
    if (earlier) {
      best = other;
      bestOrder = k;
    }
  });
  return best;
}

/** Whether each member's extra skills can go to a different one of the routes (augmenting paths). */
function matchMembers(memberSkills: string[][], routes: Technician[]): boolean {
  const owner = new Array<number>(routes.length).fill(-1);
  const fits = (m: number, r: number): boolean => {
    const has = new Set(routes[r]!.skills ?? []);
    return memberSkills[m]!.every((s) => has.has(s));
  };
  const assign = (m: number, seen: boolean[]): boolean => {
    for (let r = 0; r < routes.length; r++) {
      if (seen[r] || !fits(m, r)) continue;
      seen[r] = true;
      if (owner[r]! < 0 || assign(owner[r]!, seen)) {
        owner[r] = m;
        return true;
      }
    }
    return false;
  };
  return memberSkills.every((_, m) => assign(m, new Array<boolean>(routes.length).fill(false)));
}
