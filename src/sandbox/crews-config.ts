import type { PlanningConfigInput } from '../config/index.ts';
import { SERVICE_CATALOG } from './catalog.ts';
import type { SeededCrew, Store } from './state.ts';

/**
 * The seeded seller as the planner's configuration file: technicians with their stores, home
 * bases, weekly shifts and lunch; the stores with the sandbox's hourly slot grid; and the
 * catalogue's service durations by ASIN. Validates against PlanningConfigSchema.
 */
export function seededPlanningConfig(
  crews: readonly SeededCrew[],
  stores: readonly Store[],
): PlanningConfigInput {
  return {
    version: 1,
    technicians: crews.map((crew) => {
      const lunchEnd = addMinutes(crew.lunch.start, crew.lunch.durationMinutes);
      return {
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
        lunch: { earliest: crew.lunch.start, latest: lunchEnd, minutes: crew.lunch.durationMinutes },
      };
    }),
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
      // Appointments start on the hour in the sandbox.
      slotGrid: { start: '08:00', end: '18:00', slotMinutes: 60, stepMinutes: 60 },
    })),
    serviceDurations: SERVICE_CATALOG.map((offer) => ({ asin: offer.asin, minutes: offer.durationMinutes })),
  };
}

function addMinutes(clock: string, minutes: number): string {
  const [h, m] = clock.split(':').map(Number);
  const total = (h ?? 0) * 60 + (m ?? 0) + minutes;
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}
