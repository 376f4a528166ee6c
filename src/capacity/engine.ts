/**
 * The engine's capacity: for each slot, how many more jobs of one kind (a skill, a service
 * duration, a place) the current routes can really absorb. Each slot is answered on its own
 * (as Amazon's slots are: taking a job in one slot is not assumed in the next). Per route the
 * answer is the exact maximum of `maxInsertions`; a slot's capacity is the sum over routes,
 * since extra jobs on different routes do not interact.
 */
import { compileProblem, type CompiledProblem, type Job, type Problem } from '../../solver/index.ts';
import { maxInsertions } from './insertion.ts';
import { mayServeAt } from '../geo/territory.ts';
import { memberTerritories, type DayModel } from './day-model.ts';

export interface ProbeSpec {
  /** Skills the extra jobs need (all of them). */
  skills: readonly string[];
  durationMinutes: number;
  /** Matrix index of the place the extra jobs are at (default: the store). */
  location: number;
}

export interface SlotSpec {
  /** Epoch ms. */
  start: number;
  end: number;
}

interface RouteCapacity {
  routeId: string;
  technicianId: string;
  count: number;
  gaps: number[];
}

interface EngineSlotCapacity extends SlotSpec {
  capacity: number;
  routes: RouteCapacity[];
}

export interface EngineCapacity {
  slots: EngineSlotCapacity[];
  /** The problem the answer was computed on (current jobs with their chosen windows, plus probe jobs). */
  problem: Problem;
  /** Its compiled form; null on a day nobody works (no route, so nothing to compile). */
  compiled: CompiledProblem | null;
  /** Probe job ids per slot, in order. */
  probes: string[][];
  /** Route sequences (job ids) per route id as they stand. */
  sequences: Map<string, string[]>;
}

/** Latest service start in a slot: the arrival window's end, or for service-interval appointments the slot end less the duration. */
function probeWindow(model: DayModel, slot: SlotSpec, minutes: number): { start: number; end: number } {
  const o = model.built.origin;
  const start = Math.max(0, (slot.start - o) / 1000);
  const end =
    model.setup.rules.appointmentTime === 'service-interval'
      ? Math.max(start, (slot.end - o) / 1000 - minutes * 60)
      : (slot.end - o) / 1000;
  return { start, end };
}

export function engineCapacity(
  model: DayModel,
  slots: readonly SlotSpec[],
  probe: ProbeSpec,
): EngineCapacity {
  const base = model.built.problem;
  const sec = (ms: number): number => (ms - model.built.origin) / 1000;

  // Work on the routes keeps the window it was planned in: that is what the buyer is told.
  const plannedStart = new Map<string, number>();
  for (const r of model.routes) for (const id of r.jobIds) plannedStart.set(id, NaN);
  const stopStarts = model.routeStarts;
  const jobs: Job[] = base.jobs.map((j) => {
    if (!plannedStart.has(j.id)) return j;
    const s = stopStarts.get(j.id);
    const windows = j.windows ?? [];
    if (s === undefined || windows.length <= 1) return j;
    const t = sec(s);
    const chosen = windows.find((w) => t >= w.start - 1e-6 && t <= w.end + 1e-6);
    return chosen !== undefined ? { ...j, windows: [chosen] } : j;
  });

  const probePoint = model.points[probe.location];
  const probeIds: string[][] = [];
  for (const [k, slot] of slots.entries()) {
    const window = probeWindow(model, slot, probe.durationMinutes);
    // At most floor(len / duration) + 1 can start in the window; one more lets the search prove it.
    const most = Math.floor((window.end - window.start) / (probe.durationMinutes * 60)) + 2;
    const ids: string[] = [];
    for (let i = 0; i < most; i++) {
      const id = `probe:${k}:${i}`;
      ids.push(id);
      jobs.push({
        id,
        location: probe.location,
        duration: probe.durationMinutes * 60,
        windows: [window],
        skills: [...probe.skills],
      });
    }
    probeIds.push(ids);
  }
  const allProbes = probeIds.flat();
  const technicians = base.technicians.map((t) => {
    if (t.allowedJobs === undefined) return t;
    const inside = mayServeAt(memberTerritories(model.setup, t), probePoint);
    return inside ? { ...t, allowedJobs: [...t.allowedJobs, ...allProbes] } : t;
  });
  const problem: Problem = { ...base, jobs, technicians };
  // A day no technician works (a weekend, a holiday) has no route to take anything: every
  // slot's capacity is 0, and there is no problem to compile.
  if (technicians.length === 0) {
    return {
      slots: slots.map((slot) => ({ ...slot, capacity: 0, routes: [] })),
      problem,
      compiled: null,
      probes: probeIds,
      sequences: new Map(),
    };
  }
  const cp = compileProblem(problem);
  const jobIndex = new Map(problem.jobs.map((j, i) => [j.id, i]));
  const techIndex = new Map(problem.technicians.map((t, i) => [t.id, i]));

  const sequences = new Map<string, string[]>();
  for (const t of problem.technicians) sequences.set(t.id, []);
  for (const r of model.routes) if (sequences.has(r.routeId)) sequences.set(r.routeId, [...r.jobIds]);

  const out: EngineSlotCapacity[] = [];
  for (const [k, slot] of slots.entries()) {
    const probes = probeIds[k]!.map((id) => jobIndex.get(id)!);
    const routes: RouteCapacity[] = [];
    let total = 0;
    for (const [routeId, ids] of sequences) {
      const t = techIndex.get(routeId)!;
      // Only routes whose shift meets the slot can take anything in it.
      if (cp.shiftStart[t]! > sec(slot.end) || cp.latestEnd[t]! < sec(slot.start)) continue;
      const seq = ids.map((id) => jobIndex.get(id)!);
      const r = maxInsertions(cp, t, seq, probes);
      if (r.count > 0) {
        const info = model.built.routes.get(routeId);
        routes.push({
          routeId,
          technicianId: info?.technicianIds[0] ?? routeId,
          count: r.count,
          gaps: r.gaps,
        });
        total += r.count;
      }
    }
    out.push({ ...slot, capacity: total, routes });
  }
  return { slots: out, problem, compiled: cp, probes: probeIds, sequences };
}
