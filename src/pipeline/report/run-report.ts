/**
 * The run's report, step 8 of the planning run: per technician the route (stops, arrival,
 * service, travel, break), the jobs left out with their reasons, KPIs and the write-back
 * summary. Ids only: no buyer's name, phone or address ever enters it (the dispatcher copy is
 * a separate, opt-in file). src/report renders it as Markdown.
 */
import { hasKpiFacts, kpisOfPlan, planKpis, type PlanKpis } from '../../kpis/plan.ts';
import type { PlanningIssue } from '../issues.ts';
import type { WriteOperation } from '../write/operations.ts';
import type { Plan } from '../write/plan.ts';
import type { WriteBackResult } from '../write/write-back.ts';

interface ReportStop {
  serviceJobId: string;
  arrival: string;
  start: string;
  end: string;
  travelMinutes: number;
  waitMinutes: number;
  /** Minutes between the planned arrival and the latest start its window allows. */
  slackMinutes: number | undefined;
}

interface ReportRoute {
  routeId: string;
  technicianIds: string[];
  /** The technicians' names (their ids when the plan has none). */
  technicianNames: string[];
  day: string;
  timeZone: string;
  shift: { start: string; end: string };
  stops: ReportStop[];
  breaks: { start: string; end: string }[];
  travelMinutes: number;
  serviceMinutes: number;
  waitMinutes: number;
  overtimeMinutes: number;
  utilisationPct: number;
}

/** The KPIs of the plan: one computation and one set of definitions (src/kpis/plan.ts). */
export type ReportKpis = PlanKpis;

export interface PlanReport {
  planId: string;
  generatedAt: string;
  mode: 'dry-run' | 'apply';
  days: string[];
  storeIds: string[];
  /** The stores' names (their ids when the plan has none). */
  storeNames: string[];
  kpis: ReportKpis;
  routes: ReportRoute[];
  unassigned: { serviceJobId: string | undefined; code: string; level: string; reason: string }[];
  writeBack: {
    planned: Record<string, number>;
    callsMade: number;
    failures: { serviceJobId: string | undefined; operation: string; code: string; message: string }[];
    inDoubt: number;
  };
  timingsMs: Record<string, number>;
}

