/**
 * The place labels of the board's offline map, over generated areas (the KPIs of a board day
 * are the plan's own: test/kpis/plan-kpis.test.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { placeLabels } from '../../src/geo/place-labels.ts';

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
