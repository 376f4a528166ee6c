/**
 * Service KPIs over a period, per technician and for the store, from what happened rather than
 * what was planned: appointments and job statuses (Amazon), fulfilment data, and the routes of
 * the nightly plans. Pure; counts and shares only.
 *
 * Fulfilment is read from Amazon's job data where it carries it — an appointment's proof of
 * appointment (`poa`: who did the work, when the proof was uploaded) — and from this engine's
 * close-out journal otherwise; the fulfilment times (start and end) only the journal has, as
 * Amazon's job read does not return them.
 *
 * - on-time start: the recorded fulfilment start is not before the appointment's start and no
 *   later than the appointment allows — its window's end when appointments are arrival windows,
 *   its start plus a grace otherwise; over the fulfilments whose times are known;
 * - completion within the appointment window: the recorded fulfilment starts no earlier than the
 *   appointment's start and ends no later than its end;
 * - no-show: an appointment that has ended with the job neither completed nor cancelled and no
 *   fulfilment recorded;
 * - fulfilment breaks: a job this engine completed without fulfilment in either source;
 *   fulfilment recorded but the job not completed after its appointment ended; fulfilment
 *   technicians other than the assigned ones. A job completed elsewhere whose fulfilment
 *   neither source shows is counted apart (`completedFulfilmentUnknown`), not as a break;
 * - the plan's side (utilisation, travel, service, on-time risk, …): src/kpis/plan.ts, the
 *   run report's own computation, over the routes and shifts of the period.
 */
import type { Plan, RosterShift } from '../pipeline/write/plan.ts';
import { planKpis, type PlanKpis } from './plan.ts';

export interface KpiAppointment {
  serviceJobId: string;
  appointmentId: string;
  jobStatus: string;
  start: number;
  end: number;
  technicianIds: string[];
  /** This engine completed the job (its close-out journal says so). */
  closedHere?: boolean | undefined;
}

export interface KpiFulfilment {
  serviceJobId: string;
  appointmentId: string;
  /** `amazon`: the job data carries it (proof of appointment); `journal`: only this engine's close-out does. */
  source: 'amazon' | 'journal';
  /** When the work started and ended, when known (the journal has them). */
  start?: number | undefined;
  end?: number | undefined;
  technicianIds: string[];
}

export interface KpiInput {
  appointments: KpiAppointment[];
  fulfilments: KpiFulfilment[];
  /** Routes of the nightly plans for the days of the period. */
  routes: Plan['routes'];
  /** Shifts of the technicians on those days (default: the routes' own). */
  shifts?: readonly RosterShift[] | undefined;
  appointmentTime: 'arrival-window' | 'service-interval';
  /** Minutes a service-interval start may be late and still count as on time. */
  graceMinutes: number;
  now: number;
}

interface Kpis {
  appointments: number;
  completed: number;
  cancelled: number;
  fulfilmentRecorded: number;
  fulfilmentSources: { amazon: number; journal: number };
  completedFulfilmentUnknown: number;
  onTimeStarts: { count: number; sharePct: number | null };
  completedWithinWindow: { count: number; sharePct: number | null };
  noShows: number;
  fulfilmentBreaks: {
    completedWithoutFulfilment: number;
    fulfilledNotCompleted: number;
    technicianMismatch: number;
    total: number;
  };
  plannedRoutes: number;
  shiftHours: number;
  serviceHours: number;
  travelHours: number;
  utilisationPct: number | null;
  travelSharePct: number | null;
  plan: PlanKpis;
}

export interface KpiReport {
  store: Kpis;
  technicians: ({ technicianId: string } & Kpis)[];
}

const HOUR = 3_600_000;
const pct = (n: number, d: number): number | null => (d > 0 ? Math.round((1000 * n) / d) / 10 : null);
const hours = (ms: number): number => Math.round((ms / HOUR) * 100) / 100;

