import { describe, expect, it } from 'vitest';
import { validatePlanningConfig } from '../../src/config/index.ts';
import { GreatCircleMatrixProvider, PostalCodeGeocoder } from '../../src/geo/index.ts';
import { buildProblem } from '../../src/pipeline/solve/build-problem.ts';
import { locate } from '../../src/pipeline/solve/geography.ts';
import { normaliseJobs } from '../../src/pipeline/read/normalise.ts';
import { planFromSolution } from '../../src/pipeline/write/plan.ts';
import { setupFromConfig } from '../../src/pipeline/setup/from-config.ts';
import { solveInWorker } from '../../src/pipeline/solve/solve-in-worker.ts';

const zips = [
  '98101',
  '98102',
  '98103',
  '98104',
  '98105',
  '98106',
  '98107',
  '98109',
  '98112',
  '98115',
  '98116',
  '98117',
];
const config = validatePlanningConfig(
  {
    stores: [{ storeId: 'S1', timeZone: 'America/Los_Angeles', location: { postalCode: '98108' } }],
    technicians: ['T1', 'T2'].map((id) => ({
      resourceId: id,
      name: id,
      skills: ['TV_MOUNTING', 'FURNITURE_ASSEMBLY'],
      home: { postalCode: '98108' },
      timeZone: 'America/Los_Angeles',
      shifts: { tuesday: { start: '08:00', end: '17:00' } },
      lunch: { earliest: '11:30', latest: '13:30', minutes: 30 },
    })),
    serviceDurations: [{ skill: 'TV_MOUNTING', minutes: 60 }],
  },
  'test.yaml',
);

describe('plan core: normalise → geography → solve in a worker → plan', () => {
  it('gives appointments that contain their visits, routes without overlaps and travel blocks between visits', async () => {
    const setup = setupFromConfig(config, { date: '2026-11-24', days: 1 });
    const raws = zips.map((zip, i) => ({
      serviceJobId: `J${i}`,
      serviceJobStatus: 'PENDING_SCHEDULE',
      storeId: 'S1',
      scopeOfWork: { requiredSkills: ['TV_MOUNTING'] },
      serviceLocation: { address: { name: 'n', addressLine1: 'a', postalCode: zip } },
    }));
    const norm = normaliseJobs(raws, setup, Date.parse('2026-11-23T12:00:00Z'));
    expect(norm.jobs).toHaveLength(zips.length);
    const located = await locate(norm.jobs, setup, new PostalCodeGeocoder());
    const matrix = await new GreatCircleMatrixProvider({ roadFactor: 1.3, speedKmh: 40 }).matrix(
      located.points,
    );
    const built = buildProblem(setup, located, matrix);
    const solution = await solveInWorker({ problem: built.problem, seed: 7, maxIterations: 300 });
    const plan = planFromSolution({ setup, built, solution, marketplaceId: 'ATVPDKIKX0DER' });

    expect(plan.appointments.length + plan.unassigned.length).toBe(zips.length);
    expect(plan.appointments.length).toBeGreaterThan(8);
    const stops = new Map(plan.routes.flatMap((r) => r.stops.map((s) => [s.serviceJobId, s] as const)));
    for (const a of plan.appointments) {
      const s = stops.get(a.serviceJobId)!;
      // Arrival-window reading: the visit starts inside the appointment window, on the 5-minute grid.
      expect(s.start).toBeGreaterThanOrEqual(a.time.start);
      expect(s.start).toBeLessThanOrEqual(a.time.start + a.time.minutes * 60_000);
      expect(s.start % 300_000).toBe(0);
    }
    for (const r of plan.routes) {
      const busy = [
        ...r.stops.map((s) => ({ start: s.start, end: s.end })),
        ...r.breaks,
        ...plan.blocks.filter((b) => b.resourceId === r.technicianIds[0] && b.type === 'TRAVEL'),
      ].sort((x, y) => x.start - y.start);
      for (let i = 1; i < busy.length; i++) expect(busy[i]!.start).toBeGreaterThanOrEqual(busy[i - 1]!.end);
      expect(r.stops[0]!.start).toBeGreaterThanOrEqual(r.shift.start);
      expect(r.breaks).toHaveLength(1);
    }
    expect(plan.schedules.map((s) => s.resourceId)).toEqual(['T1', 'T2']);
  });
});
