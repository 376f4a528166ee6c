import { describe, expect, it } from 'vitest';
import { LocationSchema } from '../../src/config/location.ts';
import {
  CachingGeocoder,
  geocodeCacheKey,
  locate,
  MemoryGeocodeCache,
  normaliseUsPostalCode,
  PostalCodeGeocoder,
  postalCodeCacheKey,
} from '../../src/geo/index.ts';
import type { GeocodeAddress, Geocoder, GeocodeResult } from '../../src/geo/index.ts';

describe('PostalCodeGeocoder', () => {
  const geocoder = new PostalCodeGeocoder();

  it('maps a US ZIP (and ZIP+4) to its centroid', async () => {
    const seattle = await geocoder.geocode({ postalCode: '98101' });
    expect(seattle).toMatchObject({ ok: true, precision: 'postal-code' });
    if (!seattle.ok) throw new Error('unreachable');
    expect(seattle.lat).toBeCloseTo(47.61, 1);
    expect(seattle.lon).toBeCloseTo(-122.33, 1);
    expect(await geocoder.geocode({ postalCode: '98101-1234', countryCode: 'US' })).toEqual(seattle);
    expect(await geocoder.geocode({ postalCode: ' 981011234 ' })).toEqual(seattle);
    const nyc = await geocoder.geocode({ postalCode: '10001' });
    expect(nyc.ok && nyc.lat > 40 && nyc.lat < 41 && nyc.lon < -73).toBe(true);
  });

  it('fails with a reason, not an exception, and never repeats the address', async () => {
    const cases: [GeocodeAddress, string][] = [
      [{ postalCode: '00000' }, 'POSTAL_CODE_UNKNOWN'],
      [{ postalCode: '9810' }, 'POSTAL_CODE_MALFORMED'],
      [{ postalCode: 'SW1A 1AA' }, 'POSTAL_CODE_MALFORMED'],
      [{ addressLine1: '1 Main St' }, 'POSTAL_CODE_MISSING'],
      [{ postalCode: 'K1A 0B1', countryCode: 'CA' }, 'COUNTRY_UNSUPPORTED'],
    ];
    for (const [address, reason] of cases) {
      const result = await geocoder.geocode(address);
      expect(result).toMatchObject({ ok: false, reason, transient: false });
      if (!result.ok) {
        for (const value of Object.values(address)) {
          if (value !== 'CA') expect(result.message).not.toContain(value);
        }
      }
    }
  });

  it('normalises postal codes', () => {
    expect(normaliseUsPostalCode('02134')).toBe('02134');
    expect(normaliseUsPostalCode('02134-0001')).toBe('02134');
    expect(normaliseUsPostalCode('2134')).toBeUndefined();
  });
});

class CountingGeocoder implements Geocoder {
  calls = 0;
  constructor(private readonly answer: GeocodeResult) {}
  async geocode(): Promise<GeocodeResult> {
    this.calls++;
    return this.answer;
  }
}

describe('CachingGeocoder', () => {
  it('answers repeated postal codes from the cache', async () => {
    const inner = new CountingGeocoder({ ok: true, lat: 1, lon: 2, precision: 'postal-code' });
    const cached = new CachingGeocoder(inner, new MemoryGeocodeCache(), postalCodeCacheKey);
    await cached.geocode({ postalCode: '98101', addressLine1: 'A' });
    await cached.geocode({ postalCode: '98101', addressLine1: 'B' });
    expect(inner.calls).toBe(1);
    await cached.geocode({ postalCode: '98102' });
    expect(inner.calls).toBe(2);
  });

  it('caches permanent failures but retries transient ones', async () => {
    const permanent = new CountingGeocoder({
      ok: false,
      reason: 'POSTAL_CODE_UNKNOWN',
      message: 'x',
      transient: false,
    });
    const a = new CachingGeocoder(permanent);
    await a.geocode({ postalCode: '00000' });
    await a.geocode({ postalCode: '00000' });
    expect(permanent.calls).toBe(1);
    const transient = new CountingGeocoder({
      ok: false,
      reason: 'GEOCODER_UNAVAILABLE',
      message: 'x',
      transient: true,
    });
    const b = new CachingGeocoder(transient);
    await b.geocode({ postalCode: '98101' });
    await b.geocode({ postalCode: '98101' });
    expect(transient.calls).toBe(2);
  });

  it('keys are digests: no address text is stored', () => {
    const key = geocodeCacheKey({ addressLine1: '12 Elm Street', postalCode: '98101' });
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(geocodeCacheKey({ addressLine1: ' 12  elm street ', postalCode: '98101' })).toBe(key);
  });

  it('the memory cache evicts the least recently used entry', async () => {
    const cache = new MemoryGeocodeCache(2);
    const r: GeocodeResult = { ok: true, lat: 0, lon: 0, precision: 'postal-code' };
    await cache.set('a', r);
    await cache.set('b', r);
    await cache.get('a');
    await cache.set('c', r);
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('a')).toBe(r);
    expect(cache.size).toBe(2);
  });
});

describe('locate', () => {
  it('uses written coordinates as they are, else geocodes', async () => {
    const geocoder = new PostalCodeGeocoder();
    expect(await locate(LocationSchema.parse({ lat: 1.5, lon: 2.5 }), geocoder)).toEqual({
      ok: true,
      lat: 1.5,
      lon: 2.5,
      precision: 'coordinates',
    });
    expect(await locate(LocationSchema.parse({ postalCode: '98101' }), geocoder)).toMatchObject({ ok: true });
  });
});
