import { describe, expect, it } from 'vitest';
import { validatePlanningConfig } from '../../../src/config/index.ts';
import { normaliseJobs } from '../../../src/pipeline/read/normalise.ts';
import { setupFromConfig } from '../../../src/pipeline/setup/from-config.ts';

const config = validatePlanningConfig(
  {
    stores: [{ storeId: 'S1', timeZone: 'America/Los_Angeles', location: { postalCode: '98108' } }],
    technicians: [
      {
        resourceId: 'T1',
        name: 'Tech One',
        skills: ['TV_MOUNTING'],
        home: { postalCode: '98115' },
        timeZone: 'America/Los_Angeles',
        shifts: { tuesday: { start: '08:00', end: '17:00' } },
        lunch: { earliest: '11:30', latest: '13:30', minutes: 30 },
      },
    ],
    serviceDurations: [{ skill: 'TV_MOUNTING', minutes: 90 }],
  },
  'test.yaml',
);
// 2026-11-24 is a Tuesday.
const setup = setupFromConfig(config, { date: '2026-11-24', days: 1 });
const now = Date.parse('2026-11-23T20:00:00Z');

function job(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    serviceJobId: 'J1',
    serviceJobStatus: 'PENDING_SCHEDULE',
    storeId: 'S1',
    createTime: '2026-11-20T10:00:00Z',
    scopeOfWork: { asin: 'B0FPSV0001', quantity: 1, requiredSkills: ['TV_MOUNTING'] },
    preferredAppointmentTimes: [{ startTime: '2026-11-24T17:00:00Z', durationInMinutes: 120 }],
    buyer: { name: 'Pat Doe', phone: '555-0100', isPrimeMember: true },
    serviceLocation: {
      serviceLocationType: 'IN_HOME',
      address: { name: 'Pat Doe', addressLine1: '1 Main St', postalCode: '98101', countryCode: 'US' },
    },
    ...overrides,
  };
}

describe('setup from config', () => {
  it('expands the local shift to UTC (PST is UTC-8) with the lunch window', () => {
    const t = setup.technicians[0]!;
    expect(t.shifts).toHaveLength(1);
    expect(new Date(t.shifts[0]!.start).toISOString()).toBe('2026-11-24T16:00:00.000Z');
    expect(new Date(t.shifts[0]!.end).toISOString()).toBe('2026-11-25T01:00:00.000Z');
    expect(t.shifts[0]!.breaks[0]!.duration).toBe(30 * 60_000);
  });
});

describe('normalise', () => {
  it('turns preferred times into arrival windows with the duration from the rules', () => {
    const r = normaliseJobs([job()], setup, now);
    expect(r.issues).toEqual([]);
    const j = r.jobs[0]!;
    expect(j.durationMinutes).toBe(90);
    expect(j.windows).toHaveLength(1);
    expect(j.windows[0]!.appointment).toEqual({ start: Date.parse('2026-11-24T17:00:00Z'), minutes: 120 });
    expect(j.priority).toBeGreaterThan(1); // Prime
  });

  it('uses the store slot grid when the buyer gave no preference', () => {
    const r = normaliseJobs([job({ preferredAppointmentTimes: [] })], setup, now);
    // Default grid 08:00-18:00 in 2-hour slots: 5 windows on the day.
    expect(r.jobs[0]!.windows).toHaveLength(5);
  });

  it('keeps the window of an active appointment and its technicians', () => {
    const r = normaliseJobs(
      [
        job({
          serviceJobStatus: 'NOT_SERVICED',
          appointments: [
            {
              appointmentId: 'A-1',
              appointmentStatus: 'ACTIVE',
              appointmentTime: { startTime: '2026-11-24T18:00:00Z', durationInMinutes: 120 },
              assignedTechnicians: [{ technicianId: 'T1' }],
            },
          ],
        }),
      ],
      setup,
      now,
    );
    const j = r.jobs[0]!;
    expect(j.windows).toEqual([
      {
        start: Date.parse('2026-11-24T18:00:00Z'),
        end: Date.parse('2026-11-24T20:00:00Z'),
        appointment: undefined,
      },
    ]);
    expect(j.keepTechnicianIds).toEqual(['T1']);
    expect(j.pin).toBeUndefined();
  });

  it('pins work inside the freeze horizon', () => {
    const soon = Date.parse('2026-11-24T17:30:00Z');
    const r = normaliseJobs(
      [
        job({
          serviceJobStatus: 'NOT_SERVICED',
          appointments: [
            {
              appointmentId: 'A-1',
              appointmentStatus: 'ACTIVE',
              appointmentTime: { startTime: '2026-11-24T18:00:00Z', durationInMinutes: 120 },
              assignedTechnicians: [{ technicianId: 'T1' }],
            },
          ],
        }),
      ],
      setup,
      soon,
    );
    expect(r.jobs[0]!.pin).toEqual({ technicianIds: ['T1'], start: Date.parse('2026-11-24T18:00:00Z') });
  });

  it('reports each unplannable job with a specific reason and keeps the others', () => {
    const raws = [
      job({ serviceJobId: 'OK' }),
      job({ serviceJobId: 'SKILL', scopeOfWork: { requiredSkills: ['UNDERWATER_WELDING'] } }),
      job({ serviceJobId: 'HOLD', serviceJobStatus: 'HOLD' }),
      job({ serviceJobId: 'NOZIP', serviceLocation: { address: { name: 'x', addressLine1: 'y' } } }),
      job({ serviceJobId: 'BADSTATUS', serviceJobStatus: 'ON_THE_MOON' }),
      { serviceJobStatus: 'PENDING_SCHEDULE' },
      job({ serviceJobId: 'EXTRA', somethingNew: 1 }),
    ];
    const r = normaliseJobs(raws, setup, now);
    expect(r.jobs.map((j) => j.serviceJobId).sort()).toEqual(['EXTRA', 'OK']);
    const by = new Map(r.issues.map((i) => [i.serviceJobId ?? '(none)', i]));
    expect(by.get('SKILL')!.code).toBe('UNKNOWN_SKILL');
    expect(by.get('SKILL')!.detail).toContain('UNDERWATER_WELDING');
    expect(by.get('HOLD')!.code).toBe('STATUS_NOT_PLANNABLE');
    expect(by.get('NOZIP')!.code).toBe('NO_COORDINATES');
    expect(by.get('BADSTATUS')!.detail).toContain('serviceJobStatus: unknown value');
    expect(by.get('(none)')!.detail).toContain('serviceJobId: missing');
    expect(by.get('EXTRA')!.code).toBe('UNKNOWN_FIELDS');
    expect(by.get('EXTRA')!.level).toBe('warning');
    // No personal data in any message.
    for (const i of r.issues) expect(i.detail).not.toMatch(/Pat Doe|555-0100|Main St/);
  });
});
