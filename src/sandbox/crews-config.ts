import type { PlanningConfigInput } from '../config/index.ts';
import { SERVICE_CATALOG } from './catalog.ts';
import type { SeededCrew, Store } from './state.ts';

/**
 * The seeded seller as the planner's configuration file, the one description of it that
 * `fieldplan sandbox --write-crews`, `npm start`, the tests and the benchmark share:
 * technicians with their store, home base (postal code and its coordinates), weekly shifts
 * and lunch; the stores with 2-hour arrival windows from 08:00 to 18:00; the catalogue's
 * service durations by ASIN; and the planning settings that match how the sandbox books
 * (an appointment is the service itself, starting on the hour). Validates against
 * PlanningConfigSchema; `planning` overrides the settings.
 */
export function seededPlanningConfig(
  crews: readonly SeededCrew[],
  stores: readonly Store[],
  planning: PlanningConfigInput['planning'] = {},
): PlanningConfigInput {
  return {
    version: 1,
    stores: stores.map((store) => ({
      storeId: store.storeId,
      name: store.name,
      timeZone: store.timeZone,
      location: {
        postalCode: store.postalCode,
        countryCode: 'US',
        lat: store.latitude,
        lon: store.longitude,
      },
      slotGrid: { start: '08:00', end: '18:00', slotMinutes: 120 },
    })),
    technicians: crews.map((crew) => ({
      resourceId: crew.resourceId,
      name: crew.name,
      skills: [...crew.skills],
      stores: [crew.storeId],
      home: {
        postalCode: crew.homeBase.postalCode,
        countryCode: 'US',
        lat: crew.homeBase.latitude,
        lon: crew.homeBase.longitude,
      },
      timeZone: crew.timeZone,
      shifts: Object.fromEntries(
        crew.weeklyShifts.map((s) => [s.day.toLowerCase(), { start: s.start, end: s.end }]),
      ),
      // The sandbox books lunch as a fixed BREAK reservation, so the window is exactly the break.
      lunch: {
        earliest: crew.lunch.start,
        latest: addMinutes(crew.lunch.start, crew.lunch.durationMinutes),
        minutes: crew.lunch.durationMinutes,
      },
    })),
    serviceDurations: SERVICE_CATALOG.map((offer) => ({ asin: offer.asin, minutes: offer.durationMinutes })),
    planning: {
      appointmentTime: 'service-interval',
      resources: 'per-technician',
      freezeMinutes: 60,
      solverBudgetSeconds: 10,
      ...planning,
    },
  };
}

function addMinutes(clock: string, minutes: number): string {
  const [h, m] = clock.split(':').map(Number);
  const total = (h ?? 0) * 60 + (m ?? 0) + minutes;
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}
