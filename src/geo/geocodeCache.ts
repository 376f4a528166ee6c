/**
 * Caching geocode results. Keys are SHA-256 digests of the normalised address, so a cache
 * backed by the store never holds an address in plaintext.
 */
import { createHash } from 'node:crypto';
import type { GeocodeAddress, Geocoder, GeocodeResult } from './geocoder.ts';

export interface GeocodeCache {
  get(key: string): Promise<GeocodeResult | undefined>;
  set(key: string, result: GeocodeResult): Promise<void>;
}

/** In-memory cache with least-recently-used eviction past `maxEntries`. */
export class MemoryGeocodeCache implements GeocodeCache {
  private readonly entries = new Map<string, GeocodeResult>();

  constructor(private readonly maxEntries = 100_000) {}

  get size(): number {
    return this.entries.size;
  }

  async get(key: string): Promise<GeocodeResult | undefined> {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      // Re-insert so iteration order is recency order.
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  async set(key: string, result: GeocodeResult): Promise<void> {
    this.entries.delete(key);
    this.entries.set(key, result);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
  }
}

export function geocodeCacheKey(address: GeocodeAddress): string {
  const norm = (s: string | undefined) => (s ?? '').trim().replace(/\s+/g, ' ').toUpperCase();
  const parts = [
    address.addressLine1,
    address.addressLine2,
    address.city,
    address.stateOrRegion,
    address.postalCode,
    address.countryCode ?? 'US',
  ].map(norm);
  return createHash('sha256').update(parts.join('\u001f')).digest('hex');
}

/**
 * Wraps a geocoder with a cache. `keyOf` chooses what identifies an address; for the
 * postal-code geocoder only the postal code and country matter, which makes hits far likelier.
 */
export class CachingGeocoder implements Geocoder {
  constructor(
    private readonly inner: Geocoder,
    private readonly cache: GeocodeCache = new MemoryGeocodeCache(),
    private readonly keyOf: (address: GeocodeAddress) => string = geocodeCacheKey,
  ) {}

  async geocode(address: GeocodeAddress): Promise<GeocodeResult> {
    const key = this.keyOf(address);
    const hit = await this.cache.get(key);
    if (hit !== undefined) return hit;
    const result = await this.inner.geocode(address);
    if (result.ok || !result.transient) await this.cache.set(key, result);
    return result;
  }
}

/** Cache key for geocoders that look at the postal code and country only. */
export function postalCodeCacheKey(address: GeocodeAddress): string {
  return geocodeCacheKey({ postalCode: address.postalCode, countryCode: address.countryCode });
}
