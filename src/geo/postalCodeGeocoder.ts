/**
 * The offline default geocoder: a US postal code's centroid from the `zipcodes` package
 * (bundled data, no network, city and state included). Precision is `postal-code`.
 */
import { zipcodesTable } from './zipcodes-table.ts';
import type { GeocodeAddress, Geocoder, GeocodeResult } from './geocoder.ts';

/** "98101", "98101-1234" and "981011234" → "98101"; undefined for anything else. */
export function normaliseUsPostalCode(text: string): string | undefined {
  const match = /^\s*(\d{5})(?:-?\d{4})?\s*$/.exec(text);
  return match?.[1];
}

export class PostalCodeGeocoder implements Geocoder {
  async geocode(address: GeocodeAddress): Promise<GeocodeResult> {
    return this.lookup(address);
  }

  /** Synchronous form, for callers that geocode many addresses from bundled data. */
  lookup(address: GeocodeAddress): GeocodeResult {
    const country = address.countryCode?.trim().toUpperCase();
    if (country !== undefined && country !== '' && country !== 'US') {
      return {
        ok: false,
        reason: 'COUNTRY_UNSUPPORTED',
        message: `the offline geocoder knows US postal codes only (country ${country}); configure an address geocoder`,
        transient: false,
      };
    }
    if (address.postalCode === undefined || address.postalCode.trim() === '') {
      return {
        ok: false,
        reason: 'POSTAL_CODE_MISSING',
        message: 'the address has no postal code; the offline geocoder needs a US ZIP code',
        transient: false,
      };
    }
    const zip = normaliseUsPostalCode(address.postalCode);
    if (zip === undefined) {
      return {
        ok: false,
        reason: 'POSTAL_CODE_MALFORMED',
        message: 'expected a US ZIP code of 5 digits (ZIP+4 accepted)',
        transient: false,
      };
    }
    const found = zipcodesTable().lookup(zip);
    if (!found || found.country !== 'US') {
      return {
        ok: false,
        reason: 'POSTAL_CODE_UNKNOWN',
        message: 'the ZIP code is not in the offline postal-code table (retired, PO-box-only or mistyped)',
        transient: false,
      };
    }
    return { ok: true, lat: found.latitude, lon: found.longitude, precision: 'postal-code' };
  }
}
