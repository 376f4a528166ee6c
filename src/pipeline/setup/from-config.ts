/**
 * Crews config → PlanningSetup for the planned days: weekly shifts and exceptions expanded to
 * UTC instants in each technician's own zone (luxon, so DST days are 23 or 25 hours long),
 * lunch windows to break rules, settings to rules.
 */
import { DateTime } from 'luxon';
import type { PlanningConfig } from '../../config/index.ts';
import { storeSlots, workingDays } from '../../schedule/index.ts';
import {
  PIPELINE_DEFAULTS,
  type BreakRule,
  type Place,
  type PlanningRules,
  type PlanningSetup,
  type ShiftInstance,
  type TechnicianSetup,
} from './planning-setup.ts';

type ConfigTechnician = PlanningConfig['technicians'][number];
type ConfigLocation = ConfigTechnician['home'];

export interface SetupOptions {
  /** First local day planned, YYYY-MM-DD. */
  date: string;
  days: number;
  /** Limit to these stores (default: every store in the config). */
  storeIds?: readonly string[] | undefined;
  overrides?: Partial<PlanningRules> | undefined;
}

export function planningDays(date: string, count: number): string[] {
  const first = DateTime.fromISO(date, { zone: 'UTC' });
  if (!first.isValid) throw new RangeError(`expected a date YYYY-MM-DD, got ${JSON.stringify(date)}`);
  return Array.from({ length: count }, (_, i) => first.plus({ days: i }).toISODate()!);
}

export function setupFromConfig(config: PlanningConfig, options: SetupOptions): PlanningSetup {
  const days = planningDays(options.date, options.days);
  const wanted = options.storeIds && options.storeIds.length > 0 ? new Set(options.storeIds) : undefined;
  const stores = config.stores
    .filter((s) => wanted === undefined || wanted.has(s.storeId))
    .map((s) => ({
      storeId: s.storeId,
      name: s.name,
      // The crews config is per seller and marketplace; the run passes the marketplace in.
      marketplaceId: '',
      timeZone: s.timeZone,
      location: place(s.location),
      slots: days.flatMap((day) => storeSlots(s, day).map((slot) => ({ start: slot.start, end: slot.end }))),
    }));
  const storeIds = new Set(stores.map((s) => s.storeId));
  const allStoreIds = config.stores.map((s) => s.storeId);

  const technicians: TechnicianSetup[] = config.technicians
    .map((t) => ({ t, stores: t.stores ?? allStoreIds }))
    .filter(({ stores: ts }) => ts.some((id) => storeIds.has(id)))
    .map(({ t, stores: ts }) => ({
      technicianId: t.resourceId,
      name: t.name,
      storeIds: ts.filter((id) => storeIds.has(id)),
      skills: [...t.skills],
      ...(t.skillLevels !== undefined ? { skillLevels: { ...t.skillLevels } } : {}),
      home: place(t.home),
      shifts: shiftsOf(t, days),
      maxWorkTime: t.maxHoursPerDay !== undefined ? t.maxHoursPerDay * 3_600_000 : undefined,
      territory: t.territory as TechnicianSetup['territory'],
    }));

  const zones = [...stores.map((s) => s.timeZone), ...config.technicians.map((t) => t.timeZone)];
  const first = days[0]!;
  const last = days[days.length - 1]!;
  const starts = zones.map((zone) => DateTime.fromISO(first, { zone }).startOf('day').toMillis());
  const ends = zones.map((zone) =>
    DateTime.fromISO(last, { zone }).plus({ days: 1 }).startOf('day').toMillis(),
  );
  // Night shifts may end after the last local midnight.
  const shiftEnds = technicians.flatMap((t) => t.shifts.map((s) => s.end));
  const horizon = {
    start: Math.min(...starts, Date.parse(`${first}T00:00:00Z`)),
    end: Math.max(...ends, ...shiftEnds, Date.parse(`${last}T00:00:00Z`) + 86_400_000),
  };

  const settings = config.planning;
  const skillDurationFactor: Record<string, Record<string, number>> = {};
  for (const t of config.technicians)
    if (t.skillDurationFactor) skillDurationFactor[t.resourceId] = t.skillDurationFactor;
  const rules: PlanningRules = {
    ...PIPELINE_DEFAULTS,
    defaultServiceMinutes: settings.defaultServiceMinutes,
    twoTechnicianSkills: [...settings.twoTechnicianSkills],
    multiDayVisits: settings.multiDayVisits,
    twoPersonSplit: settings.twoPersonSplit.map((r) => ({ ...r, helperSkills: [...r.helperSkills] })),
    linkedVisits: settings.linkedVisits.map((r) => ({ ...r, first: { ...r.first }, then: { ...r.then } })),
    serviceDurations: config.serviceDurations.map((r) => ({ ...r })),
    skillDurationFactor,
    affinity: config.affinity.map((r) => ({ ...r })),
    previousTechnician: settings.previousTechnician ? { ...settings.previousTechnician } : undefined,
    skillLevelDurationFactor: settings.skillLevelDurationFactor,
    appointmentTime: settings.appointmentTime,
    resources: settings.resources,
    freezeMinutes: settings.freezeMinutes,
    solverBudgetSeconds: settings.solverBudgetSeconds,
    priority: { ...settings.priority },
    overtimeMinutes: settings.overtime,
    objective: {
      travel: settings.objective.travel,
      lateness: settings.objective.lateness ? { ...settings.objective.lateness } : undefined,
      perHourTravel: settings.objective.perHourTravel,
      perHourWork: settings.objective.perHourWork,
      perHourOvertime: settings.objective.perHourOvertime,
      unassignedPenalty: settings.objective.unassignedPenalty,
      balance: settings.objective.balance ? { ...settings.objective.balance } : undefined,
      minWorkHours: settings.objective.minWorkHours,
    },
    travel: { ...settings.travel },
    ...options.overrides,
  };

  return {
    stores,
    technicians,
    crews: config.crews.map((c) => ({ crewId: c.id, members: [...c.members] })),
    rules,
    days,
    horizon,
  };
}

function place(location: ConfigLocation): Place {
  if (location.lat !== undefined && location.lon !== undefined)
    return { point: { lat: location.lat, lon: location.lon } };
  return { postalCode: location.postalCode ?? '', countryCode: location.countryCode };
}

/** The technician's shifts on the planned days, after exceptions, with the lunch window as a break rule. */
function shiftsOf(t: ConfigTechnician, days: readonly string[]): ShiftInstance[] {
  return workingDays(t, days[0]!, days[days.length - 1]!).map((d) => {
    const breaks: BreakRule[] = d.lunch
      ? [
          {
            duration: d.lunch.minutes * 60_000,
            window: { start: d.lunch.startWindow.start, end: d.lunch.startWindow.end },
          },
        ]
      : [];
    return { day: d.date, start: d.shift.start, end: d.shift.end, breaks };
  });
}
