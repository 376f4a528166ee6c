/**
 * The default travel model, with no routing service: great-circle distance × road factor,
 * driven at a constant speed. Crude inside a city, but fast, offline and never unreachable.
 */
import { greatCircleMetres } from './geoPoint.ts';
import type { GeoPoint } from './geoPoint.ts';
import { emptyMatrix } from './travelMatrix.ts';
import type { TravelMatrix, TravelMatrixProvider } from './travelMatrix.ts';

export interface GreatCircleOptions {
  /** Road distance ÷ straight-line distance (≥ 1). */
  roadFactor: number;
  /** km/h. */
  speedKmh: number;
}

export class GreatCircleMatrixProvider implements TravelMatrixProvider {
  private readonly metresPerSecond: number;

  constructor(private readonly options: GreatCircleOptions) {
    if (!(options.roadFactor >= 1)) throw new RangeError('roadFactor must be at least 1');
    if (!(options.speedKmh > 0)) throw new RangeError('speedKmh must be positive');
    this.metresPerSecond = options.speedKmh / 3.6;
  }

  async matrix(points: readonly GeoPoint[]): Promise<TravelMatrix> {
    return this.matrixSync(points);
  }

  matrixSync(points: readonly GeoPoint[]): TravelMatrix {
    const n = points.length;
    const out = emptyMatrix(n);
    for (let i = 0; i < n; i++) {
      const a = points[i]!;
      const durations = out.durations[i]!;
      const distances = out.distances[i]!;
      for (let j = i + 1; j < n; j++) {
        const metres = Math.round(greatCircleMetres(a, points[j]!) * this.options.roadFactor);
        const seconds = Math.round(metres / this.metresPerSecond);
        distances[j] = metres;
        durations[j] = seconds;
        out.distances[j]![i] = metres;
        out.durations[j]![i] = seconds;
      }
    }
    return out;
  }
}
