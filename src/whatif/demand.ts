/**
 * The demand a what-if samples from, and everything the simulation needs that takes I/O:
 * job templates (skills, duration, place, time-of-day windows) from one date's jobs in the
 * store or from the store's history at Amazon, technician homes and the store geocoded, and
 * the travel matrix over all of them. The result is plain data for the simulation worker.
 */
import { pullJobsShown } from '../pipeline/read/pull.ts';
import { silentProgress, type ProgressSink } from '../pipeline/progress.ts';
import { servicesPort } from '../pipeline/adapters/services.ts';
import { DateTime } from 'luxon';
import { resolveServiceDuration, type PlanningConfig } from '../config/index.ts';
import {
  locate,
  type Geocoder,
  type TravelMatrix,
  type TravelMatrixProvider,
} from '../pipeline/solve/geography.ts';
import { normaliseJobs, type PlannableJob } from '../pipeline/read/normalise.ts';
import type { PipelineStorePort } from '../pipeline/ports.ts';
import { setupFromConfig } from '../pipeline/setup/from-config.ts';
import type { GeoPoint, PlanningSetup } from '../pipeline/setup/planning-setup.ts';
import { formatWireTime } from '../schedule/index.ts';
import type { ServicesClient } from '../spapi/index.ts';
import {
  applyChanges,
  checkStaffing,
  ScenarioError,
  type WhatIfBase,
  type WhatIfChanges,
} from './scenario.ts';

export interface DemandTemplate {
  skills: string[];
  durationMinutes: number;
  postalCode: string;
  location: number;
  /** Start windows in local minutes after midnight; null = the store's slot grid. */
  windows: { startMin: number; endMin: number }[] | null;
  priority: number;
}

export type StaffingPercentile = 'p10' | 'median' | 'p90';

export interface StaffingOptions {
  /** The model technician of profile P (default: the store's technician whose skills cover the most demand). */
  like?: string | undefined;
  /** The percentile of the sampled days' served share that must reach the target (default median). */
  percentile?: StaffingPercentile | undefined;
  /** Most staffing levels simulated (default 8). */
  maxSteps?: number | undefined;
}

export interface WhatIfOptions {
  samples: number;
  seed: number;
  /** Solver iterations per simulated day (reproducible). */
  iterations: number;
  /** For the staffing bound: share of the demand to serve, in percent. */
  targetServedPct: number;
  /** Skill whose free capacity per slot is reported (default: the most demanded). */
  capacitySkill?: string | undefined;
  /** Carry one representative sampled day's plans, base and scenario (default true). */
  samplePlans?: boolean | undefined;
  /** Search the staffing answer on the simulation (src/whatif/staffing.ts); none when absent. */
  staffing?: StaffingOptions | undefined;
}

export interface PreparedWhatIf {
  storeId: string;
  timeZone: string;
  /** Local days samples are drawn on. */
  days: string[];
  base: PlanningConfig;
  scenario: PlanningConfig;
  changes: WhatIfChanges;
  templates: DemandTemplate[];
  /** Expected jobs per day before scaling. */
  rate: number;
  points: GeoPoint[];
  matrix: TravelMatrix;
  technicianLocation: Record<string, number>;
  storeLocation: number;
  options: WhatIfOptions;
}

export interface DemandDeps {
  config: PlanningConfig;
  store: PipelineStorePort;
  client: ServicesClient;
  geocoder: Geocoder;
  travel: TravelMatrixProvider;
  clock: () => Date;
  marketplaceId: string;
  /** The reads from Amazon (the date's pull, the history's pages); default: none shown. */
  progress?: ProgressSink;
}

type Obj = Record<string, unknown>;
const obj = (x: unknown): Obj => (typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Obj) : {});

const minutesOfDay = (ms: number, zone: string): number => {
  const d = DateTime.fromMillis(ms, { zone });
  return d.hour * 60 + d.minute;
};

