/**
 * The KPIs of a plan, or of a part of it (one store-day): the one computation behind the run's
 * report, `fieldplan report`, the dispatch board's KPI strip and the planned side of
 * `GET /v1/kpis`. Pure; counts, hours and shares only. Definitions (docs/planning-run.md#kpis):
 *
 * - jobs in scope: the jobs planned plus those left out (the solver's and those kept out by a
 *   blocking issue), each counted once;
 * - jobs planned: distinct jobs with a visit on a route in scope (a crew's visit counts once);
 * - demand covered: jobs planned / jobs in scope;
 * - travel, service and overtime hours: sums over the routes in scope;
 * - utilisation: planned service time / the shift time of every technician on shift in scope
 *   (routed or not); travel share: travel / (travel + service);
 * - on-time risk: jobs whose visit arrives less than 15 minutes before the latest start its
 *   window allows, or starts after it (late); late visits: jobs whose visit starts after it,
 *   and lateness the minutes by which they do;
 * - technicians used: distinct technicians with a visit; available: those on shift in scope.
 */
import type { Plan, PlannedRoute, PlannedStop, RosterShift } from '../pipeline/write/plan.ts';
import type { PlanningSetup } from '../pipeline/setup/planning-setup.ts';

export type { RosterShift };

/** An arrival less than this before the latest start counts as at risk. */
export const AT_RISK_MS = 15 * 60_000;

export interface PlanKpiScope {
  routes: readonly PlannedRoute[];
  /** The shifts of every technician available in the scope, whether the plan routes them or not. */
  shifts: readonly Pick<RosterShift, 'technicianId' | 'start' | 'end'>[];
  /** Jobs in scope the plan leaves out: the solver's and those kept out by a blocking issue. */
  notPlanned: readonly string[];
  /**
   * The latest start a visit's window allows (epoch ms), when known. Default: the one the plan
   * recorded on the stop.
   */
  latestStart?: ((stop: PlannedStop) => number | undefined) | undefined;
}

export interface PlanKpis {
  jobsInScope: number;
  jobsPlanned: number;
  jobsNotPlanned: number;
  demandCoveredPct: number;
  travelHours: number;
  serviceHours: number;
  utilisationPct: number;
  travelSharePct: number;
  overtimeHours: number;
  /** Jobs whose visit arrives less than 15 minutes before the latest start their window allows. */
  onTimeRisk: number;
  /** Jobs whose visit starts after the latest start their window allows. */
  lateVisits: number;
  latenessMinutes: number;
  techniciansUsed: number;
  techniciansAvailable: number;
}

export type StopRisk = 'ok' | 'at-risk' | 'late';

/** A visit's risk against the latest start its window allows (`ok` when that is not known). */
export function stopRisk(
  stop: Pick<PlannedStop, 'arrival' | 'start'>,
  latestStart: number | undefined,
): StopRisk {
  if (latestStart === undefined) return 'ok';
  if (stop.start > latestStart) return 'late';
  return latestStart - stop.arrival < AT_RISK_MS ? 'at-risk' : 'ok';
}

const HOUR = 3_600_000;
const round1 = (x: number): number => Math.round(x * 10) / 10;
const pct = (n: number, d: number): number => (d > 0 ? round1((100 * n) / d) : 0);

