import { TechnicianSchema } from '../../src/config/technician.ts';
import type { Technician } from '../../src/config/technician.ts';

export function technician(overrides: Record<string, unknown> = {}): Technician {
  return TechnicianSchema.parse({
    resourceId: 'T1',
    name: 'One',
    home: { postalCode: '98101' },
    timeZone: 'America/Los_Angeles',
    shifts: {
      monday: { start: '08:00', end: '17:00' },
      tuesday: { start: '08:00', end: '17:00' },
      wednesday: { start: '08:00', end: '17:00' },
      thursday: { start: '08:00', end: '17:00' },
      friday: { start: '08:00', end: '17:00' },
      sunday: { start: '00:00', end: '08:00' },
    },
    ...overrides,
  });
}
