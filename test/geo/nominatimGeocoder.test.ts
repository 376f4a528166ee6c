import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PlanningSettingsSchema } from '../../src/config/planningSettings.ts';
import { FallbackGeocoder, geocoderFor, NominatimGeocoder, PostalCodeGeocoder } from '../../src/geo/index.ts';

type Mode = 'ok' | 'empty' | 'flaky' | 'down' | 'bad';
let server: FastifyInstance;
let base: string;
let mode: Mode = 'ok';
let queries: Record<string, string>[] = [];
let agents: (string | undefined)[] = [];

beforeAll(async () => {
  server = Fastify({ forceCloseConnections: true });
  server.get<{ Querystring: Record<string, string> }>('/search', async (request, reply) => {
    queries.push(request.query);
    agents.push(request.headers['user-agent']);
    if (mode === 'down' || (mode === 'flaky' && queries.length === 1)) return reply.code(503).send('busy');
    if (mode === 'bad') return reply.code(400).send({ error: 'bad' });
    if (mode === 'empty') return [];
    return [{ lat: '47.6205', lon: '-122.3493', place_rank: 30 }];
  });
  base = await server.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  mode = 'ok';
  queries = [];
  agents = [];
});

const address = {
  addressLine1: '400 Broad St',
  city: 'Seattle',
  stateOrRegion: 'WA',
  postalCode: '98109',
  countryCode: 'US',
};
const fast = () =>
  new NominatimGeocoder({ url: base, minIntervalMs: 0, initialDelayMs: 1, userAgent: 'fieldplan-test' });

describe('NominatimGeocoder against a fake server', () => {
  it('sends a structured query and reads an address-precision point', async () => {
    expect(await fast().geocode(address)).toEqual({
      ok: true,
      lat: 47.6205,
      lon: -122.3493,
      precision: 'address',
    });
    expect(queries[0]).toMatchObject({
      street: '400 Broad St',
      city: 'Seattle',
      state: 'WA',
      postalcode: '98109',
      countrycodes: 'us',
      format: 'jsonv2',
      limit: '1',
    });
    expect(agents[0]).toBe('fieldplan-test');
  });

  it('no match is a permanent failure; a server down is transient and its message holds no address', async () => {
    mode = 'empty';
    expect(await fast().geocode(address)).toMatchObject({
      ok: false,
      reason: 'ADDRESS_NOT_FOUND',
      transient: false,
    });
    mode = 'down';
    const down = await fast().geocode(address);
    expect(down).toMatchObject({ ok: false, reason: 'GEOCODER_UNAVAILABLE', transient: true });
    expect(queries).toHaveLength(1 + 3); // one for "empty", three attempts while down
    if (!down.ok) {
      expect(down.message).not.toContain('Broad');
      expect(down.message).not.toContain('98109');
    }
  });

  it('retries a 5xx and succeeds; does not retry a 4xx', async () => {
    mode = 'flaky';
    expect(await fast().geocode(address)).toMatchObject({ ok: true });
    expect(queries).toHaveLength(2);
    mode = 'bad';
    queries = [];
    expect(await fast().geocode(address)).toMatchObject({ ok: false, reason: 'GEOCODER_UNAVAILABLE' });
    expect(queries).toHaveLength(1);
  });

  it('falls back to the postal-code centroid when the address is not found', async () => {
    mode = 'empty';
    const chain = new FallbackGeocoder([fast(), new PostalCodeGeocoder()]);
    expect(await chain.geocode(address)).toMatchObject({ ok: true, precision: 'postal-code' });
    mode = 'down';
    const nothing = await chain.geocode({ ...address, postalCode: '00000' });
    expect(nothing).toMatchObject({ ok: false, reason: 'GEOCODER_UNAVAILABLE', transient: true });
  });

  it('the planning settings choose the geocoder', async () => {
    const offline = geocoderFor(PlanningSettingsSchema.parse({}).geocoding);
    expect(await offline.geocode(address)).toMatchObject({ ok: true, precision: 'postal-code' });
    expect(queries).toHaveLength(0);
    const online = geocoderFor(
      PlanningSettingsSchema.parse({ geocoding: { nominatimUrl: base, minIntervalMs: 0 } }).geocoding,
    );
    expect(await online.geocode(address)).toMatchObject({ ok: true, precision: 'address' });
    expect(await online.geocode(address)).toMatchObject({ ok: true, precision: 'address' });
    expect(queries).toHaveLength(1); // the second answer came from the cache
  });
});