function weekdaysOf(week: string, zone: string): string[] {
  const d = DateTime.fromISO(week, { zone });
  if (!d.isValid) throw new ScenarioError('base.week', 'expected a date YYYY-MM-DD');
  const monday = d.startOf('week');
  return [0, 1, 2, 3, 4].map((i) => monday.plus({ days: i }).toISODate()!);
}

async function dateTemplates(
  deps: DemandDeps,
  storeId: string,
  date: string,
): Promise<{ jobs: PlannableJob[]; setup: PlanningSetup }> {
  const setup = setupFromConfig(deps.config, { date, days: 1, storeIds: [storeId] });
  // The store's jobs as Amazon has them now (incremental after the first pull), so a what-if
  // on a server that has not planned yet sees the day's demand too. Reading only.
  await pullJobsShown(
    servicesPort(deps.client),
    deps.store,
    {
      storeIds: [storeId],
      marketplaceId: deps.marketplaceId,
      now: deps.clock().getTime(),
      lookbackDays: setup.rules.pullLookbackDays,
    },
    deps.progress ?? silentProgress,
  );
  const raws = await deps.store.plannableJobs([storeId], setup.horizon);
  const normalised = normaliseJobs(raws, setup, deps.clock().getTime());
  return { jobs: normalised.jobs, setup };
}

async function historyTemplates(
  deps: DemandDeps,
  storeId: string,
  zone: string,
  firstDay: string,
  lookbackDays: number,
): Promise<{ templates: Omit<DemandTemplate, 'location'>[]; workingDays: number }> {
  const end = DateTime.fromISO(firstDay, { zone }).startOf('day');
  const start = end.minus({ days: lookbackDays });
  const out: Omit<DemandTemplate, 'location'>[] = [];
  const step = (deps.progress ?? silentProgress).start('pull', 'Reading job history');
  let read = 0;
  for await (const job of deps.client.serviceJobs({
    marketplaceIds: [deps.marketplaceId],
    storeIds: [storeId],
    createdAfter: formatWireTime(start.toMillis()),
  })) {
    read += 1;
    step.update(read, undefined, `${lookbackDays} days back`);
    const j = obj(job);
    if (j.serviceJobStatus === 'NOT_FULFILLABLE' || j.serviceJobStatus === 'PAYMENT_DECLINED') continue;
    const created = Date.parse(String(j.createTime));
    if (!Number.isFinite(created) || created >= end.toMillis()) continue;
    const sow = obj(j.scopeOfWork);
    const skills = Array.isArray(sow.requiredSkills)
      ? sow.requiredSkills.filter((s): s is string => typeof s === 'string')
      : [];
    const postalCode = String(obj(obj(j.serviceLocation).address).postalCode ?? '');
    if (postalCode === '') continue;
    const appointment = (Array.isArray(j.appointments) ? j.appointments.map(obj) : []).find(
      (a) => a.appointmentStatus === 'ACTIVE' || a.appointmentStatus === 'COMPLETED',
    );
    const time = obj(appointment?.appointmentTime);
    const preferred = (
      Array.isArray(j.preferredAppointmentTimes) ? j.preferredAppointmentTimes.map(obj) : []
    )[0];
    const at = Date.parse(String(time.startTime ?? preferred?.startTime ?? ''));
    const duration = resolveServiceDuration(
      deps.config.serviceDurations,
      {
        asin: typeof sow.asin === 'string' ? sow.asin : undefined,
        quantity: typeof sow.quantity === 'number' ? sow.quantity : undefined,
        requiredSkills: skills,
        appointmentMinutes: typeof time.durationInMinutes === 'number' ? time.durationInMinutes : undefined,
      },
      deps.config.planning.defaultServiceMinutes,
    );
    const m = Number.isFinite(at) ? minutesOfDay(at, zone) : undefined;
    out.push({
      skills,
      durationMinutes: duration.minutes,
      postalCode,
      windows: m === undefined ? null : [{ startMin: m, endMin: m }],
      priority: 1,
    });
  }
  step.done(`${read} jobs read, ${out.length} kept as demand`);
  let workingDays = 0;
  for (let d = start; d < end; d = d.plus({ days: 1 })) if (d.weekday <= 5) workingDays += 1;
  return { templates: out, workingDays: Math.max(1, workingDays) };
}

