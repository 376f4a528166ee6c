import { describe, expect, it } from 'vitest';
import { TerritorySchema } from '../../src/config/territory.ts';
import { allowedJobsByRoute, insideTerritory } from '../../src/geo/index.ts';

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

  it('builds allowedJobs per route; crews only where every member may go', () => {
    const allowed = allowedJobsByRoute(
      [
        { id: 'T-north', territories: [north] },
        { id: 'T-south', territories: [south] },
        { id: 'T-anywhere', territories: [] },
        { id: 'CREW-north-south', territories: [north, south] },
      ],
      jobs,
    );
    expect(allowed.get('T-north')).toEqual(['ballard']);
    expect(allowed.get('T-south')).toEqual(['georgetown', 'spokane']);
    expect(allowed.has('T-anywhere')).toBe(false);
    expect(allowed.get('CREW-north-south')).toEqual([]);
  });
});
