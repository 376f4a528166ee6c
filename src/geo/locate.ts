/** Points for configured locations (homes, stores): coordinates as written, else geocoded. */
import type { Location } from '../config/location.ts';
import type { Geocoder, GeocodeResult } from './geocoder.ts';

export async function locate(location: Location, geocoder: Geocoder): Promise<GeocodeResult> {
  if (location.lat !== undefined && location.lon !== undefined) {
    return { ok: true, lat: location.lat, lon: location.lon, precision: 'coordinates' };
  }
  return geocoder.geocode({
    addressLine1: location.address,
    postalCode: location.postalCode,
    countryCode: location.countryCode,
  });
}
