/**
 * Exhaustive search for tiny problems with linked visits (hard windows, no breaks, solo
 * technicians or one-person routes on several days, travel by duration): every way to put the visits of the served jobs on routes,
 * in every order, timed by its own propagation of common starts and precedence delays.
 * Lexicographic objective: most jobs served, then least travel.
 */
import type { Problem } from '../../../solver/problem.ts';

interface Visit {
  job: number;
  member: number;
}

export interface LinkedOptimum {
  served: number;
  travel: number;
}

export function exhaustiveLinked(problem: Problem): LinkedOptimum {
  const { jobs, technicians } = problem;
  const dur = problem.matrices.durations;
  const visits: Visit[] = [];
  jobs.forEach((job, i) => {
    for (let k = 0; k < (job.technicians ?? 1); k++) visits.push({ job: i, member: k });
  });
  const index = new Map(jobs.map((j, i) => [j.id, i]));
  const links = problem.links ?? [];

  const qualified = (v: Visit, t: number): boolean => {
    const job = jobs[v.job]!;
    const has = new Set(technicians[t]!.skills ?? []);
    const need = [...(job.skills ?? []), ...(job.memberSkills?.[v.member] ?? [])];
    return need.every((s) => has.has(s));
  };

  /** Starts of every visit, or null when the plan cannot be timed. */
  const time = (routes: number[][]): Float64Array | null => {
    const release = new Float64Array(visits.length).fill(-Infinity);
    const start = new Float64Array(visits.length);
    const placed = new Set(routes.flat());
    for (let round = 0; round < 200; round++) {
      for (let t = 0; t < routes.length; t++) {
        const tech = technicians[t]!;
        let clock = tech.shift.start;
        let at = tech.start;
        for (const v of routes[t]!) {
          const job = jobs[visits[v]!.job]!;
          const w = job.windows?.[0];
          const s = Math.max(clock + dur[at]![job.location]!, w?.start ?? -Infinity, release[v]!);
          if (w && s > w.end + 1e-9) return null;
          start[v] = s;
          clock = s + job.duration;
          at = job.location;
        }
        if (routes[t]!.length > 0 && clock + dur[at]![tech.start]! > tech.shift.end + 1e-9) return null;
      }
      let moved = false;
      const raise = (v: number, to: number): void => {
        if (placed.has(v) && start[v]! < to - 1e-9) {
          release[v] = to;
          moved = true;
        }
      };
      const firstOf = (i: number): number => visits.findIndex((v) => v.job === i);
      visits.forEach((v, k) => {
        const lead = firstOf(v.job);
        if (!placed.has(k)) return;
        raise(k, start[lead]!);
        raise(lead, start[k]!);
      });
      for (const l of links) {
        if (l.kind !== 'precedence') continue;
        const a = firstOf(index.get(l.from)!);
        const b = firstOf(index.get(l.to)!);
        if (!placed.has(a) || !placed.has(b)) continue;
        raise(b, start[a]! + (l.minDelay ?? 0));
        if (l.maxDelay !== undefined) raise(a, start[b]! - l.maxDelay);
      }
      if (!moved) return start;
    }
    return null;
  };

  const routeLinksHold = (routes: number[][]): boolean => {
    const routeOf = new Int32Array(visits.length).fill(-1);
    routes.forEach((seq, t) => seq.forEach((v) => (routeOf[v] = t)));
    const routesOfJob = (i: number): number[] =>
      visits.flatMap((v, k) => (v.job === i && routeOf[k]! >= 0 ? [routeOf[k]!] : []));
    for (let i = 0; i < jobs.length; i++) {
      const rs = routesOfJob(i);
      if (new Set(rs).size < rs.length) return false;
    }
    for (const l of links) {
      if (l.kind === 'precedence') continue;
      const rs = l.jobs.flatMap((id) => routesOfJob(index.get(id)!));
      if (l.kind === 'same-technician' && new Set(rs).size > 1) return false;
      if (l.kind === 'different-technicians' && new Set(rs).size < rs.length) return false;
      if (l.kind === 'consecutive-days') {
        for (let k = 1; k < rs.length; k++) if (nextShift(rs[k - 1]!) !== rs[k]) return false;
      }
    }
    return true;
  };
  /** The same people's next route: the least later shift start among routes with these members. */
  const people = (t: number): string =>
    JSON.stringify([...(technicians[t]!.members ?? [technicians[t]!.id])].sort());
  const nextShift = (t: number): number => {
    let best = -1;
    technicians.forEach((other, k) => {
      if (k === t || people(k) !== people(t)) return;
      const s = other.shift.start;
      const mine = technicians[t]!.shift.start;
      if (s < mine || (s === mine && k < t)) return;
      if (best < 0 || s < technicians[best]!.shift.start) best = k;
    });
    return best;
  };

  let best: LinkedOptimum = { served: -1, travel: Infinity };
  const travelOf = (routes: number[][]): number => {
    let total = 0;
    routes.forEach((seq, t) => {
      if (seq.length === 0) return;
      let at = technicians[t]!.start;
      for (const v of seq) {
        const loc = jobs[visits[v]!.job]!.location;
        total += dur[at]![loc]!;
        at = loc;
      }
      total += dur[at]![technicians[t]!.start]!;
    });
    return total;
  };

  // Served sets: all or none per job, and linked jobs together.
  const linkedJobs = links.map((l) =>
    (l.kind === 'precedence' ? [l.from, l.to] : l.jobs).map((id) => index.get(id)!),
  );
  for (let mask = 0; mask < 1 << jobs.length; mask++) {
    if (linkedJobs.some((group) => new Set(group.map((i) => (mask >> i) & 1)).size > 1)) continue;
    let served = 0;
    for (let i = 0; i < jobs.length; i++) if ((mask >> i) & 1) served++;
    if (served < best.served) continue;
    const chosen = visits.flatMap((v, k) => ((mask >> v.job) & 1 ? [k] : []));
    const routes: number[][] = technicians.map(() => []);
    const place = (n: number): void => {
      if (n === chosen.length) {
        if (!routeLinksHold(routes) || time(routes) === null) return;
        const travel = travelOf(routes);
        if (served > best.served || travel < best.travel - 1e-9) best = { served, travel };
        return;
      }
      const v = chosen[n]!;
      for (let t = 0; t < routes.length; t++) {
        if (!qualified(visits[v]!, t)) continue;
        const seq = routes[t]!;
        for (let p = 0; p <= seq.length; p++) {
          seq.splice(p, 0, v);
          place(n + 1);
          seq.splice(p, 1);
        }
      }
    };
    place(0);
  }
  return best;
}