function kpisOf(
  appointments: KpiAppointment[],
  fulfilment: Map<string, KpiFulfilment>,
  routes: Plan['routes'],
  shifts: readonly Pick<RosterShift, 'technicianId' | 'start' | 'end'>[],
  input: KpiInput,
): Kpis {
  let completed = 0;
  let cancelled = 0;
  let recorded = 0;
  let timed = 0;
  let fromAmazon = 0;
  let onTime = 0;
  let withinWindow = 0;
  let noShows = 0;
  let completedWithout = 0;
  let unknown = 0;
  let fulfilledNotCompleted = 0;
  let mismatch = 0;
  for (const a of appointments) {
    const f = fulfilment.get(a.serviceJobId);
    const over = a.end <= input.now;
    if (a.jobStatus === 'COMPLETED') completed += 1;
    if (a.jobStatus === 'CANCELLED') cancelled += 1;
    if (f !== undefined) {
      recorded += 1;
      if (f.source === 'amazon') fromAmazon += 1;
      if (f.start !== undefined && f.end !== undefined) {
        timed += 1;
        const latestStart =
          input.appointmentTime === 'arrival-window' ? a.end : a.start + input.graceMinutes * 60_000;
        // Both bounds: a fulfilment recorded before the appointment opens is neither on time nor in it.
        if (f.start >= a.start && f.start <= latestStart) onTime += 1;
        if (f.start >= a.start && f.end <= a.end) withinWindow += 1;
      }
      if (a.jobStatus !== 'COMPLETED' && a.jobStatus !== 'CANCELLED' && over) fulfilledNotCompleted += 1;
      const assigned = [...a.technicianIds].sort().join(',');
      if (
        a.technicianIds.length > 0 &&
        f.technicianIds.length > 0 &&
        assigned !== [...f.technicianIds].sort().join(',')
      )
        mismatch += 1;
    } else if (a.jobStatus === 'COMPLETED') {
      // Closed elsewhere, with nothing either source shows: not known to be missing.
      if (a.closedHere === true) completedWithout += 1;
      else unknown += 1;
    } else if (a.jobStatus !== 'CANCELLED' && over) noShows += 1;
  }
  let shift = 0;
  for (const s of shifts) shift += s.end - s.start;
  const plan = planKpis({ routes, shifts, notPlanned: [] });
  let service = 0;
  let travel = 0;
  for (const r of routes) {
    service += r.service;
    travel += r.travel;
  }
  return {
    appointments: appointments.length,
    completed,
    cancelled,
    fulfilmentRecorded: recorded,
    fulfilmentSources: { amazon: fromAmazon, journal: recorded - fromAmazon },
    completedFulfilmentUnknown: unknown,
    onTimeStarts: { count: onTime, sharePct: pct(onTime, timed) },
    completedWithinWindow: { count: withinWindow, sharePct: pct(withinWindow, timed) },
    noShows,
    fulfilmentBreaks: {
      completedWithoutFulfilment: completedWithout,
      fulfilledNotCompleted,
      technicianMismatch: mismatch,
      total: completedWithout + fulfilledNotCompleted + mismatch,
    },
    plannedRoutes: routes.length,
    shiftHours: hours(shift),
    serviceHours: hours(service),
    travelHours: hours(travel),
    // The plan's definitions (src/kpis/plan.ts); null where there is nothing to divide by.
    utilisationPct: shift > 0 ? plan.utilisationPct : null,
    travelSharePct: travel + service > 0 ? plan.travelSharePct : null,
    plan,
  };
}

export function computeKpis(input: KpiInput): KpiReport {
  // The fulfilment of a job's appointment counts; another of its appointments only without one.
  const appointmentOf = new Map(input.appointments.map((a) => [a.serviceJobId, a]));
  const fulfilment = new Map<string, KpiFulfilment>();
  for (const f of input.fulfilments) {
    const a = appointmentOf.get(f.serviceJobId);
    if (a === undefined) continue;
    const had = fulfilment.get(f.serviceJobId);
    const rank = (x: KpiFulfilment): number =>
      (x.appointmentId === a.appointmentId ? 2 : 0) + (x.source === 'amazon' ? 1 : 0);
    const [keep, other] = had === undefined || rank(f) >= rank(had) ? [f, had] : [had, f];
    // Amazon's proof names who did the work; the times, when only the journal has them, come from it.
    const times =
      keep.start === undefined && other?.start !== undefined && other.appointmentId === keep.appointmentId
        ? { start: other.start, end: other.end }
        : {};
    fulfilment.set(f.serviceJobId, { ...keep, ...times });
  }
  const shifts: readonly Pick<RosterShift, 'technicianId' | 'start' | 'end'>[] =
    input.shifts ??
    input.routes.flatMap((r) => r.technicianIds.map((technicianId) => ({ technicianId, ...r.shift })));
  const technicianIds = new Set<string>();
  for (const a of input.appointments) for (const t of a.technicianIds) technicianIds.add(t);
  for (const r of input.routes) for (const t of r.technicianIds) technicianIds.add(t);
  return {
    store: kpisOf(input.appointments, fulfilment, input.routes, shifts, input),
    technicians: [...technicianIds].sort().map((technicianId) => ({
      technicianId,
      ...kpisOf(
        input.appointments.filter((a) => a.technicianIds.includes(technicianId)),
        fulfilment,
        input.routes.filter((r) => r.technicianIds.includes(technicianId)),
        shifts.filter((s) => s.technicianId === technicianId),
        input,
      ),
    })),
  };
}
