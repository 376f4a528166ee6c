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

export interface SampleWindow {
  start: string;
  end: string;
}

export interface SampleStop {
  seq: number;
  serviceJobId: string;
  lat: number;
  lon: number;
  arrival: string;
  start: string;
  end: string;
  window: SampleWindow | null;
  skills: string[];
  risk: 'ok' | 'at-risk' | 'late';
}

export interface SampleRoute {
  routeId: string;
  technicianIds: string[];
  shift: SampleWindow;
  travelMinutes: number;
  serviceMinutes: number;
  overtimeMinutes: number;
  utilisationPct: number;
  stops: SampleStop[];
  blocks: {
    kind: 'travel' | 'service' | 'break' | 'wait';
    start: string;
    end: string;
    serviceJobId?: string;
  }[];
}

/** A sampled day's plan for one variant, in the board view's shape. */
export interface SampleDayPlan {
  planId: string;
  status: 'simulated';
  storeId: string;
  date: string;
  timeZone: string;
  generatedAt: string;
  now: string;
  kpis: {
    jobsInScope: number;
    jobsPlanned: number;
    demandCoveredPct: number;
    travelHours: number;
    serviceHours: number;
    utilisationPct: number;
    overtimeHours: number;
    onTimeRisk: number;
    techniciansUsed: number;
    techniciansAvailable: number;
  };
  bounds: [number, number, number, number];
  technicians: {
    resourceId: string;
    name: string;
    skills: string[];
    home: GeoPoint;
    shift: SampleWindow | null;
  }[];
  routes: SampleRoute[];
  unassigned: {
    serviceJobId: string;
    code: string;
    reason: string;
    lat?: number;
    lon?: number;
    window: SampleWindow | null;
    skills: string[];
  }[];
}

/** Arrival less than this before the window closes counts as at risk (as on the board). */
const AT_RISK_MS = 15 * 60_000;

const REASONS: Record<string, string> = {
  NO_SKILLED_TECHNICIAN: 'no technician on shift has every required skill',
  NO_TEAM_LARGE_ENOUGH: 'no crew is large enough for the job',
  OUTSIDE_TERRITORY: 'outside every suitable technician’s territory',
  PIN_UNSATISFIABLE: 'the fixed time or technician cannot be kept',
  EXCEEDS_CAPACITY: 'exceeds every vehicle’s capacity',
  NO_WINDOW_FITS: 'fits in no suitable technician’s day within its window',
  DISPLACED: 'fits alone, but more valuable work took the time',
};

const iso = (ms: number): string => new Date(ms).toISOString();
const minutes = (ms: number): number => Math.round(ms / 60_000);
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
  const windows = new Map(
    plan.appointments.map((a) => [
      a.serviceJobId,
      { start: a.time.start, end: a.time.start + a.time.minutes * 60_000 },
    ]),
  );
  const arrivalReading = setup.rules.appointmentTime === 'arrival-window';

  let atRisk = 0;
  const routes: SampleRoute[] = plan.routes.map((r) => {
    const stops: SampleStop[] = [];
    const blocks: SampleRoute['blocks'] = [];
    for (const [i, s] of r.stops.entries()) {
      const p = pointOf(s.serviceJobId) ?? { lat: 0, lon: 0 };
      const w = windows.get(s.serviceJobId);
      const latest = w === undefined ? undefined : arrivalReading ? w.end : w.start;
      const risk: SampleStop['risk'] =
        latest === undefined
          ? 'ok'
          : s.start > latest
            ? 'late'
            : latest - s.arrival < AT_RISK_MS
              ? 'at-risk'
              : 'ok';
      if (risk !== 'ok') atRisk += 1;
      stops.push({
        seq: i + 1,
        serviceJobId: s.serviceJobId,
        lat: p.lat,
        lon: p.lon,
        arrival: iso(s.arrival),
        start: iso(s.start),
        end: iso(s.end),
        window: w !== undefined ? { start: iso(w.start), end: iso(w.end) } : null,
        skills: [...(built.jobs.get(s.serviceJobId)?.skills ?? [])],
        risk,
      });
      if (s.travel > 0)
        blocks.push({ kind: 'travel', start: iso(s.arrival - s.travel), end: iso(s.arrival) });
      if (s.start > s.arrival) blocks.push({ kind: 'wait', start: iso(s.arrival), end: iso(s.start) });
      blocks.push({ kind: 'service', start: iso(s.start), end: iso(s.end), serviceJobId: s.serviceJobId });
    }
    const last = r.stops[r.stops.length - 1];
    if (last !== undefined && r.back > last.end)
      blocks.push({ kind: 'travel', start: iso(last.end), end: iso(r.back) });
    for (const b of r.breaks) blocks.push({ kind: 'break', start: iso(b.start), end: iso(b.end) });
    blocks.sort((a, b) => a.start.localeCompare(b.start));
    const shiftMs = r.shift.end - r.shift.start;
    return {
      routeId: r.routeId,
      technicianIds: r.technicianIds,
      shift: { start: iso(r.shift.start), end: iso(r.shift.end) },
      travelMinutes: minutes(r.travel),
      serviceMinutes: minutes(r.service),
      overtimeMinutes: minutes(r.overtime),
      utilisationPct: shiftMs > 0 ? round((100 * r.service) / shiftMs, 1) : 0,
      stops,
      blocks,
    };
  });

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
      reason: REASONS[u.reason] ?? u.reason,
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
  const lons = drawn.map((p) => p.lon);
  const lats = drawn.map((p) => p.lat);
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
    bounds:
      drawn.length > 0
        ? [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)]
        : [0, 0, 0, 0],
    technicians,
    routes,
    unassigned,
  };
}
