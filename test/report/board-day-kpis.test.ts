/**
 * The board's KPIs of one store-day (dayKpis) and the place labels of its offline map, over
 * generated days and areas.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { placeLabels } from '../../src/geo/place-labels.ts';
import {
  dayKpis,
  type BoardRoute,
  type BoardTechnician,
  type BoardUnassigned,
} from '../../src/report/board-shape.ts';

const DAY0 = Date.parse('2026-03-03T16:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString();

const routeArb = (i: number): fc.Arbitrary<BoardRoute> =>
  fc
    .record({
      stops: fc.array(fc.constantFrom('ok', 'at-risk', 'late') as fc.Arbitrary<'ok' | 'at-risk' | 'late'>, {
        maxLength: 8,
      }),
      travel: fc.integer({ min: 0, max: 300 }),
      service: fc.integer({ min: 0, max: 480 }),
      overtime: fc.integer({ min: 0, max: 120 }),
    })
    .map(({ stops, travel, service, overtime }) => ({
      routeId: `R${i}`,
      technicianIds: [`T${i}`],
      shift: { start: iso(DAY0), end: iso(DAY0 + 8 * 3_600_000) },
      travelMinutes: travel,
      serviceMinutes: service,
      overtimeMinutes: overtime,
      utilisationPct: 0,
      stops: stops.map((risk, k) => ({
        seq: k + 1,
        serviceJobId: `J${i}-${k}`,
        lat: 47.6,
        lon: -122.3,
        arrival: iso(DAY0 + k * 3_600_000),
        start: iso(DAY0 + k * 3_600_000),
        end: iso(DAY0 + k * 3_600_000 + 1_800_000),
        window: null,
        skills: [],
        risk,
      })),
      blocks: [],
    }));

const dayArb = fc
  .record({
    routes: fc
      .integer({ min: 0, max: 6 })
      .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => routeArb(i)))),
    unassigned: fc.integer({ min: 0, max: 20 }),
    offShift: fc.integer({ min: 0, max: 3 }),
  })
  .map(({ routes, unassigned, offShift }) => {
    const technicians: BoardTechnician[] = [
      ...routes.map((r) => ({
        resourceId: r.technicianIds[0]!,
        name: 'x',
        skills: [],
        home: { lat: 0, lon: 0 },
        shift: r.shift,
      })),
      ...Array.from({ length: offShift }, (_, k) => ({
        resourceId: `OFF${k}`,
        name: 'y',
        skills: [],
        home: { lat: 0, lon: 0 },
        shift: null,
      })),
    ];
    const left: BoardUnassigned[] = Array.from({ length: unassigned }, (_, k) => ({
      serviceJobId: `U${k}`,
      code: 'NO_WINDOW_FITS',
      reason: 'r',
      skills: [],
    }));
    return { routes: [...routes], unassigned: left, technicians };
  });

describe('the KPIs of a board day', () => {
  it('count exactly what the day shows: its visits, its jobs left out, its technicians on shift', () => {
    fc.assert(
      fc.property(dayArb, (day) => {
        const k = dayKpis(day);
        const visits = day.routes.reduce((n, r) => n + r.stops.length, 0);
        expect(k.jobsPlanned).toBe(visits);
        expect(k.jobsInScope).toBe(visits + day.unassigned.length);
        expect(k.demandCoveredPct).toBeGreaterThanOrEqual(0);
        expect(k.demandCoveredPct).toBeLessThanOrEqual(100);
        expect(k.onTimeRisk).toBe(day.routes.flatMap((r) => r.stops).filter((st) => st.risk !== 'ok').length);
        expect(k.techniciansUsed).toBe(day.routes.filter((r) => r.stops.length > 0).length);
        expect(k.techniciansAvailable).toBe(day.routes.length);
        const travel = day.routes.reduce((n, r) => n + r.travelMinutes, 0) / 60;
        expect(Math.abs(k.travelHours - travel)).toBeLessThanOrEqual(0.0501);
        const shift = day.routes.length * 8 * 60;
        const service = day.routes.reduce((n, r) => n + r.serviceMinutes, 0);
        expect(Math.abs(k.utilisationPct - (shift > 0 ? (100 * service) / shift : 0))).toBeLessThanOrEqual(
          0.05,
        );
      }),
      { numRuns: 200 },
    );
  });
});

describe('the place labels of the offline map', () => {
  const areaArb = fc
    .record({
      lon: fc.double({ min: -124, max: -70, noNaN: true }),
      lat: fc.double({ min: 26, max: 48, noNaN: true }),
      w: fc.double({ min: 0, max: 0.6, noNaN: true }),
      h: fc.double({ min: 0, max: 0.6, noNaN: true }),
    })
    .map(({ lon, lat, w, h }) => [lon, lat, lon + w, lat + h] as [number, number, number, number]);

  it('are cities and postal codes of the area and around it, each city once, at most 150 postal codes', () => {
    fc.assert(
      fc.property(areaArb, (b) => {
        const labels = placeLabels(b);
        const mx = Math.max((b[2] - b[0]) * 0.15, 0.05);
        const my = Math.max((b[3] - b[1]) * 0.15, 0.05);
        const cities = labels.filter((p) => p.kind === 'city');
        const codes = labels.filter((p) => p.kind === 'postal-code');
        expect(cities.length).toBeLessThanOrEqual(14);
        expect(codes.length).toBeLessThanOrEqual(150);
        expect(new Set(codes.map((c) => c.name)).size).toBe(codes.length);
        for (const c of codes) {
          expect(c.name).toMatch(/^[0-9A-Z]{3,6}$/);
          expect(c.lon).toBeGreaterThanOrEqual(b[0] - mx);
          expect(c.lon).toBeLessThanOrEqual(b[2] + mx);
          expect(c.lat).toBeGreaterThanOrEqual(b[1] - my);
          expect(c.lat).toBeLessThanOrEqual(b[3] + my);
        }
        // A city label sits among its postal codes, so inside the area with its margin.
        for (const c of cities) {
          expect(c.lon).toBeGreaterThanOrEqual(b[0] - mx - 1e-3);
          expect(c.lon).toBeLessThanOrEqual(b[2] + mx + 1e-3);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('name the places a dispatcher knows: Seattle and its postal codes around downtown', () => {
    const labels = placeLabels([-122.36, 47.58, -122.3, 47.63]);
    expect(labels.filter((p) => p.kind === 'city').map((p) => p.name)).toContain('Seattle');
    expect(labels.filter((p) => p.kind === 'postal-code').map((p) => p.name)).toContain('98101');
    expect(placeLabels([0, 0, 0, 0])).toEqual([]);
  });
});
