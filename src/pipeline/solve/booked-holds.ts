/**
 * Booked appointments the plan cannot serve stay on Amazon at their time, and Amazon keeps
 * counting them: one unit of the store's capacity each (AVAILABLE = SCHEDULED − RESERVED −
 * ENCUMBERED), plus the capacity of any technician still assigned to them. A plan that fills
 * every technician of the store at that time asks Amazon for slots it does not have, and the
 * new appointments are refused ("Appointment slot is not available").
 *
 * So each such appointment gets a *hold*: one technician of its store (the assigned one when
 * there is one) is kept free for its span, which leaves exactly the unit the appointment
 * takes. The solver sees a hold as a break at a fixed time; the plan writes no reservation
 * for it, because an idle technician is what Amazon's capacity must show.
 */
import type { Solution } from '../../../solver/solution.ts';
import type { BuiltProblem, CapacityHold } from './build-problem.ts';
import type { PlannableJob } from '../read/normalise.ts';
import type { PlanningSetup } from '../setup/planning-setup.ts';

export { HOLD_BREAK_PREFIX, type CapacityHold } from './build-problem.ts';

const MINUTE = 60_000;

/** Booked jobs the solution leaves out: their appointments stay on Amazon as they are. */
export function unservedBookings(built: BuiltProblem, solution: Solution): PlannableJob[] {
  return solution.unassigned
    .map((u) => built.jobs.get(u.job))
    .filter((j): j is PlannableJob => j?.activeAppointment !== undefined);
}

/** A visit with the travel around it: the span a hold on its route must not cut into. */
interface Occupied {
  job: string;
  start: number;
  end: number;
  /**
   * A booked visit that stays as Amazon holds it (its appointment, its technicians). A booked
   * visit the plan moves to another time or technician is not: its move is a new claim on
   * Amazon's capacity, refused where a booking nobody serves takes the unit.
   */
  booked: boolean;
}

/** Per route, each visit's span from leaving the previous place to arriving at the next (epoch ms). */
function occupiedSpans(built: BuiltProblem, solution: Solution): Map<string, Occupied[]> {
  const durations = built.problem.matrices.durations;
  const location = new Map(built.problem.jobs.map((j) => [j.id, j.location]));
  const routes = new Map(built.problem.technicians.map((t) => [t.id, t]));
  const out = new Map<string, Occupied[]>();
  for (const r of solution.routes) {
    const tech = routes.get(r.technician);
    const technicianIds = [...(built.routes.get(r.technician)?.technicianIds ?? [])].sort().join(',');
    const spans: Occupied[] = [];
    r.visits.forEach((v, i) => {
      const here = location.get(v.job) ?? 0;
      const prev = i === 0 ? (tech?.start ?? here) : (location.get(r.visits[i - 1]!.job) ?? here);
      const next =
        i + 1 < r.visits.length
          ? (location.get(r.visits[i + 1]!.job) ?? here)
          : (tech?.end ?? tech?.start ?? here);
      const travelIn = durations[prev]?.[here] ?? 0;
      const travelOut = durations[here]?.[next ?? here] ?? 0;
      spans.push({
        job: v.job,
        start: built.origin + (v.arrival - travelIn) * 1000,
        end: built.origin + (v.end + travelOut) * 1000,
        booked: staysBooked(built.jobs.get(v.job), technicianIds, built.origin + v.start * 1000),
      });
    });
    out.set(r.technician, spans);
  }
  return out;
}

/** Whether a visit starting at `start` on a route of `technicianIds` keeps the job's appointment as it is. */
function staysBooked(job: PlannableJob | undefined, technicianIds: string, start: number): boolean {
  const a = job?.activeAppointment;
  if (a === undefined) return false;
  const same = [...a.technicianIds].sort().join(',') === technicianIds;
  return same && start >= a.start && start <= a.start + a.durationMinutes * MINUTE;
}

/**
 * One hold per unserved booking (one per assigned technician when it has several), on a
 * technician of the job's store who is on shift for the whole appointment and holds nothing
 * else then. Among those, the one whose route loses least: idle then if possible, else no
 * booked visit in the way, else the least work; with `displaceBooked: false` (optimize-today)
 * never one with a booked visit in the way. Returns the holds and the visits they
 * displace (to be placed again). A booking no technician can cover gets no hold (Amazon may
 * then refuse a new appointment at that time; the write-back reports it).
 */
export function chooseHolds(
  bookings: readonly PlannableJob[],
  setup: PlanningSetup,
  built: BuiltProblem,
  solution: Solution,
  existing: readonly CapacityHold[],
  options: { displaceBooked: boolean } = { displaceBooked: true },
): { holds: CapacityHold[]; displaced: Set<string> } {
  const technicians = new Map(setup.technicians.map((t) => [t.technicianId, t]));
  const occupied = occupiedSpans(built, solution);
  const held = [...existing];
  const holds: CapacityHold[] = [];
  const displaced = new Set<string>();
  const free = (routeId: string, start: number, end: number): boolean =>
    held.every((h) => h.routeId !== routeId || h.end <= start || h.start >= end);
  const sorted = [...bookings].sort(
    (a, b) =>
      a.activeAppointment!.start - b.activeAppointment!.start || a.serviceJobId.localeCompare(b.serviceJobId),
  );
  for (const job of sorted) {
    const a = job.activeAppointment!;
    const start = a.start;
    const end = a.start + a.durationMinutes * MINUTE;
    const covering = [...built.routes.values()].filter(
      (r) => r.shiftStart <= start && end <= r.shiftEnd && free(r.routeId, start, end),
    );
    const clash = (routeId: string): Occupied[] =>
      (occupied.get(routeId) ?? []).filter((o) => !displaced.has(o.job) && o.start < end && o.end > start);
    const pick = (candidates: typeof covering): (typeof covering)[number] | undefined => {
      let best: (typeof covering)[number] | undefined;
      let bestScore = Infinity;
      for (const r of candidates) {
        const clashes = clash(r.routeId);
        // On the day itself a booked visit of a technician at work is never moved for a hold.
        // In a plan of later days it is the last resort: without the hold Amazon, which counts one
        // unit per booked appointment, would refuse the plan's new appointments at that time;
        // the visits a hold displaces are placed again, free to move (a reschedule).
        if (!options.displaceBooked && clashes.some((o) => o.booked)) continue;
        // A crew route held idles every member for the one unit the booking takes: its visits
        // weigh once per member, and an idle single technician is taken before an idle crew.
        const team = r.technicianIds.length;
        let score = team - 1;
        for (const o of clashes) score += ((o.booked ? 1e9 : 1e6) + (o.end - o.start) / 1000) * team;
        if (score < bestScore || (score === bestScore && best !== undefined && r.routeId < best.routeId)) {
          best = r;
          bestScore = score;
        }
      }
      return best;
    };
    const chosen =
      a.technicianIds.length > 0
        ? a.technicianIds.map((id) => pick(covering.filter((r) => r.technicianIds.includes(id))))
        : [
            pick(
              covering.filter((r) => technicians.get(r.technicianIds[0]!)?.storeIds.includes(job.storeId)),
            ),
          ];
    for (const r of chosen) {
      if (r === undefined) continue;
      for (const o of clash(r.routeId)) displaced.add(o.job);
      const hold = {
        serviceJobId: job.serviceJobId,
        routeId: r.routeId,
        technicianId: r.technicianIds[0]!,
        start,
        end,
      };
      held.push(hold);
      holds.push(hold);
    }
  }
  return { holds, displaced };
}
