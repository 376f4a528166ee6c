/**
 * A what-if scenario: a base (one date's jobs, or demand sampled from the store's history for a
 * week) and changes to the crews and the demand. Changes to crews and the slot grid are applied
 * to the planning config itself, so the scenario is planned exactly as a real day would be.
 */
import type { PlanningConfig } from '../config/index.ts';
import { WEEKDAYS } from '../config/index.ts';

export type WhatIfBase =
  | { kind: 'date'; date: string }
  | {
      kind: 'history';
      /** Any date of the week to simulate; its weekdays are sampled. */
      week: string;
      /** Days of history the demand is drawn from (default 28). */
      lookbackDays?: number | undefined;
    };

type Weekday = (typeof WEEKDAYS)[number];

interface AddTechnician {
  /** An existing technician whose home, time zone, lunch and stores the new one shares. */
  like: string;
  skills?: string[] | undefined;
  shift?: { start: string; end: string } | undefined;
  count?: number | undefined;
  /** Only on these weekdays (default: the days the model technician works, or Monday to Friday with `shift`). */
  weekdays?: Weekday[] | undefined;
  /** Only from this local date on, and / or up to this one (inclusive), YYYY-MM-DD. */
  from?: string | undefined;
  to?: string | undefined;
}

export interface WhatIfChanges {
  addTechnicians?: AddTechnician[] | undefined;
  removeTechnicians?: string[] | undefined;
  setSkills?: { technicianId: string; skills: string[] }[] | undefined;
  /** The same local shift on every working day, or on the given weekdays only (the others stay). */
  setShifts?:
    { technicianId: string; start: string; end: string; weekdays?: Weekday[] | undefined }[] | undefined;
  /** The store closed on a date or an inclusive range of dates: none of its technicians works then. */
  closeStore?: { date: string; to?: string | undefined }[] | undefined;
  /** Demand multiplied for jobs with this skill and/or whose postal code starts with this prefix. */
  scaleDemand?:
    { skill?: string | undefined; postalPrefix?: string | undefined; factor: number }[] | undefined;
  /** Service durations multiplied for jobs with this skill (all jobs without a skill). */
  scaleDurations?: { skill?: string | undefined; factor: number }[] | undefined;
  /** The store's arrival windows, in minutes (jobs without preferred times are offered these). */
  slotMinutes?: number | undefined;
}

export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export const addedTechnicianId = (i: number): string => `WHATIF-${String(i + 1).padStart(3, '0')}`;

/** The reason a store closure gives the technicians' days off. */
export const STORE_CLOSED = 'store closed';

