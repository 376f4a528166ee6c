/**
 * The dispatch board's shape of a plan's day (`GET /v1/board`, and a what-if's sampled days):
 * per technician the route with its stops, blocks (travel, wait, service, break) and risk;
 * the jobs left out with their reasons; KPIs and the bounds of everything drawn. The shapes
 * are the API contract's (api/contract/board.ts); where the points come from and whether a
 * buyer's data is added is the caller's business: this module only turns a planned route into
 * its drawn form.
 */
import type { BoardRoute, BoardStop, BoardView, Interval } from '../../api/contract/board.ts';
import { stopRisk } from '../kpis/plan.ts';
import type { PlannedRoute, PlannedStop } from '../pipeline/write/plan.ts';
import type { GeoPoint } from '../pipeline/setup/planning-setup.ts';

export type { BoardRoute, BoardTechnician, BoardUnassigned, RefusedCall } from '../../api/contract/board.ts';
export type Window = Interval;
export type { GeoPoint };

/** What the board draws for one store's day. */
export type BoardDay = BoardView;

/** Arrival less than this before the window closes counts as at risk (as in the report). */
/** The solver's reasons for leaving a job out, as a dispatcher reads them. */
export const UNASSIGNED_REASONS: Record<string, string> = {
  NO_SKILLED_TECHNICIAN: 'no technician on shift has every required skill',
  NO_PERMITTED_TECHNICIAN: 'the job’s required or excluded technicians rule out everyone skilled',
  NO_TEAM_LARGE_ENOUGH: 'no crew is large enough for the job',
  OUTSIDE_TERRITORY: 'outside every suitable technician’s territory',
  PIN_UNSATISFIABLE: 'the fixed time or technician cannot be kept',
  EXCEEDS_CAPACITY: 'exceeds every vehicle’s capacity',
  NO_WINDOW_FITS: 'fits in no suitable technician’s day within its window',
  DISPLACED: 'fits alone, but more valuable work took the time',
};

export const iso = (ms: number): string => new Date(ms).toISOString();
const minutes = (ms: number): number => Math.round(ms / 60_000);
const round1 = (x: number): number => Math.round(x * 10) / 10;

/** Each appointment's interval (epoch ms), by job. */
export type AppointmentWindows = ReadonlyMap<string, { start: number; end: number }>;

export interface StopDetails {
  point: GeoPoint | undefined;
  skills: string[];
  buyer?: { name: string; address: string } | undefined;
}

/**
 * The latest start of a visit: the one the plan recorded with it; for a plan that recorded none,
 * its appointment's end when appointments are arrival windows (`arrivalWindow`), its start
 * otherwise (the appointment is the visit itself).
 */
export function latestStartOf(
  windows: AppointmentWindows,
  arrivalWindow: boolean,
): (stop: Pick<PlannedStop, 'serviceJobId' | 'latestStart'>) => number | undefined {
  return (stop) => {
    if (stop.latestStart !== undefined) return stop.latestStart;
    const w = windows.get(stop.serviceJobId);
    return w === undefined ? undefined : arrivalWindow ? w.end : w.start;
  };
}

/** One planned route as the board draws it; each stop's risk as the KPIs count it (src/kpis/plan.ts). */
export function boardRoute(
  r: PlannedRoute,
  windows: AppointmentWindows,
  arrivalWindow: boolean,
  details: (serviceJobId: string) => StopDetails,
): BoardRoute {
  const stops: BoardStop[] = [];
  const blocks: BoardRoute['blocks'] = [];
  const latestOf = latestStartOf(windows, arrivalWindow);
  for (const [i, s] of r.stops.entries()) {
    const d = details(s.serviceJobId);
    const p = d.point ?? { lat: 0, lon: 0 };
    const w = windows.get(s.serviceJobId);
    const risk: BoardStop['risk'] = stopRisk(s, latestOf(s));
    stops.push({
      seq: i + 1,
      serviceJobId: s.serviceJobId,
      lat: p.lat,
      lon: p.lon,
      arrival: iso(s.arrival),
      start: iso(s.start),
      end: iso(s.end),
      window: w !== undefined ? { start: iso(w.start), end: iso(w.end) } : null,
      skills: d.skills,
      risk,
      ...(d.buyer !== undefined ? { buyer: d.buyer } : {}),
    });
    if (s.travel > 0) blocks.push({ kind: 'travel', start: iso(s.arrival - s.travel), end: iso(s.arrival) });
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
    utilisationPct: shiftMs > 0 ? round1((100 * r.service) / shiftMs) : 0,
    stops,
    blocks,
  };
}

/** Appointment intervals of a plan, by job. */
export function appointmentWindows(
  appointments: readonly { serviceJobId: string; time: { start: number; minutes: number } }[],
): AppointmentWindows {
  return new Map(
    appointments.map((a) => [
      a.serviceJobId,
      { start: a.time.start, end: a.time.start + a.time.minutes * 60_000 },
    ]),
  );
}

/** [west, south, east, north] of the points; zeros when there are none. */
export function boundsOf(points: readonly GeoPoint[]): [number, number, number, number] {
  if (points.length === 0) return [0, 0, 0, 0];
  const lons = points.map((p) => p.lon);
  const lats = points.map((p) => p.lat);
  return [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
}
