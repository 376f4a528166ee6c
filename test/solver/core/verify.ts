/**
 * A plain re-check of a solution against the problem, written straight from the model's
 * rules (no code shared with the solver), for the tests of this folder.
 */
import type { Problem } from '../../../solver/problem.ts';
import type { Solution } from '../../../solver/solution.ts';

const EPS = 1e-6;

export function violations(problem: Problem, solution: Solution): string[] {
  const out: string[] = [];
  const jobs = new Map(problem.jobs.map((j) => [j.id, j]));
  const seen = new Set<string>();
  const soft = problem.objective?.softWindows;
  for (const route of solution.routes) {
    const tech = problem.technicians.find((t) => t.id === route.technician);
    if (!tech) {
      out.push(`unknown technician ${route.technician}`);
      continue;
    }
    const speed = tech.speedFactor ?? 1;
    const travel = (a: number, b: number): number => problem.matrices.durations[a]![b]! / speed;
    if (route.start < tech.shift.start - EPS) out.push(`${tech.id} leaves before its shift`);
    let loc = tech.start;
    let free = route.start;
    let travelSum = 0;
    const load: number[] = [];
    route.visits.forEach((visit, i) => {
      const job = jobs.get(visit.job);
      if (!job) return out.push(`unknown job ${visit.job}`);
      if (seen.has(job.id)) out.push(`${job.id} served twice`);
      seen.add(job.id);
      const breaks = route.breaks.filter((b) => b.afterVisits === i);
      const breakTime = breaks.reduce((s, b) => s + b.end - b.start, 0);
      const t = travel(loc, job.location);
      travelSum += t;
      if (visit.start - free < t + breakTime - EPS)
        out.push(`${job.id}: gap too short for travel and breaks`);
      for (const b of breaks)
        if (b.start < free - EPS || b.end > visit.start + EPS) out.push(`break outside its gap`);
      if (visit.arrival < free + t - EPS) out.push(`${job.id}: arrives too early`);
      if (visit.start < visit.arrival - EPS) out.push(`${job.id}: starts before arrival`);
      const windows =
        job.pin?.start !== undefined ? [{ start: job.pin.start, end: job.pin.start }] : (job.windows ?? []);
      if (windows.length > 0) {
        const late = soft && job.pin?.start === undefined ? soft.maxLateness : 0;
        if (!windows.some((w) => visit.start >= w.start - EPS && visit.start <= w.end + late + EPS)) {
          out.push(`${job.id}: start outside its windows`);
        }
      }
      const duration = job.durationByTechnician?.[tech.id] ?? job.duration;
      if (Math.abs(visit.end - visit.start - duration) > EPS) out.push(`${job.id}: wrong duration`);
      for (const s of job.skills ?? [])
        if (!(tech.skills ?? []).includes(s)) out.push(`${job.id}: missing skill ${s}`);
      if ((job.technicians ?? 1) > (tech.members?.length ?? 1)) out.push(`${job.id}: team too small`);
      if (tech.allowedJobs && !tech.allowedJobs.includes(job.id)) out.push(`${job.id}: outside territory`);
      if (job.pin?.technician !== undefined && job.pin.technician !== tech.id)
        out.push(`${job.id}: pin technician`);
      if (job.pin?.position !== undefined && job.pin.position !== i) out.push(`${job.id}: pin position`);
      (job.load ?? []).forEach((q, d) => (load[d] = (load[d] ?? 0) + q));
      loc = job.location;
      free = visit.end;
    });
    // Breaks after the last visit may sit before or after the way back: the travel must fit
    // in the part of [last service end, route end] they leave free.
    const last = route.breaks.filter((b) => b.afterVisits === route.visits.length);
    let onBreak = 0;
    let breakFree = free;
    for (const b of [...last].sort((x, y) => x.start - y.start)) {
      if (b.start < breakFree - EPS) out.push('final break overlaps');
      if (b.end > route.end + EPS) out.push('final break after the route end');
      onBreak += b.end - b.start;
      breakFree = b.end;
    }
    const endLoc = tech.end === undefined ? tech.start : tech.end;
    let back = 0;
    if (endLoc !== null) {
      back = travel(loc, endLoc);
      travelSum += back;
    }
    if (route.end - free - onBreak < back - EPS) out.push(`${tech.id}: ends too early`);
    if (route.end > tech.shift.end + (tech.overtime ?? 0) + EPS) out.push(`${tech.id}: ends after the shift`);
    if (tech.maxWorkTime !== undefined && route.end - route.start > tech.maxWorkTime + EPS)
      out.push(`${tech.id}: works too long`);
    if (tech.maxTravelTime !== undefined && travelSum > tech.maxTravelTime + EPS)
      out.push(`${tech.id}: travels too long`);
    const planned = new Set(route.breaks.map((b) => b.id));
    for (const brk of tech.breaks ?? []) {
      const b = route.breaks.find((x) => x.id === brk.id);
      if (!b || !planned.has(brk.id)) out.push(`${tech.id}: break missing`);
      else if (b.start < brk.window.start - EPS || b.start > brk.window.end + EPS)
        out.push(`${tech.id}: break outside window`);
      else if (Math.abs(b.end - b.start - brk.duration) > EPS) out.push(`${tech.id}: break duration`);
    }
    load.forEach((q, d) => {
      if (q > (tech.capacity?.[d] ?? 0) + EPS) out.push(`${tech.id}: over capacity`);
    });
  }
  for (const u of solution.unassigned) {
    if (seen.has(u.job)) out.push(`${u.job} both served and unassigned`);
    seen.add(u.job);
  }
  for (const job of problem.jobs) if (!seen.has(job.id)) out.push(`${job.id} missing from the solution`);
  return out;
}
