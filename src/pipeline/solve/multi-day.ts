/**
 * Service jobs longer than a day's work: a job that no qualified route (skills, team size,
 * territory) can serve whole from a start its windows allow is planned as k parts on
 * consecutive working days of one technician (or crew), linked by a `consecutive-days` link
 * (docs/problem-format.md#multi-day-visits).
 *
 * The rule: a route's day holds stretches of work between its breaks (a break is not taken
 * during service; the drive from home and back counted), on the planning grid. A job stays
 * whole when some qualified route holds it in one stretch from a start inside one of its
 * windows. Otherwise it becomes the fewest k parts of equal length (on the grid, the last one
 * shorter) that one team can serve: the first part from a start inside one of the job's
 * windows, each later part in a stretch of the team's next shift, as the solver chains them.
 * When no team's shifts in the horizon can, the parts are the fewest a day of the best route
 * holds (the solver then gives the reason).
 * The first part keeps the job's id, windows, pin and rules: it is the appointment Amazon gets;
 * the later parts have no window of their own (any time of their day's shift).
 */
import type { Job, Link, Technician } from '../../../solver/problem.ts';

/** Id of part k ≥ 2 of a job: `<serviceJobId>#part<k>` (part 1 is the job's own id). */
const PART_MARK = '#part';

/** Id of part `k` of a job (part 1 is the job's own id). */
export function partId(serviceJobId: string, k: number): string {
  return k === 1 ? serviceJobId : `${serviceJobId}${PART_MARK}${k}`;
}

/** The service job a later part belongs to, and its number; undefined for any other id. */
export function partOf(id: string): { serviceJobId: string; part: number } | undefined {
  const at = id.lastIndexOf(PART_MARK);
  if (at <= 0) return undefined;
  const part = Number(id.slice(at + PART_MARK.length));
  return Number.isInteger(part) && part >= 2 ? { serviceJobId: id.slice(0, at), part } : undefined;
}

/** A span of uninterrupted work a route's day allows (solver seconds): service starts at `from` at the earliest and ends by `to`. */
interface Stretch {
  from: number;
  to: number;
}

/**
 * The stretches of work one route's day allows for a job at `location`, between its breaks (a
 * break is not taken during service), counting the drive from home before the first and back
 * home after the last.
 */
function stretchesOf(route: Technician, location: number, durations: number[][]): Stretch[] {
  const there = durations[route.start]?.[location] ?? 0;
  const back = durations[location]?.[route.end ?? route.start] ?? 0;
  const breaks = [...(route.breaks ?? [])].sort((a, b) => a.window.start - b.window.start);
  // Each stretch runs from the end of a break taken as early as it may be to the latest start of the next.
  let from = route.shift.start + there;
  const out: Stretch[] = [];
  for (const b of breaks) {
    out.push({ from, to: Math.min(b.window.end, route.shift.end - back) });
    from = Math.max(from, b.window.start) + b.duration;
  }
  out.push({ from, to: route.shift.end - back });
  return out.filter((x) => x.to > x.from);
}

const onGrid = (seconds: number, g: number): number => Math.max(0, Math.floor(seconds / g) * g);

/** Seconds of uninterrupted work one route's day holds: its longest stretch, rounded down to the grid. */
function dayHolds(stretches: readonly Stretch[], g: number): number {
  return onGrid(Math.max(0, ...stretches.map((x) => x.to - x.from)), g);
}

/**
 * Seconds of work the route's day holds from a start inside one of the job's windows (any start
 * when the job has none): the longest run from the earliest such start in a stretch to the
 * stretch's end, rounded down to the grid.
 */
function windowHolds(stretches: readonly Stretch[], job: Job, g: number): number {
  if (job.windows === undefined || job.windows.length === 0) return dayHolds(stretches, g);
  let longest = 0;
  for (const w of job.windows)
    for (const x of stretches) {
      const start = Math.max(w.start, x.from);
      if (start <= Math.min(w.end, x.to)) longest = Math.max(longest, x.to - start);
    }
  return onGrid(longest, g);
}

function qualified(job: Job, route: Technician): boolean {
  const skills = new Set([...(route.skills ?? []), ...Object.keys(route.skillLevels ?? {})]);
  if (!(job.skills ?? []).every((s) => skills.has(s))) return false;
  if ((route.members?.length ?? 1) < (job.technicians ?? 1)) return false;
  return route.allowedJobs === undefined || route.allowedJobs.includes(job.id);
}

/** Lengths of `k` parts of a job of `duration` seconds: equal on the grid, the last one shorter. */
function partsOf(duration: number, k: number, g: number): number[] {
  const each = Math.ceil(duration / k / g) * g;
  const lengths = Array.from({ length: k - 1 }, () => each);
  lengths.push(duration - each * (k - 1));
  return lengths.filter((l) => l > 0);
}

/** Part lengths of a job of `duration` seconds when a day holds `day` seconds (all on the grid). */
export function partLengths(duration: number, day: number, g: number): number[] {
  if (day <= 0 || duration <= day) return [duration];
  return partsOf(duration, Math.ceil(duration / day), g);
}

/** The teams' shifts: per route the next route of the same people by shift start (−1 = none), as the solver chains parts. */
interface Shifts {
  next: readonly number[];
  /** The most shifts one team works in the horizon: no job has more parts. */
  most: number;
}