export function planKpis(scope: PlanKpiScope): PlanKpis {
  const latestOf = scope.latestStart ?? ((s: PlannedStop) => s.latestStart);
  let travel = 0;
  let service = 0;
  let overtime = 0;
  const planned = new Set<string>();
  const atRisk = new Set<string>();
  const lateBy = new Map<string, number>();
  const used = new Set<string>();
  for (const r of scope.routes) {
    travel += r.travel;
    service += r.service;
    overtime += r.overtime;
    if (r.stops.length > 0) for (const t of r.technicianIds) used.add(t);
    for (const s of r.stops) {
      planned.add(s.serviceJobId);
      const latest = latestOf(s);
      const risk = stopRisk(s, latest);
      if (risk !== 'ok') atRisk.add(s.serviceJobId);
      // A crew's visit is one stop on each member's route: the latest of its starts counts.
      if (risk === 'late' && latest !== undefined)
        lateBy.set(s.serviceJobId, Math.max(lateBy.get(s.serviceJobId) ?? 0, s.start - latest));
    }
  }
  const notPlanned = new Set(scope.notPlanned.filter((id) => !planned.has(id)));
  let shiftTime = 0;
  const available = new Set<string>();
  for (const s of scope.shifts) {
    shiftTime += s.end - s.start;
    available.add(s.technicianId);
  }
  const inScope = planned.size + notPlanned.size;
  let lateness = 0;
  for (const ms of lateBy.values()) lateness += ms;
  return {
    jobsInScope: inScope,
    jobsPlanned: planned.size,
    jobsNotPlanned: notPlanned.size,
    demandCoveredPct: inScope > 0 ? pct(planned.size, inScope) : 100,
    travelHours: round1(travel / HOUR),
    serviceHours: round1(service / HOUR),
    utilisationPct: pct(service, shiftTime),
    travelSharePct: pct(travel, travel + service),
    overtimeHours: round1(overtime / HOUR),
    onTimeRisk: atRisk.size,
    lateVisits: lateBy.size,
    latenessMinutes: Math.round(lateness / 60_000),
    techniciansUsed: used.size,
    techniciansAvailable: available.size,
  };
}

/** The shifts of every technician the setup has on the planned days. */
export function rosterOf(setup: Pick<PlanningSetup, 'technicians'>): RosterShift[] {
  return setup.technicians.flatMap((t) =>
    t.shifts.map((s) => ({
      technicianId: t.technicianId,
      storeId: t.storeIds[0] ?? '',
      day: s.day,
      start: s.start,
      end: s.end,
    })),
  );
}

/**
 * What the KPIs of a plan need besides its routes, recorded with the plan so that a stored
 * plan's KPIs are worked out exactly as the run's own: each visit's latest start, the shifts of
 * the technicians available, the jobs a blocking issue kept out, and the names of stores and
 * technicians for the reports.
 */
export function withKpiFacts(
  plan: Plan,
  facts: {
    setup: Pick<PlanningSetup, 'technicians' | 'stores'>;
    /** Jobs kept out of the plan by a blocking issue, with its code. */
    excluded: readonly { serviceJobId: string; code: string }[];
    latestStart: (stop: PlannedStop) => number | undefined;
  },
): Plan {
  const names: Record<string, string> = {};
  for (const s of facts.setup.stores) if (s.name !== undefined) names[s.storeId] = s.name;
  for (const t of facts.setup.technicians) if (t.name !== undefined) names[t.technicianId] = t.name;
  return {
    ...plan,
    routes: plan.routes.map((r) => ({
      ...r,
      stops: r.stops.map((s) => {
        const latest = facts.latestStart(s);
        return latest !== undefined ? { ...s, latestStart: latest } : s;
      }),
    })),
    roster: rosterOf(facts.setup),
    excluded: [...new Map(facts.excluded.map((e) => [e.serviceJobId, e])).values()].sort((a, b) =>
      a.serviceJobId.localeCompare(b.serviceJobId),
    ),
    names,
  };
}

/** Whether a stored plan carries what its KPIs are worked out from (plans made before it did not). */
export function hasKpiFacts(plan: Plan): plan is Plan & { roster: RosterShift[] } {
  return plan.roster !== undefined;
}

/** The KPIs of a whole plan. */
export function kpisOfPlan(plan: Plan & { roster: readonly RosterShift[] }): PlanKpis {
  return planKpis({
    routes: plan.routes,
    shifts: plan.roster,
    notPlanned: [
      ...plan.unassigned.map((u) => u.serviceJobId),
      ...(plan.excluded ?? []).map((e) => e.serviceJobId),
    ],
  });
}