export interface ReportInput {
  planId: string;
  now: number;
  mode: 'dry-run' | 'apply';
  plan: Plan;
  issues: readonly PlanningIssue[];
  operations: readonly WriteOperation[];
  writeBack: WriteBackResult | undefined;
  /** Zone per technician, for local times in the Markdown (default: the route's store's). */
  timeZones?: ReadonlyMap<string, string> | undefined;
  timingsMs: Record<string, number>;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
const minutes = (ms: number): number => Math.round(ms / 60_000);
const round1 = (x: number): number => Math.round(x * 10) / 10;

export function buildReport(input: ReportInput): PlanReport {
  const { plan } = input;
  const names = plan.names ?? {};
  const nameOf = (id: string): string => names[id] ?? id;
  const routes: ReportRoute[] = plan.routes.map((r) => {
    const shiftMs = r.shift.end - r.shift.start;
    return {
      routeId: r.routeId,
      technicianIds: r.technicianIds,
      technicianNames: r.technicianIds.map(nameOf),
      day: r.day,
      timeZone: input.timeZones?.get(r.technicianIds[0] ?? '') ?? r.timeZone ?? 'UTC',
      shift: { start: iso(r.shift.start), end: iso(r.shift.end) },
      stops: r.stops.map((s) => {
        const latest = s.latestStart;
        return {
          serviceJobId: s.serviceJobId,
          arrival: iso(s.arrival),
          start: iso(s.start),
          end: iso(s.end),
          travelMinutes: minutes(s.travel),
          waitMinutes: minutes(s.waiting),
          slackMinutes: latest !== undefined ? minutes(latest - s.arrival) : undefined,
        };
      }),
      breaks: r.breaks.map((b) => ({ start: iso(b.start), end: iso(b.end) })),
      travelMinutes: minutes(r.travel),
      serviceMinutes: minutes(r.service),
      waitMinutes: minutes(r.waiting),
      overtimeMinutes: minutes(r.overtime),
      utilisationPct: shiftMs > 0 ? round1((100 * r.service) / shiftMs) : 0,
    };
  });
  const blocking = input.issues.filter((i) => i.level === 'error' && i.serviceJobId !== undefined);
  // A plan made before it recorded its roster: the routes' own shifts are the best known.
  const kpis = hasKpiFacts(plan)
    ? kpisOfPlan(plan)
    : planKpis({
        routes: plan.routes,
        shifts: plan.routes.flatMap((r) =>
          r.technicianIds.map((technicianId) => ({ technicianId, ...r.shift })),
        ),
        notPlanned: [...plan.unassigned.map((u) => u.serviceJobId), ...blocking.map((i) => i.serviceJobId!)],
      });
  const named = namer(names);

  const unassigned = [
    ...plan.unassigned.map((u) => ({
      serviceJobId: u.serviceJobId,
      code: u.booked === true ? 'BOOKED_NOT_SERVED' : 'UNASSIGNED',
      level: 'error',
      reason: named(u.detail !== undefined ? `${u.reason}: ${u.detail}` : `solver: ${u.reason}`),
    })),
    ...input.issues.map((i) => ({
      serviceJobId: i.serviceJobId,
      code: i.code,
      level: i.level,
      reason: named(i.detail),
    })),
  ];
  const plannedOps: Record<string, number> = {};
  for (const op of input.operations) {
    const names =
      op.op === 'appointment'
        ? [
            ...(op.set ? [op.set.kind === 'add' ? 'addAppointment' : 'rescheduleAppointment'] : []),
            ...(op.assign ? ['assignAppointmentResources'] : []),
          ]
        : [op.op];
    for (const n of names) plannedOps[n] = (plannedOps[n] ?? 0) + 1;
  }
  return {
    planId: input.planId,
    generatedAt: iso(input.now),
    mode: input.mode,
    days: plan.days,
    storeIds: plan.storeIds,
    storeNames: plan.storeIds.map(nameOf),
    kpis,
    routes,
    unassigned,
    writeBack: {
      planned: plannedOps,
      callsMade: input.writeBack?.calls ?? 0,
      failures: (input.writeBack?.failures ?? []).map((f) => ({
        serviceJobId: f.serviceJobId,
        operation: f.operation,
        code: f.code,
        message: f.message,
      })),
      inDoubt: input.writeBack?.inDoubt ?? 0,
    },
    timingsMs: input.timingsMs,
  };
}

/**
 * The report of a stored plan when the run that made it is gone (no issues, no write-back; ids
 * only). Its KPIs are worked out from what the plan recorded, exactly as the run's own report;
 * a plan stored before it recorded its roster shows the KPIs its run stored (`runKpis`), and
 * the routes' own figures for what those lack.
 */
export function storedPlanReport(planId: string, plan: Plan, now: number, runKpis?: unknown): PlanReport {
  const report = buildReport({
    planId,
    now,
    mode: 'apply',
    plan,
    issues: (plan.excluded ?? []).map((e) => ({
      serviceJobId: e.serviceJobId,
      code: e.code as PlanningIssue['code'],
      level: 'error' as const,
      detail: `${e.code}: kept out of the plan by its data (the run's report has the details)`,
    })),
    operations: [],
    writeBack: undefined,
    timingsMs: {},
  });
  if (hasKpiFacts(plan) || typeof runKpis !== 'object' || runKpis === null) return report;
  const stored = runKpis as Record<string, unknown>;
  const kpis = { ...report.kpis };
  for (const key of Object.keys(kpis) as (keyof ReportKpis)[]) {
    const v = stored[key];
    if (typeof v === 'number') kpis[key] = v;
  }
  return { ...report, kpis };
}

/**
 * Replaces the ids of stores and technicians in a text by their names (whole ids only, the
 * longest first, so `T1` never rewrites part of `T10`).
 */
function namer(names: Readonly<Record<string, string>>): (text: string) => string {
  const ids = Object.keys(names)
    .filter((id) => id !== '' && names[id] !== id)
    .sort((a, b) => b.length - a.length);
  if (ids.length === 0) return (text) => text;
  const escape = (x: string): string => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`(?<![\\w-])(?:${ids.map(escape).join('|')})(?![\\w-])`, 'g');
  return (text) => text.replace(pattern, (id) => names[id] ?? id);
}
