/**
 * A seeded store-day as a dispatcher lives it: the day's plan applied at 06:00 local, then
 * optimize-today (the API's own run options) later in the day, with nobody or one technician
 * out. The clock is pinned to a fixed day for the sandbox and the runs alike. Amazon's state
 * is read back with getServiceJobs, as any other client of the seller would see it.
 */
import { DateTime } from 'luxon';
import { todayRun } from '../../../api/routes/optimize.ts';
import { performance } from 'node:perf_hooks';
import { solve } from '../../../solver/index.ts';
import { runPlanning, type RunResult } from '../../../src/pipeline/run.ts';
import type { SolveRequest } from '../../../src/pipeline/solve/solve-in-worker.ts';
import { parseServiceJob } from '../../../src/pipeline/read/service-job.ts';
import type { PipelineStorePort } from '../../../src/pipeline/ports.ts';
import type { RunDeps } from '../../../src/pipeline/run.ts';
import { deps, runOptions, sqliteStore, startWorld, tempDir, type World } from './world.ts';

const TODAY = '2026-11-24';
const TODAY_ZONE = 'America/Los_Angeles';

/** An active appointment as Amazon holds it. */
export interface HeldAppointment {
  serviceJobId: string;
  appointmentId: string;
  start: number;
  minutes: number;
  technicianIds: string[];
}

export interface StoreDay {
  world: World;
  store: PipelineStorePort;
  deps: RunDeps;
  storeId: string;
  /** Moves the shared clock to a local time of the day (`HH:mm`). */
  at(time: string): number;
  now(): number;
  /** Moves the shared clock to an instant. */
  set(instant: number): void;
  /** The day's plan, applied. */
  morning: RunResult;
  close(): Promise<void>;
}

export interface StoreDayOptions {
  seed: number;
  technicians: number;
  jobs: number;
  /** Solver iterations of the morning plan (default 300). */
  iterations?: number;
}

/** In-process (no worker to start per solve): with an iteration budget the plan is the same. */
function solveHere(req: SolveRequest): Promise<ReturnType<typeof solve>> {
  return Promise.resolve(
    solve(req.problem, {
      seed: req.seed ?? 1,
      clock: () => performance.now(),
      ...(req.maxIterations !== undefined ? { maxIterations: req.maxIterations } : {}),
      ...(req.timeLimitMs !== undefined ? { timeLimitMs: req.timeLimitMs } : {}),
    }),
  );
}

export async function storeDay(o: StoreDayOptions): Promise<StoreDay> {
  let now = DateTime.fromISO(`${TODAY}T06:00`, { zone: TODAY_ZONE }).toMillis();
  const clock = (): Date => new Date(now);
  const world = await startWorld({
    seed: o.seed,
    technicians: o.technicians,
    jobs: o.jobs,
    stores: 1,
    clock,
    date: TODAY,
  });
  const store = await sqliteStore(tempDir());
  const d = { ...deps(world, store), clock, solve: solveHere };
  try {
    const morning = await runPlanning(runOptions(world, { solverIterations: o.iterations ?? 300 }), d);
    return {
      world,
      store,
      deps: d,
      storeId: world.config.stores[0]!.storeId,
      at(time: string) {
        now = DateTime.fromISO(`${TODAY}T${time}`, { zone: TODAY_ZONE }).toMillis();
        return now;
      },
      now: () => now,
      set(instant: number) {
        now = instant;
      },
      morning,
      async close() {
        await store.close();
        await world.close();
      },
    };
  } catch (err) {
    await store.close();
    await world.close();
    throw err;
  }
}

export interface TodayOptions {
  apply: boolean;
  unavailable?: string[];
  freezeMinutes?: number;
  iterations?: number;
  budgetMs?: number;
}

