import fc from 'fast-check';
import { distance } from '@turf/turf';
import { describe, expect, it } from 'vitest';
import {
  GreatCircleMatrixProvider,
  greatCircleMetres,
  travelMatrixProvider,
  OsrmMatrixProvider,
} from '../../src/geo/index.ts';

const seattle = { lat: 47.6062, lon: -122.3321 };
const tacoma = { lat: 47.2529, lon: -122.4443 };

describe('great-circle travel model', () => {
  it('agrees with turf on distances', () => {
    const turfMetres = distance([seattle.lon, seattle.lat], [tacoma.lon, tacoma.lat], { units: 'meters' });
    expect(greatCircleMetres(seattle, tacoma)).toBeCloseTo(turfMetres, 0);
    expect(turfMetres / 1000).toBeGreaterThan(39);
    expect(turfMetres / 1000).toBeLessThan(41);
  });

  it('applies road factor and speed', async () => {
    const provider = new GreatCircleMatrixProvider({ roadFactor: 1.3, speedKmh: 40 });
    const m = await provider.matrix([seattle, tacoma]);
    const straight = greatCircleMetres(seattle, tacoma);
    expect(m.distances[0]![1]).toBe(Math.round(straight * 1.3));
    expect(m.durations[0]![1]).toBe(Math.round(Math.round(straight * 1.3) / (40 / 3.6)));
    expect(m.durations[1]![0]).toBe(m.durations[0]![1]);
    expect(m.durations[0]![0]).toBe(0);
    const faster = await new GreatCircleMatrixProvider({ roadFactor: 1.3, speedKmh: 80 }).matrix([
      seattle,
      tacoma,
    ]);
    expect(faster.durations[0]![1]).toBeCloseTo(m.durations[0]![1]! / 2, -1);
  });

  it('is symmetric with a zero diagonal and roughly the triangle inequality', () => {
    const provider = new GreatCircleMatrixProvider({ roadFactor: 1.3, speedKmh: 40 });
    const pointArb = fc.record({
      lat: fc.double({ min: 25, max: 49, noNaN: true }),
      lon: fc.double({ min: -124, max: -67, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(pointArb, { minLength: 3, maxLength: 8 }), (points) => {
        const m = provider.matrixSync(points);
        for (let i = 0; i < points.length; i++) {
          expect(m.distances[i]![i]).toBe(0);
          for (let j = 0; j < points.length; j++) {
            expect(m.distances[i]![j]).toBe(m.distances[j]![i]);
            for (let k = 0; k < points.length; k++) {
              // Rounding to whole metres may break the inequality by at most 1 m per leg.
              expect(m.distances[i]![j]!).toBeLessThanOrEqual(m.distances[i]![k]! + m.distances[k]![j]! + 2);
            }
          }
        }
      }),
      { numRuns: 50 },
    );
  });

  it('the settings pick the provider; --osrm overrides', () => {
    const settings = { roadFactor: 1.3, speedKmh: 40 };
    expect(travelMatrixProvider(settings)).toBeInstanceOf(GreatCircleMatrixProvider);
    expect(travelMatrixProvider({ ...settings, osrmUrl: 'http://osrm:5000' })).toBeInstanceOf(
      OsrmMatrixProvider,
    );
    expect(travelMatrixProvider(settings, { osrmUrl: 'http://localhost:5000' })).toBeInstanceOf(
      OsrmMatrixProvider,
    );
    expect(() => new GreatCircleMatrixProvider({ roadFactor: 0.5, speedKmh: 40 })).toThrow(/roadFactor/);
  });
});
