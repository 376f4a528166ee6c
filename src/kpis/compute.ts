/**
 * Service KPIs over a period, per technician and for the store, from what happened rather than
 * what was planned: appointments and job statuses (Amazon), fulfilment data as this engine set
 * it (the close-out journal), and the routes of the nightly plans. Pure; counts and shares only.
 *
 * - on-time start: the recorded fulfilment start is not before the appointment's start and no
 *   later than the appointment allows — its window's end when appointments are arrival windows,
 *   its start plus a grace otherwise;
 * - completion within the appointment window: the recorded fulfilment starts no earlier than the
 *   appointment's start and ends no later than its end;
 * - no-show: an appointment that has ended with the job neither completed nor cancelled and no
 *   fulfilment recorded;
 * - fulfilment breaks: a completed job without fulfilment data; fulfilment recorded but the job
 *   not completed after its appointment ended; fulfilment technicians other than the assigned ones;
 * - utilisation: planned service time / shift time; travel share: travel / (travel + service).
 */
import type { Plan } from '../pipeline/plan.ts';

export interface KpiAppointment {
  serviceJobId: string;
  appointmentId: string;
  jobStatus: string;
  start: number;
  end: number;
  technicianIds: string[];
}

export interface KpiFulfilment {
  serviceJobId: string;
  appointmentId: string;
  start: number;
  end: number;
  technicianIds: string[];
}

export interface KpiInput {
  appointments: KpiAppointment[];
  fulfilments: KpiFulfilment[];
  /** Routes of the nightly plans for the days of the period. */
  routes: Plan['routes'];
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
  input: KpiInput,
): Kpis {
  let completed = 0;
  let cancelled = 0;
  let recorded = 0;
  let onTime = 0;
  let withinWindow = 0;
  let noShows = 0;
  let completedWithout = 0;
  let fulfilledNotCompleted = 0;
  let mismatch = 0;
  for (const a of appointments) {
    const f = fulfilment.get(a.serviceJobId);
    const over = a.end <= input.now;
    if (a.jobStatus === 'COMPLETED') completed += 1;
    if (a.jobStatus === 'CANCELLED') cancelled += 1;
    if (f !== undefined) {
      recorded += 1;
      const latestStart =
        input.appointmentTime === 'arrival-window' ? a.end : a.start + input.graceMinutes * 60_000;
      // Both bounds: a fulfilment recorded before the appointment opens is neither on time nor in it.
      if (f.start >= a.start && f.start <= latestStart) onTime += 1;
      if (f.start >= a.start && f.end <= a.end) withinWindow += 1;
      if (a.jobStatus !== 'COMPLETED' && a.jobStatus !== 'CANCELLED' && over) fulfilledNotCompleted += 1;
      const assigned = [...a.technicianIds].sort().join(',');
      if (
        a.technicianIds.length > 0 &&
        f.technicianIds.length > 0 &&
        assigned !== [...f.technicianIds].sort().join(',')
      )
        mismatch += 1;
    } else {
      if (a.jobStatus === 'COMPLETED') completedWithout += 1;
      else if (a.jobStatus !== 'CANCELLED' && over) noShows += 1;
    }
  }
  let shift = 0;
  let service = 0;
  let travel = 0;
  for (const r of routes) {
    shift += r.shift.end - r.shift.start;
    service += r.service;
    travel += r.travel;
  }
  return {
    appointments: appointments.length,
    completed,
    cancelled,
    fulfilmentRecorded: recorded,
    onTimeStarts: { count: onTime, sharePct: pct(onTime, recorded) },
    completedWithinWindow: { count: withinWindow, sharePct: pct(withinWindow, recorded) },
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
    utilisationPct: pct(service, shift),
    travelSharePct: pct(travel, travel + service),
  };
}

export function computeKpis(input: KpiInput): KpiReport {
  // The latest fulfilment recorded for a job's appointment counts.
  const fulfilment = new Map<string, KpiFulfilment>();
  for (const f of input.fulfilments) {
    const a = input.appointments.find((x) => x.serviceJobId === f.serviceJobId);
    if (
      a !== undefined &&
      (a.appointmentId === f.appointmentId || fulfilment.get(f.serviceJobId) === undefined)
    )
      fulfilment.set(f.serviceJobId, f);
  }
  const technicianIds = new Set<string>();
  for (const a of input.appointments) for (const t of a.technicianIds) technicianIds.add(t);
  for (const r of input.routes) for (const t of r.technicianIds) technicianIds.add(t);
  return {
    store: kpisOf(input.appointments, fulfilment, input.routes, input),
    technicians: [...technicianIds].sort().map((technicianId) => ({
      technicianId,
      ...kpisOf(
        input.appointments.filter((a) => a.technicianIds.includes(technicianId)),
        fulfilment,
        input.routes.filter((r) => r.technicianIds.includes(technicianId)),
        input,
      ),
    })),
  };
}