/** Optimize-today as the API runs it, with a fixed iteration budget and seed (reproducible). */
export async function optimizeToday(day: StoreDay, o: TodayOptions): Promise<RunResult> {
  const request = todayRun(
    {
      storeId: day.storeId,
      apply: o.apply,
      // A freeze horizon makes the run solve (no shortcut through the unchanged plan).
      freezeMinutes: o.freezeMinutes ?? 60,
      unavailableTechnicians: o.unavailable ?? [],
      timeBudgetMs: o.budgetMs ?? 5000,
    },
    TODAY,
  );
  return runPlanning(
    {
      ...request,
      marketplaceId: day.world.sandbox.marketplaceId,
      solverSeconds: undefined,
      solverIterations: o.iterations ?? 150,
      seed: 1,
    },
    day.deps,
  );
}

/** Active appointments per job, read back with getServiceJobs (every page). */
export async function readBack(day: StoreDay): Promise<Map<string, HeldAppointment>> {
  const out = new Map<string, HeldAppointment>();
  const pages = day.world.services.listServiceJobs({
    marketplaceId: day.world.sandbox.marketplaceId,
    storeIds: [day.storeId],
    createdAfter: new Date(day.now() - 90 * 86_400_000).toISOString(),
  });
  for await (const page of pages) {
    for (const raw of page.jobs) {
      const parsed = parseServiceJob(raw);
      if (!parsed.ok) throw new Error(`getServiceJobs returned a job the engine cannot read`);
      for (const a of parsed.job.appointments ?? []) {
        if (
          a.appointmentStatus !== 'ACTIVE' ||
          a.appointmentId === undefined ||
          a.appointmentTime === undefined
        )
          continue;
        out.set(parsed.job.serviceJobId, {
          serviceJobId: parsed.job.serviceJobId,
          appointmentId: a.appointmentId,
          start: Date.parse(a.appointmentTime.startTime),
          minutes: a.appointmentTime.durationInMinutes,
          technicianIds: (a.assignedTechnicians ?? [])
            .map((t) => t.technicianId)
            .filter((t): t is string => t !== undefined)
            .sort(),
        });
      }
    }
  }
  return out;
}

/** Per technician, their active appointments starting after `after` (the sandbox's own view). */
function visitsAfter(day: StoreDay, after: number): Map<string, HeldAppointment[]> {
  const out = new Map<string, HeldAppointment[]>();
  for (const a of day.world.sandbox.snapshot().appointments) {
    if (a.status !== 'ACTIVE' || Date.parse(a.startTime) <= after) continue;
    const held: HeldAppointment = {
      serviceJobId: a.serviceJobId,
      appointmentId: a.appointmentId,
      start: Date.parse(a.startTime),
      minutes: a.durationInMinutes,
      technicianIds: [...a.technicianIds].sort(),
    };
    for (const t of a.technicianIds) out.set(t, [...(out.get(t) ?? []), held]);
  }
  return out;
}

/** The technician with the most visits still to come (ties: the smaller id). */
export function busiest(day: StoreDay, after: number): string | undefined {
  return [...visitsAfter(day, after).entries()].sort(
    (a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]),
  )[0]?.[0];
}

/**
 * A technician to send home with a visit under way and more to come: the one with the most
 * visits today, at five minutes past the start of their first one. Moves the clock there.
 */
export function technicianUnderWay(day: StoreDay): string | undefined {
  const horizon = day.morning.plan.horizon;
  const mine = new Map<string, number[]>();
  for (const a of day.world.sandbox.snapshot().appointments) {
    const start = Date.parse(a.startTime);
    if (a.status !== 'ACTIVE' || start < horizon.start || start >= horizon.end) continue;
    for (const t of a.technicianIds) mine.set(t, [...(mine.get(t) ?? []), start]);
  }
  const pick = [...mine.entries()]
    .map(([t, starts]) => [t, starts.sort((x, y) => x - y)] as const)
    .filter(([, starts]) => starts.length >= 2 && starts[starts.length - 1]! > starts[0]! + 5 * 60_000)
    .sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))[0];
  if (pick === undefined) return undefined;
  day.set(pick[1][0]! + 5 * 60_000);
  return pick[0];
}
