import { describe, expect, it } from 'vitest';
import { schedulesFor } from '../../../src/pipeline/write/plan.ts';
import { PIPELINE_DEFAULTS, type PlanningSetup } from '../../../src/pipeline/setup/planning-setup.ts';

const H = 3_600_000;
const t0 = Date.parse('2026-11-24T16:00:00Z');

function setup(resources: 'per-technician' | 'per-store'): PlanningSetup {
  const tech = (id: string, start: number, end: number) => ({
    technicianId: id,
    storeIds: ['S1'],
    skills: [],
    home: { point: { lat: 47.6, lon: -122.3 } },
    shifts: [{ day: '2026-11-24', start, end, breaks: [] }],
  });
  return {
    stores: [
      {
        storeId: 'S1',
        marketplaceId: 'M',
        timeZone: 'America/Los_Angeles',
        location: { postalCode: '98108' },
        slots: [],
      },
    ],
    technicians: [tech('T1', t0, t0 + 8 * H), tech('T2', t0 + 2 * H, t0 + 10 * H)],
    crews: [],
    rules: {
      ...PIPELINE_DEFAULTS,
      defaultServiceMinutes: 60,
      serviceDurations: [],
      skillDurationFactor: {},
      appointmentTime: 'service-interval',
      resources,
      freezeMinutes: 60,
      solverBudgetSeconds: 1,
      objective: { perHourTravel: 1, perHourWork: 0, perHourOvertime: 0 },
      travel: { roadFactor: 1.3, speedKmh: 40 },
    },
    days: ['2026-11-24'],
    horizon: { start: t0 - 8 * H, end: t0 + 16 * H },
  };
}

describe('schedule resources', () => {
  it('per technician: each technician’s shift with capacity 1', () => {
    expect(schedulesFor(setup('per-technician'))).toEqual([
      { resourceId: 'T1', records: [{ start: t0, end: t0 + 8 * H, capacity: 1 }] },
      { resourceId: 'T2', records: [{ start: t0 + 2 * H, end: t0 + 10 * H, capacity: 1 }] },
    ]);
  });

  it('per store: the number of technicians on shift, piece by piece', () => {
    expect(schedulesFor(setup('per-store'))).toEqual([
      {
        resourceId: 'S1',
        records: [
          { start: t0, end: t0 + 2 * H, capacity: 1 },
          { start: t0 + 2 * H, end: t0 + 8 * H, capacity: 2 },
          { start: t0 + 8 * H, end: t0 + 10 * H, capacity: 1 },
        ],
      },
    ]);
  });
});
