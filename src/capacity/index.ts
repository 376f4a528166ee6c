/**
 * Capacity report: per slot of a store over a date range, how many more jobs of one skill the
 * engine's current routes can really absorb (exact feasible insertion with travel, skills,
 * breaks and windows; see engine.ts), side by side with what Amazon reports for the same
 * slot. Ids, times and counts only.
 */
import { resolveServiceDuration } from '../config/index.ts';
import { formatWireTime, storeSlots } from '../schedule/index.ts';
import { planningDays } from '../pipeline/setup/from-config.ts';
import type { AmazonCapacityPort, AppointmentSlot, FixedSlot } from './amazon.ts';
import { loadDayModel, type DayModel, type DayModelDeps } from './day-model.ts';
import { engineCapacity, type EngineCapacity, type SlotSpec } from './engine.ts';

export { DayModelError, loadDayModel, type DayModel, type DayModelDeps } from './day-model.ts';
export { amazonCapacityPort } from './amazon.ts';
export { withProbes, routeFeasible } from './insertion.ts';

export interface CapacityQuery {
  storeId: string;
  /** Local dates, inclusive. */
  from: string;
  to: string;
  skill: string;
  slotMinutes: number;
  /** On-site minutes of the job asked about (default: the config's rule for the skill or its usual ASIN). */
  durationMinutes?: number | undefined;
}

export interface CapacityDeps extends DayModelDeps {
  amazon: AmazonCapacityPort;
  marketplaceId: string;
}

interface CapacitySlotView {
  start: string;
  end: string;
  label: string;
  engine: { capacity: number; byTechnician: { technicianId: string; capacity: number }[] };
  amazon: {
    /** Store AVAILABLE capacity, the minimum over the slot. */
    availableCapacity: number;
    scheduledCapacity: number;
    reservedCapacity: number;
    encumberedCapacity: number;
    /** The largest capacity of Amazon's appointment slots for the ASIN starting in this slot (null when none). */
    appointmentSlotCapacity: number | null;
  } | null;
  /** engine − Amazon's appointment slot capacity (or available capacity when no ASIN is known). */
  difference: number | null;
}

interface CapacityReport {
  storeId: string;
  from: string;
  to: string;
  skill: string;
  slotMinutes: number;
  durationMinutes: number;
  durationSource: string;
  asin: string | null;
  routesFrom: DayModel['routesFrom'];
  planId: string | null;
  /** Every stored plan the routes come from (a plan per day at most). */
  planIds: string[];
  /** When Amazon's side could not be read: the failing operation's error code. */
  amazonError: string | null;
  slots: CapacitySlotView[];
  totals: { engine: number; amazonAvailable: number | null; amazonAppointmentSlots: number | null };
}

