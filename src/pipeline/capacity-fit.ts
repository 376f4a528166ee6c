/**
 * The plan never relies on store capacity Amazon does not have. Amazon counts, per store and
 * instant, one unit per technician on shift (SCHEDULED) and takes one away for each active
 * appointment (one per assigned technician), each travel and each break reservation. Booked
 * appointments the plan leaves out stay on Amazon and keep their unit; a hold (holds.ts) keeps a
 * technician idle for them, but where no hold could be placed the plan may still fill every
 * technician then, and Amazon refuses the new appointments ("Appointment slot is not
 * available") or a move into that span.
 *
 * This check counts the units as Amazon will once the plan is written and, where they exceed
 * the technicians on shift after `now`, takes out new claims (visits not kept exactly as Amazon
 * holds them) overlapping that span, new work of the lowest priority first, until the count
 * fits. Kept bookings are never taken out. A visit taken out leaves its route otherwise as it
 * is (the next visit keeps its times; travel is recounted), and is reported as displaced.
 */
import type { Route, Solution } from '../../solver/solution.ts';
import type { BuiltProblem } from './solve/build-problem.ts';
import { HOLD_BREAK_PREFIX } from './solve/build-problem.ts';
import type { PlanningSetup } from './setup/planning-setup.ts';

const MINUTE = 60_000;

interface Claim {
  job: string;
  start: number;
  end: number;
  /** Whether the visit keeps the appointment Amazon holds (same time and technicians). */
  kept: boolean;
}

interface Units {
  /** Per store: intervals of one unit each (ms). */
  used: Map<string, { start: number; end: number }[]>;
  /** Per store: new claims (one per route visit). */
  claims: Map<string, Claim[]>;
  /** Per store: shift intervals of the technicians on shift. */
  shifts: Map<string, { start: number; end: number }[]>;
}

export interface CapacityFitOptions {
  now: number;
  /** Unserved booked visits starting after this are released (no technician): one unit each. */
  releasedAfter?: number | undefined;
}

const push = <T>(m: Map<string, T[]>, k: string, v: T): void => {
  const list = m.get(k);
  if (list === undefined) m.set(k, [v]);
  else list.push(v);
};

function countUnits(
  setup: PlanningSetup,
  built: BuiltProblem,
  solution: Solution,
  options: CapacityFitOptions,
): Units {
  const storeOf = new Map(setup.technicians.map((t) => [t.technicianId, t.storeIds[0] ?? '']));
  const durations = built.problem.matrices.durations;
  const location = new Map(built.problem.jobs.map((j) => [j.id, j.location]));
  const used = new Map<string, { start: number; end: number }[]>();
  const claims = new Map<string, Claim[]>();
  const shifts = new Map<string, { start: number; end: number }[]>();
  const ms = (s: number): number => built.origin + Math.round(s * 1000);
  const routed = new Map(solution.routes.map((r) => [r.technician, r]));
  for (const info of built.routes.values()) {
    const store = storeOf.get(info.technicianIds[0] ?? '') ?? '';
    const r = routed.get(info.routeId);
    // A route with overtime is scheduled to its end (plan.ts).
    const end = r !== undefined && r.visits.length > 0 ? Math.max(info.shiftEnd, ms(r.end)) : info.shiftEnd;
    for (let i = 0; i < info.technicianIds.length; i++) push(shifts, store, { start: info.shiftStart, end });
  }
  for (const r of solution.routes) {
    const info = built.routes.get(r.technician);
    if (info === undefined || r.visits.length === 0) continue;
    const store = storeOf.get(info.technicianIds[0] ?? '') ?? '';
    const crew = [...info.technicianIds].sort().join(',');
    const units = info.technicianIds.length;
    const add = (start: number, end: number): void => {
      for (let k = 0; k < units; k++) if (end > start) push(used, store, { start, end });
    };
    const breaks = r.breaks.map((b) => ({ start: ms(b.start), end: ms(b.end), hold: isHold(b.id) }));
    for (const b of breaks) if (!b.hold) add(b.start, b.end);
    r.visits.forEach((v, i) => {
      const job = built.jobs.get(v.job);
      const a = job?.activeAppointment;
      const start = ms(v.start);
      const kept =
        a !== undefined &&
        [...a.technicianIds].sort().join(',') === crew &&
        start >= a.start &&
        start <= a.start + a.durationMinutes * MINUTE;
      const span = kept
        ? { start: a.start, end: a.start + a.durationMinutes * MINUTE }
        : { start, end: ms(v.end) };
      add(span.start, span.end);
      for (let k = 0; k < units; k++) push(claims, store, { job: v.job, ...span, kept });
      if (i === 0) return;
      // Travel between consecutive visits is reserved, cut around breaks and holds (plan.ts).
      const travel =
        (durations[location.get(r.visits[i - 1]!.job) ?? 0]?.[location.get(v.job) ?? 0] ?? 0) * 1000;
      let end = ms(v.arrival);
      let begin = end - travel;
      for (const b of breaks) {
        if (b.start < end && b.end > begin) {
          if (b.start >= begin) end = Math.min(end, b.start);
          else begin = Math.max(begin, b.end);
        }
      }
      add(begin, end);
    });
  }
  // Booked visits the plan leaves out keep their appointment, and their unit, at Amazon.
  const served = new Set(solution.routes.flatMap((r) => r.visits.map((v) => v.job)));
  for (const u of solution.unassigned) {
    const job = built.jobs.get(u.job);
    const a = job?.activeAppointment;
    if (job === undefined || a === undefined || served.has(u.job)) continue;
    const released = options.releasedAfter !== undefined && a.start > options.releasedAfter;
    const units = released ? 1 : Math.max(1, a.technicianIds.length);
    for (let k = 0; k < units; k++)
      push(used, job.storeId, { start: a.start, end: a.start + a.durationMinutes * MINUTE });
  }
  return { used, claims, shifts };
}

