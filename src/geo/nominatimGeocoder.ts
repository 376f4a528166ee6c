/**
 * An address geocoder for a Nominatim server (OpenStreetMap's geocoder) using its structured
 * `/search` query. Meant for a self-hosted instance: buyer addresses are personal data, and
 * sending them to a public service would carry them outside the engine. Requests are spaced
 * (bottleneck; the public instance allows 1 per second), 429/5xx/network faults are retried
 * with backoff (cockatiel), and a failure is a value, never an exception.
 */
import Bottleneck from 'bottleneck';
import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import type { RetryPolicy } from 'cockatiel';
import type { GeocodeAddress, Geocoder, GeocodePrecision, GeocodeResult } from './geocoder.ts';

export interface NominatimOptions {
  /** Base URL, e.g. "http://nominatim.internal:8080". */
  url: string;
  /** Sent as User-Agent, as Nominatim's usage policy asks. */
  userAgent?: string;
  /** Minimum milliseconds between requests (default 1000). */
  minIntervalMs?: number;
  /** Attempts per address, first included (default 3). */
  maxAttempts?: number;
  initialDelayMs?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

interface NominatimPlace {
  lat?: string;
  lon?: string;
  place_rank?: number;
}

class RetriableFault extends Error {}

export class NominatimGeocoder implements Geocoder {
  private readonly base: string;
  private readonly limiter: Bottleneck;
  private readonly policy: RetryPolicy;
  private readonly fetchImpl: typeof fetch;
  private readonly userAgent: string;
  private readonly timeoutMs: number;

  constructor(options: NominatimOptions) {
    const parsed = new URL(options.url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new RangeError('expected an http(s) URL for the Nominatim server');
    }
    this.base = options.url.replace(/\/+$/, '');
    this.limiter = new Bottleneck({ maxConcurrent: 1, minTime: options.minIntervalMs ?? 1000 });
    this.policy = retry(
      handleWhen((err) => err instanceof RetriableFault),
      {
        maxAttempts: Math.max(0, (options.maxAttempts ?? 3) - 1),
        backoff: new ExponentialBackoff({ initialDelay: options.initialDelayMs ?? 500, maxDelay: 10_000 }),
      },
    );
    this.fetchImpl = options.fetch ?? fetch;
    this.userAgent = options.userAgent ?? 'fieldplan';
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  async geocode(address: GeocodeAddress): Promise<GeocodeResult> {
    const street = [address.addressLine1, address.addressLine2]
      .filter((s) => s && s.trim() !== '')
      .join(', ');
    if (street === '' && !address.postalCode && !address.city) {
      return {
        ok: false,
        reason: 'ADDRESS_NOT_FOUND',
        message: 'the address has no street, city or postal code to look up',
        transient: false,
      };
    }
    const query = new URLSearchParams({ format: 'jsonv2', limit: '1' });
    if (street !== '') query.set('street', street);
    if (address.city) query.set('city', address.city);
    if (address.stateOrRegion) query.set('state', address.stateOrRegion);
    if (address.postalCode) query.set('postalcode', address.postalCode);
    query.set('countrycodes', (address.countryCode ?? 'US').toLowerCase());
    const url = `${this.base}/search?${query.toString()}`;
    try {
      const places = await this.policy.execute(() => this.limiter.schedule(() => this.request(url)));
      const place = places[0];
      const lat = Number(place?.lat);
      const lon = Number(place?.lon);
      if (!place || !Number.isFinite(lat) || !Number.isFinite(lon)) {
        return {
          ok: false,
          reason: 'ADDRESS_NOT_FOUND',
          message: 'the geocoder found no place for the address',
          transient: false,
        };
      }
      return { ok: true, lat, lon, precision: precisionOf(place.place_rank) };
    } catch (err) {
      // Messages carry the server's status, never the query (it holds the address).
      return {
        ok: false,
        reason: 'GEOCODER_UNAVAILABLE',
        message: `the geocoder at ${this.base} did not answer usefully: ${(err as Error).message}`,
        transient: true,
      };
    }
  }

  private async request(url: string): Promise<NominatimPlace[]> {
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        headers: { 'user-agent': this.userAgent, accept: 'application/json' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new RetriableFault(`network fault (${(err as Error).name})`);
    }
    if (response.status === 429 || response.status >= 500) {
      throw new RetriableFault(`HTTP ${response.status}`);
    }
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body: unknown = await response.json().catch(() => undefined);
    if (!Array.isArray(body)) throw new Error('the answer is not a JSON array of places');
    return body as NominatimPlace[];
  }
}

/** Nominatim's place_rank: 30 a building or address, 26-27 a street, 21-25 a postcode or suburb. */
function precisionOf(rank: number | undefined): GeocodePrecision {
  if (rank === undefined) return 'city';
  if (rank >= 28) return 'address';
  if (rank >= 26) return 'street';
  if (rank >= 21) return 'postal-code';
  return 'city';
}
