/**
 * Tries geocoders in order and keeps the first success: an address geocoder first, the
 * postal-code centroid when it finds nothing or is down, so one bad address never leaves a
 * job without a point when its postal code is known.
 */
import type { GeocodeAddress, Geocoder, GeocodeResult } from './geocoder.ts';

export class FallbackGeocoder implements Geocoder {
  constructor(private readonly geocoders: readonly Geocoder[]) {
    if (geocoders.length === 0) throw new RangeError('expected at least one geocoder');
  }

  async geocode(address: GeocodeAddress): Promise<GeocodeResult> {
    const failures: GeocodeResult[] = [];
    for (const geocoder of this.geocoders) {
      const result = await geocoder.geocode(address);
      if (result.ok) return result;
      failures.push(result);
    }
    // Every geocoder failed: report the first (most precise) one's reason, transient if any was.
    const first = failures[0]!;
    if (first.ok) return first;
    return { ...first, transient: failures.some((f) => !f.ok && f.transient) };
  }
}
