/**
 * Turning a service address into a point. Failures are values with a reason code (an
 * unmapped postal code must not stop a planning run); messages never repeat the address.
 */
import type { GeoPoint } from './geoPoint.ts';

/** The address fields a geocoder may use (the Services API `Address`, without name and phone). */
export interface GeocodeAddress {
  addressLine1?: string | undefined;
  addressLine2?: string | undefined;
  city?: string | undefined;
  stateOrRegion?: string | undefined;
  postalCode?: string | undefined;
  /** ISO 3166-1 alpha-2; absent means US. */
  countryCode?: string | undefined;
}

/** How exact a point is: the postal-code centroid may be kilometres from the door. */
export type GeocodePrecision = 'coordinates' | 'address' | 'street' | 'postal-code' | 'city';

type GeocodeFailureReason =
  | 'POSTAL_CODE_MISSING'
  | 'POSTAL_CODE_MALFORMED'
  | 'POSTAL_CODE_UNKNOWN'
  | 'COUNTRY_UNSUPPORTED'
  | 'ADDRESS_NOT_FOUND'
  | 'GEOCODER_UNAVAILABLE';

export type GeocodeResult =
  | ({ ok: true; precision: GeocodePrecision } & GeoPoint)
  | {
      ok: false;
      reason: GeocodeFailureReason;
      /** What is wrong and what is expected; no address content. */
      message: string;
      /** True when trying again later may succeed (network, service down); such results are not cached. */
      transient: boolean;
    };

export interface Geocoder {
  geocode(address: GeocodeAddress): Promise<GeocodeResult>;
}
