/**
 * Service jobs longer than a day's work: a job whose duration exceeds what one shift of every
 * qualified route can hold is planned as k parts on consecutive working days of one technician
 * (or crew), linked by a `consecutive-days` link (docs/problem-format.md#multi-day-visits).
 *
 * The rule: a route's day holds the longest stretch of work its shift and breaks allow (a break
 * is not taken during service; the drive from home and back counted), rounded down to the
 * planning grid; the job's day is the largest such day among the routes qualified for it
 * (skills, team size, territory). A job longer than that becomes
 * k = ⌈duration / day⌉ parts of equal length (rounded up to the grid, the last one shorter).
 * The first part keeps the job's id, windows, pin and rules: it is the appointment Amazon gets;
 * the later parts have no window of their own (any time of their day's shift).
 */
import type { Job, Link, Technician } from '../../../solver/problem.ts';

/** Id of part k ≥ 2 of a job: `<serviceJobId>#part<k>` (part 1 is the job's own id). */
const PART_MARK = '#part';

/** The service job a later part belongs to, and its number; undefined for any other id. */
export function partOf(id: string): { serviceJobId: string; part: number } | undefined {
  const at = id.lastIndexOf(PART_MARK);
  if (at <= 0) return undefined;
  const part = Number(id.slice(at + PART_MARK.length));
  return Number.isInteger(part) && part >= 2 ? { serviceJobId: id.slice(0, at), part } : undefined;
}

/**
 * Seconds of uninterrupted work one route's day holds for a job at `location`: the longest
 * stretch its breaks leave (a break is not taken during service), counting the drive from home
 * before the first stretch and back home after the last, rounded down to the grid.
 */
function dayHolds(route: Technician, location: number, durations: number[][], g: number): number {
  const there = durations[route.start]?.[location] ?? 0;
  const back = durations[location]?.[route.end ?? route.start] ?? 0;
  const breaks = [...(route.breaks ?? [])].sort((a, b) => a.window.start - b.window.start);
  // Each stretch runs from the end of a break taken as early as it may be to the latest start of the next.
  let from = route.shift.start + there;
  let longest = 0;
  for (const b of breaks) {
    longest = Math.max(longest, Math.min(b.window.end, route.shift.end - back) - from);
    from = Math.max(from, b.window.start) + b.duration;
  }
  longest = Math.max(longest, route.shift.end - back - from);
  return Math.floor(longest / g) * g;
}

function qualified(job: Job, route: Technician): boolean {
  const skills = new Set([...(route.skills ?? []), ...Object.keys(route.skillLevels ?? {})]);
  if (!(job.skills ?? []).every((s) => skills.has(s))) return false;
  if ((route.members?.length ?? 1) < (job.technicians ?? 1)) return false;
  return route.allowedJobs === undefined || route.allowedJobs.includes(job.id);
}

/** Part lengths of a job of `duration` seconds when a day holds `day` seconds (all on the grid). */
export function partLengths(duration: number, day: number, g: number): number[] {
  if (day <= 0 || duration <= day) return [duration];
  const k = Math.ceil(duration / day);
  const each = Math.ceil(duration / k / g) * g;
  const lengths = Array.from({ length: k - 1 }, () => each);
  lengths.push(duration - each * (k - 1));
  return lengths.filter((l) => l > 0);
}

/**
 * The jobs with every long one split into parts, and the links that chain each split job's
 * parts. Frozen work (a pinned start) is never split.
 */
export function splitLongJobs(
  jobs: readonly Job[],
  routes: readonly Technician[],
  durations: number[][],
  g: number,
): { jobs: Job[]; links: Link[] } {
  const out: Job[] = [];
  const links: Link[] = [];
  for (const job of jobs) {
    const day = Math.max(
      0,
      ...routes.filter((r) => qualified(job, r)).map((r) => dayHolds(r, job.location, durations, g)),
    );
    const lengths = job.pin?.start !== undefined ? [job.duration] : partLengths(job.duration, day, g);
    if (lengths.length === 1) {
      out.push(job);
      continue;
    }
    const ids = lengths.map((_, k) => (k === 0 ? job.id : `${job.id}${PART_MARK}${k + 1}`));
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
