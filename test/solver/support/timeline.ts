/**
 * Earliest-start timing of a given visit order, written for the tests only (brute force
 * and best-known route files), separately from the solver and from the checker.
 */
import type { Job, Problem, Technician } from '../../../solver/problem.ts';
import type { PlannedBreak, Route, Visit } from '../../../solver/solution.ts';

/** Where a break goes: in gap g (after g visits), before the travel of that gap or after it. */
export interface BreakSlot {
  gap: number;
  afterTravel: boolean;
}

export function timeRoute(
  problem: Problem,
  technician: Technician,
  jobIds: string[],
  breakSlots: BreakSlot[] = [],
): Route | undefined {
  const jobs = new Map(problem.jobs.map((j) => [j.id, j]));
  const durations = problem.matrices.durations;
  const distances = problem.matrices.distances ?? durations;
  const speed = technician.speedFactor ?? 1;
  const breaks = technician.breaks ?? [];
  const open = technician.end === null;
  const endLocation = technician.end ?? technician.start;
  let t = technician.shift.start;
  let location = technician.start;
  let travelDuration = 0;
  let travelDistance = 0;
  let serviceDuration = 0;
  let waitingDuration = 0;
  const visits: Visit[] = [];
  const planned: PlannedBreak[] = [];
  const load: number[] = [...(technician.capacity ?? [])].map(() => 0);

  const takeBreaks = (gap: number, afterTravel: boolean): boolean => {
    const here = breaks
      .map((b, i) => ({ b, slot: breakSlots[i] ?? { gap: 0, afterTravel: false } }))
      .filter(({ slot }) => slot.gap === gap && slot.afterTravel === afterTravel)
      .sort((x, y) => x.b.window.start - y.b.window.start);
    for (const { b } of here) {
      const start = Math.max(t, b.window.start);
      if (start > b.window.end) return false;
      planned.push({
        ...(b.id !== undefined ? { id: b.id } : {}),
        start,
        end: start + b.duration,
        afterVisits: gap,
      });
      t = start + b.duration;
    }
    return true;
  };

  for (let g = 0; g <= jobIds.length; g++) {
    const id = jobIds[g];
    const job: Job | undefined = id === undefined ? undefined : jobs.get(id);
    if (id !== undefined && !job) throw new Error(`unknown job ${id}`);
    if (!takeBreaks(g, false)) return undefined;
    if (job || !open) {
      const to = job ? job.location : endLocation;
      const travel = (durations[location]?.[to] ?? NaN) / speed;
      travelDuration += travel;
      travelDistance += distances[location]?.[to] ?? NaN;
      t += travel;
    }
    const arrival = t;
    if (!takeBreaks(g, true)) return undefined;
    if (!job) break;
    const windows =
      job.windows && job.windows.length > 0 ? job.windows : [{ start: -Infinity, end: Infinity }];
    const starts = windows.filter((w) => w.end >= t).map((w) => Math.max(t, w.start));
    if (starts.length === 0) return undefined;
    const start = Math.min(...starts);
    const service = job.durationByTechnician?.[technician.id] ?? job.duration;
    visits.push({ job: job.id, arrival, start, end: start + service, waiting: start - arrival, lateness: 0 });
    waitingDuration += start - arrival;
    serviceDuration += service;
    (job.load ?? []).forEach((amount, d) => {
      load[d] = (load[d] ?? 0) + amount;
    });
    t = start + service;
    location = job.location;
  }
  if (t > technician.shift.end + (technician.overtime ?? 0)) return undefined;
  return {
    technician: technician.id,
    visits,
    breaks: planned,
    start: technician.shift.start,
    end: t,
    travelDuration,
    travelDistance,
    serviceDuration,
    waitingDuration,
    overtime: Math.max(0, t - technician.shift.end),
    load,
  };
}
