/**
 * The run's report, step 8 of the planning run: per technician the route (stops, arrival,
 * service, travel, break), the jobs left out with their reasons, KPIs and the write-back
 * summary. Ids only: no buyer's name, phone or address ever enters it (the dispatcher copy is
 * a separate, opt-in file). src/report renders it as Markdown.
 */
import type { PlanningIssue } from './issues.ts';
import type { WriteOperation } from './operations.ts';
import type { Plan } from './plan.ts';
import type { WriteBackResult } from './write-back.ts';

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

export interface ReportKpis {
  jobsInScope: number;
  jobsPlanned: number;
  demandCoveredPct: number;
  travelHours: number;
  serviceHours: number;
  utilisationPct: number;
  overtimeHours: number;
  /** Visits arriving less than 15 minutes before the latest start their window allows. */
  onTimeRisk: number;
  techniciansUsed: number;
  techniciansAvailable: number;
}

export interface PlanReport {
  planId: string;
  generatedAt: string;
  mode: 'dry-run' | 'apply';
  days: string[];
  storeIds: string[];
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
  /** Latest allowed start per job (epoch ms), for the on-time risk. */
  latestStart: ReadonlyMap<string, number>;
  /** Zone per technician, for local times in the Markdown. */
  timeZones: ReadonlyMap<string, string>;
  /** Total shift time available in the horizon (ms). */
  shiftTime: number;
  techniciansAvailable: number;
  timingsMs: Record<string, number>;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
const minutes = (ms: number): number => Math.round(ms / 60_000);
const round1 = (x: number): number => Math.round(x * 10) / 10;

export function buildReport(input: ReportInput): PlanReport {
  const { plan } = input;
  const routes: ReportRoute[] = plan.routes.map((r) => {
    const shiftMs = r.shift.end - r.shift.start;
    return {
      routeId: r.routeId,
      technicianIds: r.technicianIds,
      day: r.day,
      timeZone: input.timeZones.get(r.technicianIds[0] ?? '') ?? r.timeZone ?? 'UTC',
      shift: { start: iso(r.shift.start), end: iso(r.shift.end) },
      stops: r.stops.map((s) => {
        const latest = input.latestStart.get(s.serviceJobId);
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
  const planned = plan.appointments.length;
  const blocking = input.issues.filter((i) => i.level === 'error').length;
  const inScope = planned + plan.unassigned.length + blocking;
  const travel = plan.routes.reduce((n, r) => n + r.travel, 0);
  const service = plan.routes.reduce((n, r) => n + r.service, 0);
  const overtime = plan.routes.reduce((n, r) => n + r.overtime, 0);
  const onTimeRisk = routes
    .flatMap((r) => r.stops)
    .filter((s) => s.slackMinutes !== undefined && s.slackMinutes < 15).length;

  const unassigned = [
    ...plan.unassigned.map((u) => ({
      serviceJobId: u.serviceJobId,
      code: u.booked === true ? 'BOOKED_NOT_SERVED' : 'UNASSIGNED',
      level: 'error',
      reason: u.detail !== undefined ? `${u.reason}: ${u.detail}` : `solver: ${u.reason}`,
    })),
    ...input.issues.map((i) => ({
      serviceJobId: i.serviceJobId,
      code: i.code,
      level: i.level,
      reason: i.detail,
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
    kpis: {
      jobsInScope: inScope,
      jobsPlanned: planned,
      demandCoveredPct: inScope > 0 ? round1((100 * planned) / inScope) : 100,
      travelHours: round1(travel / 3_600_000),
      serviceHours: round1(service / 3_600_000),
      utilisationPct: input.shiftTime > 0 ? round1((100 * service) / input.shiftTime) : 0,
      overtimeHours: round1(overtime / 3_600_000),
      onTimeRisk,
      techniciansUsed: new Set(plan.routes.flatMap((r) => r.technicianIds)).size,
      techniciansAvailable: input.techniciansAvailable,
    },
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
 * only). `runKpis`: the KPIs the run stored with the plan, shown as they are, so this report
 * and the run's own agree; without them (an older plan) they are worked out from the routes.
 */
export function storedPlanReport(planId: string, plan: Plan, now: number, runKpis?: unknown): PlanReport {
  const report = buildReport({
    planId,
    now,
    mode: 'apply',
    plan,
    issues: [],
    operations: [],
    writeBack: undefined,
    latestStart: new Map(),
    timeZones: new Map(),
    shiftTime: plan.routes.reduce((n, r) => n + (r.shift.end - r.shift.start), 0),
    techniciansAvailable: plan.schedules.length,
    timingsMs: {},
  });
  return isReportKpis(runKpis, report.kpis) ? { ...report, kpis: runKpis } : report;
}

/** Whether `value` has every KPI of `shape` (a report's own), each of the same type. */
function isReportKpis(value: unknown, shape: ReportKpis): value is ReportKpis {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return Object.entries(shape).every(([k, x]) => typeof v[k] === typeof x);
}