function nextRoutes(routes: readonly Technician[]): Shifts {
  const next = routes.map(() => -1);
  const byTeam = new Map<string, number[]>();
  routes.forEach((route, r) => {
    const key = [...(route.members ?? [route.id])].sort().join('\u0000');
    byTeam.set(key, [...(byTeam.get(key) ?? []), r]);
  });
  for (const list of byTeam.values()) {
    list.sort((a, b) => routes[a]!.shift.start - routes[b]!.shift.start || a - b);
    for (let k = 0; k + 1 < list.length; k++) next[list[k]!] = list[k + 1]!;
  }
  return { next, most: Math.max(0, ...[...byTeam.values()].map((list) => list.length)) };
}

/** What the routes offer a job: per route, its first part's room (from a window) and a later part's room (0 = not qualified). */
interface Room extends Shifts {
  first: number[];
  later: number[];
}

function roomFor(
  job: Job,
  routes: readonly Technician[],
  shifts: Shifts,
  durations: number[][],
  g: number,
): Room {
  const first: number[] = [];
  const later: number[] = [];
  for (const route of routes) {
    const ok = qualified(job, route);
    const stretches = ok ? stretchesOf(route, job.location, durations) : [];
    first.push(ok ? windowHolds(stretches, job, g) : 0);
    later.push(ok ? dayHolds(stretches, g) : 0);
  }
  return { first, later, ...shifts };
}

/** Whether some route takes the first part from one of its windows and its team's next shifts the later parts. */
function chainHolds(lengths: readonly number[], room: Room): boolean {
  return room.first.some((first, r) => {
    if (first < lengths[0]!) return false;
    let at = r;
    for (const length of lengths.slice(1)) {
      at = room.next[at]!;
      if (at < 0 || room.later[at]! < length) return false;
    }
    return true;
  });
}

/**
 * The parts a job is planned in: whole when some qualified route can serve it from a start in
 * one of its windows; else the fewest equal parts that one team can serve, the first from a
 * window and each later one on the team's next shift. When no team's shifts in the horizon can,
 * the parts a day of the best route holds (the solver then gives the reason).
 */
function lengthsFor(job: Job, room: Room, g: number): number[] {
  if (room.first.some((first) => first >= job.duration)) return [job.duration];
  const day = Math.max(0, ...room.later);
  if (day <= 0) return [job.duration];
  const most = Math.min(room.most, Math.ceil(job.duration / g));
  for (let k = 2; k <= most; k++) {
    const lengths = partsOf(job.duration, k, g);
    if (chainHolds(lengths, room)) return lengths;
  }
  return partLengths(job.duration, day, g);
}

/** What the split is told besides the jobs and routes. */
export interface SplitContext {
  durations: number[][];
  g: number;
  /** Frozen work (under way): never split. */
  frozen: ReadonlySet<string>;
  /** Where a later part stays (a placement kept from an earlier pass or run), if anywhere. */
  keptPart: (id: string) => Job['pin'];
}

/**
 * The jobs with every long one split into parts, and the links that chain each split job's
 * parts. Frozen work is never split; a job kept where it was is split as before, its first
 * part where it was and each later part where it was.
 */
export function splitLongJobs(
  jobs: readonly Job[],
  routes: readonly Technician[],
  { durations, g, frozen, keptPart }: SplitContext,
): { jobs: Job[]; links: Link[] } {
  const out: Job[] = [];
  const links: Link[] = [];
  const shifts = nextRoutes(routes);
  for (const job of jobs) {
    const lengths = frozen.has(job.id)
      ? [job.duration]
      : lengthsFor(job, roomFor(job, routes, shifts, durations, g), g);
    if (lengths.length === 1) {
      out.push(job);
      continue;
    }
    const ids = lengths.map((_, k) => partId(job.id, k + 1));
    const scaled = (length: number): Record<string, number> | undefined => {
      if (job.durationByTechnician === undefined) return undefined;
      const by: Record<string, number> = {};
      for (const [route, d] of Object.entries(job.durationByTechnician))
        by[route] = Math.ceil((d * length) / job.duration / g) * g;
      return by;
    };
    lengths.forEach((length, k) => {
      const by = scaled(length);
      const { windows: _w, pin: _p, mandatory: _m, durationByTechnician: _d, ...rules } = job;
      const base: Job = k === 0 ? { ...job } : { ...rules };
      const part: Job = { ...base, id: ids[k]!, duration: length };
      const kept = k === 0 ? undefined : keptPart(ids[k]!);
      if (kept !== undefined) part.pin = kept;
      if (by !== undefined) part.durationByTechnician = by;
      else delete part.durationByTechnician;
      out.push(part);
    });
    links.push({ kind: 'consecutive-days', jobs: ids });
  }
  return { jobs: out, links };
}

/** Routes' territories list job ids: a later part may go wherever its first part may. */
export function allowPartsLikeTheirJob(routes: Technician[], jobs: readonly Job[]): void {
  const parts = new Map<string, string[]>();
  for (const job of jobs) {
    const owner = partOf(job.id);
    if (owner === undefined) continue;
    const list = parts.get(owner.serviceJobId);
    if (list) list.push(job.id);
    else parts.set(owner.serviceJobId, [job.id]);
  }
  if (parts.size === 0) return;
  for (const r of routes) {
    if (r.allowedJobs === undefined) continue;
    r.allowedJobs = r.allowedJobs.flatMap((id) => [id, ...(parts.get(id) ?? [])]);
  }
}