export async function prepareWhatIf(
  deps: DemandDeps,
  storeId: string,
  base: WhatIfBase,
  changes: WhatIfChanges,
  options: WhatIfOptions,
): Promise<PreparedWhatIf> {
  const store = deps.config.stores.find((s) => s.storeId === storeId);
  if (store === undefined) throw new ScenarioError('storeId', `store ${storeId} is not in the crews config`);
  const zone = store.timeZone;
  const scenario = applyChanges(deps.config, storeId, changes);
  checkStaffing(scenario, storeId, options.staffing);

  let days: string[];
  let plain: Omit<DemandTemplate, 'location'>[];
  let rate: number;
  if (base.kind === 'date') {
    days = [base.date];
    const { jobs } = await dateTemplates(deps, storeId, base.date);
    const midnight = DateTime.fromISO(base.date, { zone }).startOf('day').toMillis();
    plain = jobs.map((j) => ({
      skills: [...j.skills],
      durationMinutes: j.durationMinutes,
      postalCode: j.postalCode,
      windows: j.windows.map((w) => ({
        startMin: Math.round((w.start - midnight) / 60_000),
        endMin: Math.round((w.end - midnight) / 60_000),
      })),
      priority: j.priority,
    }));
    rate = plain.length;
  } else {
    days = weekdaysOf(base.week, zone);
    const h = await historyTemplates(deps, storeId, zone, days[0]!, base.lookbackDays ?? 28);
    plain = h.templates;
    rate = plain.length / h.workingDays;
  }
  if (plain.length === 0)
    throw new ScenarioError(
      'base',
      'the base has no demand: no plannable jobs for that date or history for that week',
    );

  // One geocoding pass for the templates and every technician of both configs.
  const baseSetup = setupFromConfig(deps.config, { date: days[0]!, days: 1, storeIds: [storeId] });
  const scenarioSetup = setupFromConfig(scenario, { date: days[0]!, days: 1, storeIds: [storeId] });
  const merged: PlanningSetup = {
    ...baseSetup,
    technicians: [
      ...baseSetup.technicians,
      ...scenarioSetup.technicians.filter(
        (t) => !baseSetup.technicians.some((b) => b.technicianId === t.technicianId),
      ),
    ],
  };
  const fake = plain.map(
    (t, i) =>
      ({
        serviceJobId: `template-${i}`,
        postalCode: t.postalCode,
        countryCode: undefined,
      }) as unknown as PlannableJob,
  );
  const located = await locate(fake, merged, deps.geocoder);
  const templates: DemandTemplate[] = [];
  for (const [i, t] of plain.entries()) {
    const location = located.jobLocation.get(`template-${i}`);
    if (location !== undefined) templates.push({ ...t, location });
  }
  const storePlace = merged.stores[0]!.location;
  let storePoint: GeoPoint | undefined = 'point' in storePlace ? storePlace.point : undefined;
  if (storePoint === undefined && 'postalCode' in storePlace) {
    const r = await deps.geocoder.geocode({
      postalCode: storePlace.postalCode,
      countryCode: storePlace.countryCode,
    });
    if (r.ok) storePoint = { lat: r.lat, lon: r.lon };
  }
  const points = [...located.points, storePoint ?? located.points[0] ?? { lat: 0, lon: 0 }];
  const matrix = await deps.travel.matrix(points);
  return {
    storeId,
    timeZone: zone,
    days,
    base: deps.config,
    scenario,
    changes,
    templates,
    rate: rate * (templates.length / plain.length),
    points,
    matrix,
    technicianLocation: Object.fromEntries(located.technicianLocation),
    storeLocation: points.length - 1,
    options,
  };
}
