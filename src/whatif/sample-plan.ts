/**
 * One sampled day of a what-if as the dispatch board draws a plan (the `GET /v1/board`
 * shape): routes with stops, blocks and risk, technicians, jobs left out, KPIs and bounds.
 * Sampled jobs have made-up ids (`s<sample>-j<n>`) and sit at postal-code centroids; no
 * buyer's data is involved. Plain computation (runs in the simulation worker).
 */
import { DateTime } from 'luxon';
import type { PlanningConfig } from '../config/index.ts';
import { planFromSolution } from '../pipeline/write/plan.ts';
import type { GeoPoint, PlanningSetup } from '../pipeline/setup/planning-setup.ts';
import type { BuiltProblem } from '../pipeline/solve/build-problem.ts';
import type { Located } from '../pipeline/solve/geography.ts';
import type { Solution } from '../../solver/index.ts';
import type { ReportKpis } from '../pipeline/report/run-report.ts';
import { planKpis, rosterOf } from '../kpis/plan.ts';
import {
  appointmentWindows,
  boardRoute,
  boundsOf,
  iso,
  latestStartOf,
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
    kpis: planKpis({
      routes: plan.routes,
      shifts: rosterOf(setup).filter((x) => x.day === day),
      notPlanned: built.problem.jobs.map((j) => j.id),
      latestStart: latestStartOf(windows, arrivalReading),
    }),
    bounds: boundsOf(drawn),
    technicians,
    routes,
    unassigned,
  };
}