const isHold = (id: string | undefined): boolean => id?.startsWith(HOLD_BREAK_PREFIX) === true;

/** Spans after `now` where a store's units exceed its technicians on shift, with the excess. */
function overloads(
  used: readonly { start: number; end: number }[],
  shifts: readonly { start: number; end: number }[],
  now: number,
): { start: number; end: number; excess: number }[] {
  const events: [number, number][] = [];
  for (const u of used) if (u.end > now) events.push([Math.max(u.start, now), 1], [u.end, -1]);
  for (const s of shifts) if (s.end > now) events.push([Math.max(s.start, now), -1], [s.end, 1]);
  events.sort((a, b) => a[0] - b[0]);
  const out: { start: number; end: number; excess: number }[] = [];
  let level = 0;
  for (let i = 0; i < events.length; i++) {
    level += events[i]![1];
    const t = events[i]![0];
    const next = events[i + 1]?.[0];
    if (next === undefined || next === t || level <= 0) continue;
    const last = out[out.length - 1];
    if (last !== undefined && last.end === t && last.excess === level) last.end = next;
    else out.push({ start: t, end: next, excess: level });
  }
  return out;
}

/** Removes one visit from a route; the visits after it keep their times, travel is recounted. */
function withoutVisit(built: BuiltProblem, r: Route, job: string): Route {
  const i = r.visits.findIndex((v) => v.job === job);
  if (i < 0) return r;
  const durations = built.problem.matrices.durations;
  const tech = built.problem.technicians.find((t) => t.id === r.technician);
  const location = (k: number): number | undefined =>
    k < 0
      ? tech?.start
      : k >= r.visits.length
        ? (tech?.end ?? undefined)
        : built.problem.jobs.find((j) => j.id === r.visits[k]!.job)?.location;
  const leg = (a: number | undefined, b: number | undefined): number =>
    a === undefined || b === undefined ? 0 : (durations[a]?.[b] ?? 0);
  const before = leg(location(i - 1), location(i)) + leg(location(i), location(i + 1));
  const after = leg(location(i - 1), location(i + 1));
  const v = r.visits[i]!;
  return {
    ...r,
    visits: r.visits.filter((_, k) => k !== i),
    breaks: r.breaks.map((b) => (b.afterVisits > i ? { ...b, afterVisits: b.afterVisits - 1 } : b)),
    travelDuration: Math.max(0, r.travelDuration - before + after),
    serviceDuration: Math.max(0, r.serviceDuration - (v.end - v.start)),
  };
}

/**
 * Takes out of `solution` the new claims Amazon's capacity cannot take (see the file's comment).
 * Returns the solution and the jobs taken out (listed as unassigned, displaced).
 */
export function fitAmazonCapacity(
  setup: PlanningSetup,
  built: BuiltProblem,
  solution: Solution,
  options: CapacityFitOptions,
): { solution: Solution; dropped: string[] } {
  const priority = new Map(built.problem.jobs.map((j) => [j.id, j.priority ?? 1]));
  const dropped = new Set<string>();
  let current = solution;
  // Each round takes out at least one visit; a visit taken out frees its unit everywhere it overlaps.
  for (let round = 0; round < 50; round++) {
    const units = countUnits(setup, built, current, options);
    const victims = new Set<string>();
    for (const [store, used] of units.used) {
      for (const o of overloads(used, units.shifts.get(store) ?? [], options.now)) {
        const candidates = (units.claims.get(store) ?? [])
          .filter((c) => !c.kept && !victims.has(c.job) && c.start < o.end && c.end > o.start)
          .sort(
            (a, b) =>
              Number(built.jobs.get(a.job)?.activeAppointment !== undefined) -
                Number(built.jobs.get(b.job)?.activeAppointment !== undefined) ||
              (priority.get(a.job) ?? 1) - (priority.get(b.job) ?? 1) ||
              b.start - a.start ||
              a.job.localeCompare(b.job),
          );
        const victim = candidates[0];
        if (victim !== undefined) victims.add(victim.job);
      }
    }
    if (victims.size === 0) break;
    for (const id of victims) dropped.add(id);
    current = {
      ...current,
      routes: current.routes.map((r) =>
        r.visits.some((v) => victims.has(v.job))
          ? [...victims].reduce((x, id) => withoutVisit(built, x, id), r)
          : r,
      ),
      unassigned: [
        ...current.unassigned,
        ...[...victims].map((job) => ({ job, reason: 'DISPLACED' as const })),
      ],
    };
  }
  return { solution: current, dropped: [...dropped].sort() };
}
