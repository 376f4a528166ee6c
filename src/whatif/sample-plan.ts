/**
 * One sampled day of a what-if as the dispatch board draws a plan (the `GET /v1/board`
 * shape): routes with stops, blocks and risk, technicians, jobs left out, KPIs and bounds.
 * Sampled jobs have made-up ids (`s<sample>-j<n>`) and sit at postal-code centroids; no
 * buyer's data is involved. Plain computation (runs in the simulation worker).
 */
import { DateTime } from 'luxon';
import type { PlanningConfig } from '../config/index.ts';
import { planFromSolution } from '../pipeline/plan.ts';
import type { GeoPoint, PlanningSetup } from '../pipeline/setup.ts';
import type { BuiltProblem } from '../pipeline/build-problem.ts';
import type { Located } from '../pipeline/geography.ts';
import type { Solution } from '../../solver/index.ts';
import type { ReportKpis } from '../pipeline/report.ts';
import {
  appointmentWindows,
  boardRoute,
  boundsOf,
  iso,
  UNASSIGNED_REASONS,
  type BoardDay,
  type BoardRoute,
  type BoardTechnician,
  type BoardUnassigned,
  type Window,
} from '../report/board-shape.ts';

type SampleRoute = BoardRoute;

/** A sampled day's plan for one variant, in the board view's shape. */
export interface SampleDayPlan extends BoardDay {
  status: 'simulated';
  kpis: ReportKpis;
  technicians: (BoardTechnician & { shift: Window | null })[];
  unassigned: (BoardUnassigned & { window: Window | null })[];
}

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

export interface SamplePlanInput {
  label: string;
  storeId: string;
  timeZone: string;
  day: string;
  config: PlanningConfig;
  setup: PlanningSetup;
  built: BuiltProblem;
  solution: Solution;
  located: Located;
  points: readonly GeoPoint[];
  technicianLocation: Readonly<Record<string, number>>;
}

export function samplePlan(input: SamplePlanInput): SampleDayPlan {
  const { setup, built, solution, located, points, day } = input;
  const plan = planFromSolution({ setup, built, solution, marketplaceId: '' });
  const drawn: GeoPoint[] = [];
  const pointOf = (jobId: string): GeoPoint | undefined => {
    const at = located.jobLocation.get(jobId);
    const p = at === undefined ? undefined : points[at];
    if (p !== undefined) drawn.push(p);
    return p;
  };
  const windows = appointmentWindows(plan.appointments);
  const arrivalReading = setup.rules.appointmentTime === 'arrival-window';
  const routes: SampleRoute[] = plan.routes.map((r) =>
    boardRoute(r, windows, arrivalReading, (id) => ({
      point: pointOf(id),
      skills: [...(built.jobs.get(id)?.skills ?? [])],
    })),
  );
  const atRisk = routes.reduce((n, r) => n + r.stops.filter((s) => s.risk !== 'ok').length, 0);

  const names = new Map(input.config.technicians.map((t) => [t.resourceId, t.name]));
  const technicians: SampleDayPlan['technicians'] = setup.technicians.map((t) => {
    const at = input.technicianLocation[t.technicianId];
    const home = (at === undefined ? undefined : points[at]) ?? { lat: 0, lon: 0 };
    drawn.push(home);
    const shift = t.shifts.find((x) => x.day === day);
    return {
      resourceId: t.technicianId,
      name: names.get(t.technicianId) ?? t.technicianId,
      skills: [...t.skills],
      home,
      shift: shift !== undefined ? { start: iso(shift.start), end: iso(shift.end) } : null,
    };
  });

  const unassigned: SampleDayPlan['unassigned'] = plan.unassigned.map((u) => {
    const p = pointOf(u.serviceJobId);
    return {
      serviceJobId: u.serviceJobId,
      code: u.reason,
      reason: UNASSIGNED_REASONS[u.reason] ?? u.reason,
      ...(p !== undefined ? { lat: p.lat, lon: p.lon } : {}),
      window: null,
      skills: [...(built.jobs.get(u.serviceJobId)?.skills ?? [])],
    };
  });

  let travel = 0;
  let service = 0;
  let overtime = 0;
  for (const r of plan.routes) {
    travel += r.travel;
    service += r.service;
    overtime += r.overtime;
  }
  let shiftTotal = 0;
  for (const t of built.problem.technicians) shiftTotal += (t.shift.end - t.shift.start) * 1000;
  const jobs = built.problem.jobs.length;
  const planned = plan.appointments.length;
  const midnight = DateTime.fromISO(day, { zone: input.timeZone }).startOf('day').toUTC().toISO()!;
  return {
    planId: input.label,
    status: 'simulated',
    storeId: input.storeId,
    date: day,
    timeZone: input.timeZone,
    generatedAt: midnight,
    // The simulated day has no "now": midnight keeps the current-time line off the timeline.
    now: midnight,
    kpis: {
      jobsInScope: jobs,
      jobsPlanned: planned,
      demandCoveredPct: jobs === 0 ? 100 : round((100 * planned) / jobs, 1),
      travelHours: round(travel / 3_600_000, 2),
      serviceHours: round(service / 3_600_000, 2),
      utilisationPct: shiftTotal > 0 ? round((100 * service) / shiftTotal, 1) : 0,
      overtimeHours: round(overtime / 3_600_000, 2),
      onTimeRisk: atRisk,
      techniciansUsed: routes.filter((r) => r.stops.length > 0).length,
      techniciansAvailable: technicians.filter((t) => t.shift !== null).length,
    },
    bounds: boundsOf(drawn),
    technicians,
    routes,
    unassigned,
  };
}
