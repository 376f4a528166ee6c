import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TerritorySchema } from '../../src/config/territory.ts';
import { insideTerritory, mayServeAt } from '../../src/geo/index.ts';

// North Seattle (lat 47.62..47.78) and South Seattle (47.45..47.62), as [lon, lat] rings.
const north = TerritorySchema.parse({
  type: 'Polygon',
  coordinates: [
    [
      [-122.45, 47.62],
      [-122.2, 47.62],
      [-122.2, 47.78],
      [-122.45, 47.78],
      [-122.45, 47.62],
    ],
  ],
});
const south = TerritorySchema.parse({
  type: 'MultiPolygon',
  coordinates: [
    [
      [
        [-122.45, 47.45],
        [-122.2, 47.45],
        [-122.2, 47.62],
        [-122.45, 47.62],
        [-122.45, 47.45],
      ],
    ],
    // An island far away: Spokane.
    [
      [
        [-117.5, 47.6],
        [-117.3, 47.6],
        [-117.3, 47.7],
        [-117.5, 47.7],
        [-117.5, 47.6],
      ],
    ],
  ],
});

const jobs = [
  { id: 'ballard', point: { lat: 47.67, lon: -122.38 } },
  { id: 'georgetown', point: { lat: 47.55, lon: -122.32 } },
  { id: 'spokane', point: { lat: 47.66, lon: -117.42 } },
  { id: 'portland', point: { lat: 45.52, lon: -122.68 } },
  { id: 'ungeocoded', point: undefined },
];

describe('territories', () => {
  it('point in polygon uses GeoJSON [lon, lat] order', () => {
    expect(insideTerritory(north, { lat: 47.67, lon: -122.38 })).toBe(true);
    expect(insideTerritory(north, { lat: -122.38, lon: 47.67 })).toBe(false);
    expect(insideTerritory(south, { lat: 47.66, lon: -117.42 })).toBe(true);
  });

  it('a route may serve a point inside every territory of its members; none = no limit', () => {
    const served = (territories: (typeof north | undefined)[]) =>
      jobs.filter((j) => mayServeAt(territories, j.point)).map((j) => j.id);
    expect(served([north])).toEqual(['ballard']);
    expect(served([south])).toEqual(['georgetown', 'spokane']);
    expect(served([])).toEqual(jobs.map((j) => j.id));
    expect(served([undefined, undefined])).toEqual(jobs.map((j) => j.id));
    // A crew goes only where each member may go; a member without a territory adds no limit.
    expect(served([north, south])).toEqual([]);
    expect(served([north, undefined])).toEqual(['ballard']);
  });

  it('is the conjunction of the members’ point-in-polygon tests, boundaries inside', () => {
    const at = fc.record({
      lat: fc.double({ min: 47.4, max: 47.8, noNaN: true }),
      lon: fc.double({ min: -122.5, max: -122.1, noNaN: true }),
    });
    const members = fc.array(fc.constantFrom(north, south, undefined), { maxLength: 3 });
    fc.assert(
      fc.property(members, at, (territories, p) => {
        const bound = territories.filter((t) => t !== undefined);
        expect(mayServeAt(territories, p)).toBe(bound.every((t) => insideTerritory(t, p)));
        expect(mayServeAt(territories, undefined)).toBe(bound.length === 0);
      }),
    );
    // The shared edge at 47.62 belongs to both halves.
    expect(mayServeAt([north, south], { lat: 47.62, lon: -122.3 })).toBe(true);
  });
});
