export type { GeoPoint } from './geoPoint.ts';
export { greatCircleMetres } from './geoPoint.ts';
export type {
  Geocoder,
  GeocodeAddress,
  GeocodeResult,
  GeocodePrecision,
  GeocodeFailureReason,
} from './geocoder.ts';
export { PostalCodeGeocoder, normaliseUsPostalCode } from './postalCodeGeocoder.ts';
export { CachingGeocoder, MemoryGeocodeCache, geocodeCacheKey, postalCodeCacheKey } from './geocodeCache.ts';
export type { GeocodeCache } from './geocodeCache.ts';
export { locate } from './locate.ts';
export type { TravelMatrix, TravelMatrixProvider, TravelMatrixErrorCode } from './travelMatrix.ts';
export { TravelMatrixError } from './travelMatrix.ts';
export { GreatCircleMatrixProvider } from './greatCircleMatrix.ts';
export type { GreatCircleOptions } from './greatCircleMatrix.ts';
export { OsrmMatrixProvider } from './osrmMatrix.ts';
export type { OsrmOptions } from './osrmMatrix.ts';
export { travelMatrixProvider } from './travelMatrixProvider.ts';
export { insideTerritory, mayServeAt } from './territory.ts';
export { locateConfig } from './configGeography.ts';
export type { ConfigLocations } from './configGeography.ts';
export { NominatimGeocoder } from './nominatimGeocoder.ts';
export type { NominatimOptions } from './nominatimGeocoder.ts';
export { FallbackGeocoder } from './fallbackGeocoder.ts';
export { geocoderFor } from './geocoderFor.ts';