export class CapacityQueryError extends Error {
  override readonly name = 'CapacityQueryError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Amazon's side could not be read, so nothing can be written against it. */
export class AmazonCapacityError extends Error {
  override readonly name = 'AmazonCapacityError';
  constructor(readonly code: string) {
    super(`Amazon's capacity could not be read (${code}); nothing was published`);
  }
}

export const MAX_CAPACITY_DAYS = 31;

export function daysBetween(from: string, to: string): string[] {
  if (to < from) throw new CapacityQueryError('to', `expected a date on or after from (${from})`);
  const out: string[] = [];
  for (const d of planningDays(from, MAX_CAPACITY_DAYS + 1)) {
    if (d > to) break;
    out.push(d);
  }
  if (out.length > MAX_CAPACITY_DAYS)
    throw new CapacityQueryError('to', `expected a range of at most ${MAX_CAPACITY_DAYS} days`);
  return out;
}

/** The slots of the store on the given days with the asked length, back to back from the grid's start. */
export function capacitySlots(
  model: DayModel,
  config: DayModelDeps['config'],
  storeId: string,
  slotMinutes: number,
): (SlotSpec & { label: string })[] {
  const store = config.stores.find((s) => s.storeId === storeId)!;
  const grid = { ...store.slotGrid, slotMinutes, stepMinutes: slotMinutes };
  return model.setup.days.flatMap((day) => storeSlots({ ...store, slotGrid: grid }, day));
}

/** The ASIN buyers of this store most often book for the skill (as the jobs show), for Amazon's slot read. */
function usualAsin(raws: readonly unknown[], skill: string): string | undefined {
  const counts = new Map<string, number>();
  for (const raw of raws) {
    const sow = (raw as { scopeOfWork?: { asin?: unknown; requiredSkills?: unknown } }).scopeOfWork;
    const skills = Array.isArray(sow?.requiredSkills) ? sow.requiredSkills : [];
    if (typeof sow?.asin === 'string' && skills.length === 1 && skills[0] === skill)
      counts.set(sow.asin, (counts.get(sow.asin) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}

export interface CapacityComputation {
  report: CapacityReport;
  model: DayModel;
  engine: EngineCapacity;
  fixed: FixedSlot[];
}

/** The visit length asked about: the query's, else the config's rule for the skill and its usual item. */
function queryDuration(model: DayModel, q: CapacityQuery, asin: string | undefined) {
  return q.durationMinutes !== undefined
    ? { minutes: q.durationMinutes, source: 'query' }
    : resolveServiceDuration(
        model.setup.rules.serviceDurations.map((r) => ({ ...r })) as Parameters<
          typeof resolveServiceDuration
        >[0],
        { asin, requiredSkills: [q.skill] },
        model.setup.rules.defaultServiceMinutes,
      );
}

export async function capacityReport(deps: CapacityDeps, q: CapacityQuery): Promise<CapacityComputation> {
  const days = daysBetween(q.from, q.to);
  const model = await loadDayModel(deps, {
    storeId: q.storeId,
    from: q.from,
    days: days.length,
    marketplaceId: deps.marketplaceId,
  });
  if (!model.setup.technicians.some((t) => t.skills.includes(q.skill))) {
    const known = [...new Set(model.setup.technicians.flatMap((t) => t.skills))].sort().join(', ');
    throw new CapacityQueryError(
      'skill',
      `no technician of store ${q.storeId} has skill ${q.skill}; expected one of ${known}`,
    );
  }
  const asin = usualAsin(model.raws, q.skill);
  const duration = queryDuration(model, q, asin);
  const slots = capacitySlots(model, deps.config, q.storeId, q.slotMinutes);
  const engine = engineCapacity(model, slots, {
    skills: [q.skill],
    durationMinutes: duration.minutes,
    location: model.storeLocation,
  });

  let fixed: FixedSlot[] = [];
  let offered: AppointmentSlot[] = [];
  let amazonError: string | null = null;
  if (slots.length > 0) {
    try {
      for (const day of days) {
        const daySlots = slots.filter((s) => model.setup.days.includes(day) && dayOf(model, s.start) === day);
        if (daySlots.length === 0) continue;
        const start = daySlots[0]!.start;
        const end = daySlots[daySlots.length - 1]!.end;
        fixed.push(
          ...(await deps.amazon.fixedSlots(deps.marketplaceId, q.storeId, start, end, q.slotMinutes)),
        );
      }
      if (asin !== undefined) {
        offered = await deps.amazon.appointmentSlots(
          deps.marketplaceId,
          q.storeId,
          asin,
          slots[0]!.start,
          slots[slots.length - 1]!.end,
        );
      }
    } catch (err) {
      amazonError = errorCode(err);
      fixed = [];
      offered = [];
    }
  }

  const views: CapacitySlotView[] = engine.slots.map((s, i) => {
    const f = fixed.find((x) => x.start === s.start);
    const inSlot = offered.filter((o) => o.start >= s.start && o.start < s.end);
    const appointmentSlotCapacity =
      asin === undefined || amazonError !== null
        ? null
        : inSlot.length > 0
          ? Math.max(...inSlot.map((o) => o.capacity))
          : 0;
    const amazon =
      f === undefined
        ? null
        : {
            availableCapacity: f.available,
            scheduledCapacity: f.scheduled,
            reservedCapacity: f.reserved,
            encumberedCapacity: f.encumbered,
            appointmentSlotCapacity,
          };
    const theirs = amazon === null ? null : (appointmentSlotCapacity ?? amazon.availableCapacity);
    return {
      start: formatWireTime(s.start),
      end: formatWireTime(s.end),
      label: slots[i]!.label,
      engine: {
        capacity: s.capacity,
        byTechnician: s.routes.map((r) => ({ technicianId: r.technicianId, capacity: r.count })),
      },
      amazon,
      difference: theirs === null ? null : s.capacity - theirs,
    };
  });
  const sum = (xs: (number | null)[]): number | null =>
    xs.some((x) => x === null) ? null : xs.reduce<number>((a, b) => a + (b ?? 0), 0);
  return {
    model,
    engine,
    fixed,
    report: {
      storeId: q.storeId,
      from: q.from,
      to: q.to,
      skill: q.skill,
      slotMinutes: q.slotMinutes,
      durationMinutes: duration.minutes,
      durationSource: duration.source,
      asin: asin ?? null,
      routesFrom: model.routesFrom,
      planId: model.planId ?? null,
      planIds: model.planIds,
      amazonError,
      slots: views,
      totals: {
        engine: views.reduce((n, v) => n + v.engine.capacity, 0),
        amazonAvailable: views.length === 0 ? 0 : sum(views.map((v) => v.amazon?.availableCapacity ?? null)),
        amazonAppointmentSlots:
          views.length === 0 ? 0 : sum(views.map((v) => v.amazon?.appointmentSlotCapacity ?? null)),
      },
    },
  };
}

function dayOf(model: DayModel, instant: number): string | undefined {
  const zone = model.setup.stores[0]!.timeZone;
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(instant));
}

function errorCode(err: unknown): string {
  const e = err as { code?: unknown; status?: unknown; name?: unknown };
  const code = typeof e.code === 'string' ? e.code : typeof e.name === 'string' ? e.name : 'ERROR';
  return typeof e.status === 'number' ? `${e.status} ${code}` : code;
}
