/**
 * The crews config of the local sandbox's seeded seller: its stores, technicians (weekly
 * shifts, skills, lunch at the seeded time) and the catalogue's service durations. The
 * sandbox books appointments as the service interval itself, starting on the hour.
 */
import { DAYS_OF_WEEK } from '../sandbox/schedule-rules.ts';
import { SERVICE_CATALOG, type SeededCrew, type Store } from '../sandbox/index.ts';
import type { PlanningConfigInput } from '../config/index.ts';

const WEEKDAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

function addMinutes(hhmm: string, minutes: number): string {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const t = h * 60 + m + minutes;
  return `${String(Math.floor(t / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`;
}

export function sandboxPlanningConfig(
  stores: readonly Store[],
  crews: readonly SeededCrew[],
  planning: PlanningConfigInput['planning'] = {},
): PlanningConfigInput {
  return {
    version: 1,
    stores: stores.map((s) => ({
      storeId: s.storeId,
      name: s.name,
      timeZone: s.timeZone,
      location: { postalCode: s.postalCode },
      slotGrid: { start: '08:00', end: '18:00', slotMinutes: 120 },
    })),
    technicians: crews.map((c) => ({
      resourceId: c.resourceId,
      name: c.name,
      skills: [...c.skills],
      stores: [c.storeId],
      home: { postalCode: c.homeBase.postalCode },
      timeZone: c.timeZone,
      shifts: Object.fromEntries(
        c.weeklyShifts.map((s) => [
          WEEKDAY_NAMES[DAYS_OF_WEEK.indexOf(s.day)]!,
          { start: s.start, end: s.end },
        ]),
      ),
      // The seeded lunch is a recurring BREAK reservation at a fixed time.
      lunch: {
        earliest: c.lunch.start,
        latest: addMinutes(c.lunch.start, c.lunch.durationMinutes),
        minutes: c.lunch.durationMinutes,
      },
    })),
    serviceDurations: SERVICE_CATALOG.map((o) => ({ asin: o.asin, minutes: o.durationMinutes })),
    planning: {
      appointmentTime: 'service-interval',
      resources: 'per-technician',
      freezeMinutes: 60,
      solverBudgetSeconds: 10,
      ...planning,
    },
  };
}
