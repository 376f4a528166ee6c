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

interface AddTechnician {
  /** An existing technician whose home, time zone, lunch and stores the new one shares. */
  like: string;
  skills?: string[] | undefined;
  shift?: { start: string; end: string } | undefined;
  count?: number | undefined;
}

export interface WhatIfChanges {
  addTechnicians?: AddTechnician[] | undefined;
  removeTechnicians?: string[] | undefined;
  setSkills?: { technicianId: string; skills: string[] }[] | undefined;
  /** The same local shift on every working day. */
  setShifts?: { technicianId: string; start: string; end: string }[] | undefined;
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
    technicians = technicians.map((t) =>
      t.resourceId === s.technicianId ? ({ ...t, shifts: everyDay(s.start, s.end) } as typeof t) : t,
    );
  }
  let added = 0;
  for (const [i, a] of (changes.addTechnicians ?? []).entries()) {
    check(a.like, `changes.addTechnicians[${i}].like`);
    const model = config.technicians.find((t) => t.resourceId === a.like)!;
    for (let n = 0; n < (a.count ?? 1); n++) {
      technicians.push({
        ...model,
        resourceId: addedTechnicianId(added++),
        name: 'Added technician',
        skills: a.skills !== undefined ? [...a.skills] : [...model.skills],
        ...(a.shift !== undefined
          ? { shifts: everyDay(a.shift.start, a.shift.end) as typeof model.shifts }
          : {}),
        exceptions: [],
      });
    }
  }
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
