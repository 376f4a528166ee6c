/** The geocoder the planning settings ask for, with its cache. */
import type { GeocodingSettings } from '../config/planningSettings.ts';
import { FallbackGeocoder } from './fallbackGeocoder.ts';
import { CachingGeocoder, MemoryGeocodeCache, postalCodeCacheKey } from './geocodeCache.ts';
import type { GeocodeCache } from './geocodeCache.ts';
import type { Geocoder } from './geocoder.ts';
import { NominatimGeocoder } from './nominatimGeocoder.ts';
import { PostalCodeGeocoder } from './postalCodeGeocoder.ts';

export function geocoderFor(
  settings: GeocodingSettings,
  cache: GeocodeCache = new MemoryGeocodeCache(),
): Geocoder {
  if (settings.nominatimUrl === undefined) {
    return new CachingGeocoder(new PostalCodeGeocoder(), cache, postalCodeCacheKey);
  }
  const nominatim = new NominatimGeocoder({
    url: settings.nominatimUrl,
    userAgent: settings.userAgent,
    minIntervalMs: settings.minIntervalMs,
  });
  return new CachingGeocoder(new FallbackGeocoder([nominatim, new PostalCodeGeocoder()]), cache);
}