/** The crews config with the scenario's changes; throws ScenarioError naming the change that cannot apply. */
export function applyChanges(
  config: PlanningConfig,
  storeId: string,
  changes: WhatIfChanges,
): PlanningConfig {
  const known = new Set(config.technicians.map((t) => t.resourceId));
  const check = (id: string, field: string): void => {
    if (!known.has(id))
      throw new ScenarioError(field, `unknown technician ${id}; expected a resource id of the crews config`);
  };
  const removed = new Set(changes.removeTechnicians ?? []);
  for (const [i, id] of [...removed].entries()) check(id, `changes.removeTechnicians[${i}]`);
  let technicians = config.technicians.filter((t) => !removed.has(t.resourceId)).map((t) => ({ ...t }));
  for (const [i, s] of (changes.setSkills ?? []).entries()) {
    check(s.technicianId, `changes.setSkills[${i}].technicianId`);
    technicians = technicians.map((t) =>
      t.resourceId === s.technicianId ? { ...t, skills: [...s.skills] } : t,
    );
  }
  const everyDay = (start: string, end: string) =>
    Object.fromEntries(
      WEEKDAYS.filter((d) => d !== 'saturday' && d !== 'sunday').map((d) => [d, { start, end }]),
    );
  for (const [i, s] of (changes.setShifts ?? []).entries()) {
    check(s.technicianId, `changes.setShifts[${i}].technicianId`);
    if (s.end <= s.start)
      throw new ScenarioError(`changes.setShifts[${i}].end`, 'expected a shift end after its start');
    const days = checkWeekdays(s.weekdays, `changes.setShifts[${i}].weekdays`);
    technicians = technicians.map((t) =>
      t.resourceId === s.technicianId
        ? ({
            ...t,
            shifts: days === undefined ? everyDay(s.start, s.end) : { ...t.shifts, ...onDays(days, s) },
          } as typeof t)
        : t,
    );
  }
  let added = 0;
  for (const [i, a] of (changes.addTechnicians ?? []).entries()) {
    const field = `changes.addTechnicians[${i}]`;
    check(a.like, `${field}.like`);
    const model = config.technicians.find((t) => t.resourceId === a.like)!;
    const shifts = addedShifts(model.shifts, a, field);
    const exceptions = outsideRange(a.from, a.to, field);
    for (let n = 0; n < (a.count ?? 1); n++) {
      technicians.push({
        ...model,
        resourceId: addedTechnicianId(added++),
        name: 'Added technician',
        skills: a.skills !== undefined ? [...a.skills] : [...model.skills],
        shifts: shifts as typeof model.shifts,
        exceptions: exceptions as typeof model.exceptions,
      });
    }
  }
  const closed = (changes.closeStore ?? []).map((c, i) => {
    const field = `changes.closeStore[${i}]`;
    checkDate(c.date, `${field}.date`);
    if (c.to !== undefined) {
      checkDate(c.to, `${field}.to`);
      if (c.to < c.date) throw new ScenarioError(`${field}.to`, `expected a date on or after ${c.date}`);
    }
    return {
      date: c.date,
      ...(c.to !== undefined ? { to: c.to } : {}),
      off: true as const,
      reason: STORE_CLOSED,
    };
  });
  if (closed.length > 0)
    technicians = technicians.map((t) =>
      t.stores === undefined || t.stores.includes(storeId)
        ? ({ ...t, exceptions: [...(t.exceptions ?? []), ...closed] } as typeof t)
        : t,
    );
  const stores = config.stores.map((s) =>
    s.storeId === storeId && changes.slotMinutes !== undefined
      ? {
          ...s,
          slotGrid: { ...s.slotGrid, slotMinutes: changes.slotMinutes, stepMinutes: changes.slotMinutes },
        }
      : s,
  );
  const crews = config.crews.filter((c) => c.members.every((m) => !removed.has(m)));
  return { ...config, technicians, stores, crews };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function checkDate(value: string, field: string): void {
  if (!DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
    throw new ScenarioError(field, `expected a local date YYYY-MM-DD, got ${JSON.stringify(value)}`);
}

function checkWeekdays(days: readonly string[] | undefined, field: string): Weekday[] | undefined {
  if (days === undefined) return undefined;
  if (days.length === 0) throw new ScenarioError(field, `expected at least one of ${WEEKDAYS.join(', ')}`);
  for (const [k, d] of days.entries())
    if (!(WEEKDAYS as readonly string[]).includes(d))
      throw new ScenarioError(
        `${field}[${k}]`,
        `unknown weekday ${JSON.stringify(d)}; expected one of ${WEEKDAYS.join(', ')}`,
      );
  return [...days] as Weekday[];
}

function onDays(days: readonly Weekday[], shift: { start: string; end: string }) {
  return Object.fromEntries(days.map((d) => [d, { start: shift.start, end: shift.end }]));
}

type WeeklyShifts = Partial<Record<Weekday, { start: string; end: string } | null | undefined>>;

/** An added technician's week: the given shift or the model's, on the given weekdays or the model's. */
function addedShifts(model: WeeklyShifts, a: AddTechnician, field: string): WeeklyShifts {
  const days = checkWeekdays(a.weekdays, `${field}.weekdays`);
  if (a.shift !== undefined && a.shift.end <= a.shift.start)
    throw new ScenarioError(`${field}.shift.end`, 'expected a shift end after its start');
  if (days === undefined) {
    if (a.shift === undefined) return { ...model };
    return onDays(
      WEEKDAYS.filter((d) => d !== 'saturday' && d !== 'sunday'),
      a.shift,
    );
  }
  const out: WeeklyShifts = {};
  for (const d of days) {
    const shift = a.shift ?? model[d];
    if (shift === undefined || shift === null)
      throw new ScenarioError(
        `${field}.weekdays`,
        `technician ${a.like} works no shift on ${d}; expected a shift for the added technicians`,
      );
    out[d] = { ...shift };
  }
  return out;
}

/** Days off before `from` and after `to` (inclusive range of work). */
function outsideRange(from: string | undefined, to: string | undefined, field: string) {
  const out: { date: string; to: string; off: true; reason: string }[] = [];
  if (from !== undefined) checkDate(from, `${field}.from`);
  if (to !== undefined) checkDate(to, `${field}.to`);
  if (from !== undefined && to !== undefined && to < from)
    throw new ScenarioError(`${field}.to`, `expected a date on or after from (${from})`);
  const shift = (d: string, n: number): string => {
    const t = new Date(`${d}T00:00:00Z`);
    t.setUTCDate(t.getUTCDate() + n);
    return t.toISOString().slice(0, 10);
  };
  if (from !== undefined)
    out.push({ date: '2000-01-01', to: shift(from, -1), off: true, reason: 'not yet added' });
  if (to !== undefined)
    out.push({ date: shift(to, 1), to: '2999-12-31', off: true, reason: 'no longer added' });
  return out;
}

export function demandWeight(
  t: { skills: readonly string[]; postalCode: string },
  scale: WhatIfChanges['scaleDemand'],
): number {
  let w = 1;
  for (const s of scale ?? []) {
    const skillOk = s.skill === undefined || t.skills.includes(s.skill);
    const postalOk = s.postalPrefix === undefined || t.postalCode.startsWith(s.postalPrefix);
    if (skillOk && postalOk) w *= s.factor;
  }
  return w;
}

export function durationFactor(skills: readonly string[], scale: WhatIfChanges['scaleDurations']): number {
  let f = 1;
  for (const s of scale ?? []) if (s.skill === undefined || skills.includes(s.skill)) f *= s.factor;
  return f;
}

/** Refuses a staffing model that is not a technician of the store with a weekly shift, naming the field. */
export function checkStaffing(
  scenario: PlanningConfig,
  storeId: string,
  options: { like?: string | undefined } | undefined,
): void {
  if (options?.like === undefined) return;
  const field = 'staffing.like';
  const model = scenario.technicians.find((t) => t.resourceId === options.like);
  if (model === undefined)
    throw new ScenarioError(
      field,
      `unknown technician ${options.like}; expected a resource id of the crews config`,
    );
  if (model.stores !== undefined && !model.stores.includes(storeId))
    throw new ScenarioError(
      field,
      `technician ${options.like} does not work for store ${storeId}; expected one of its technicians`,
    );
  if (WEEKDAYS.every((d) => model.shifts[d] == null))
    throw new ScenarioError(
      field,
      `technician ${options.like} works no weekly shift; expected a technician with one`,
    );
}
