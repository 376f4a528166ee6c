import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OsrmMatrixProvider, TravelMatrixError } from '../../src/geo/index.ts';
import type { GeoPoint } from '../../src/geo/index.ts';

/** Asymmetric on purpose, so a transposed or misplaced block shows. */
function fakeDuration(from: [number, number], to: [number, number]): number {
  return (
    Math.round(1000 * Math.abs(from[0] - to[0]) + 2000 * Math.abs(from[1] - to[1])) +
    (from[0] > to[0] ? 7 : 0)
  );
}
const fakeDistance = (from: [number, number], to: [number, number]) => fakeDuration(from, to) * 10 + 3;

interface Seen {
  coordinates: number;
  sources: number;
  destinations: number;
  annotations: string | undefined;
  profile: string;
}

type Mode = 'ok' | 'flaky' | 'down' | 'bad-request' | 'no-route' | 'short-table';

let server: FastifyInstance;
let base: string;
let mode: Mode = 'ok';
let seen: Seen[] = [];
let failedOnce = new Set<string>();

beforeAll(async () => {
  // Requests the client aborted on purpose may leave server-side sockets busy; close them all.
  server = Fastify({ routerOptions: { maxParamLength: 100_000 }, forceCloseConnections: true });
  server.get<{
    Params: { profile: string; coords: string };
    Querystring: Record<string, string | undefined>;
  }>('/table/v1/:profile/:coords', async (request, reply) => {
    const coords = request.params.coords.split(';').map((c) => c.split(',').map(Number) as [number, number]);
    const sources = (request.query.sources ?? '').split(';').map(Number);
    const destinations = (request.query.destinations ?? '').split(';').map(Number);
    seen.push({
      coordinates: coords.length,
      sources: sources.length,
      destinations: destinations.length,
      annotations: request.query.annotations,
      profile: request.params.profile,
    });
    const key = `${request.params.coords}|${request.query.sources}|${request.query.destinations}`;
    if (mode === 'down' || (mode === 'flaky' && !failedOnce.has(key))) {
      failedOnce.add(key);
      return reply.code(503).send({ code: 'Unavailable', message: 'busy' });
    }
    if (mode === 'bad-request')
      return reply.code(400).send({ code: 'TooBig', message: 'Too many table coordinates' });
    const durations = sources.map((s) => destinations.map((d) => fakeDuration(coords[s]!, coords[d]!)));
    const distances = sources.map((s) => destinations.map((d) => fakeDistance(coords[s]!, coords[d]!)));
    if (mode === 'no-route') (durations[0] as (number | null)[])[destinations.length - 1] = null;
    if (mode === 'short-table') durations.pop();
    return { code: 'Ok', durations, distances };
  });
  base = await server.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  mode = 'ok';
  seen = [];
  failedOnce = new Set();
});

function grid(n: number): GeoPoint[] {
  // Coordinates with at most 6 decimals, so the wire form is exact.
  return Array.from({ length: n }, (_, i) => ({
    lat: 47 + (i % 17) * 0.013,
    lon: -122 - Math.floor(i / 17) * 0.021,
  }));
}

function provider(extra: Partial<ConstructorParameters<typeof OsrmMatrixProvider>[0]> = {}) {
  return new OsrmMatrixProvider({ url: `${base}/`, initialDelayMs: 1, ...extra });
}

describe('OsrmMatrixProvider against a fake OSRM server', () => {
  it('chunks a large point set into ≤100×100 tables and assembles the full matrix', async () => {
    const points = grid(250);
    const m = await provider().matrix(points);
    expect(seen).toHaveLength(9); // 3 source blocks × 3 destination blocks
    for (const request of seen) {
      expect(request.sources).toBeLessThanOrEqual(100);
      expect(request.destinations).toBeLessThanOrEqual(100);
      expect(request.coordinates).toBeLessThanOrEqual(200);
      expect(request.annotations).toBe('duration,distance');
      expect(request.profile).toBe('driving');
    }
    expect(seen.reduce((sum, r) => sum + r.sources * r.destinations, 0)).toBe(250 * 250);
    for (let i = 0; i < points.length; i++) {
      for (let j = 0; j < points.length; j++) {
        const a: [number, number] = [points[i]!.lon, points[i]!.lat];
        const b: [number, number] = [points[j]!.lon, points[j]!.lat];
        if (m.durations[i]![j] !== fakeDuration(a, b) || m.distances[i]![j] !== fakeDistance(a, b)) {
          throw new Error(`matrix wrong at [${i}][${j}]`);
        }
      }
    }
  });

  it('small sets go in one request; a custom chunk size is honoured', async () => {
    await provider().matrix(grid(5));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ coordinates: 5, sources: 5, destinations: 5 });
    seen = [];
    await provider({ chunkSize: 2, profile: 'car' }).matrix(grid(5));
    expect(seen).toHaveLength(9);
    expect(seen.every((r) => r.sources <= 2 && r.destinations <= 2 && r.profile === 'car')).toBe(true);
  });

  it('retries 5xx answers and then succeeds', async () => {
    mode = 'flaky';
    const points = grid(30);
    const m = await provider({ chunkSize: 10 }).matrix(points);
    expect(seen).toHaveLength(18); // 9 blocks, each failed once
    const a: [number, number] = [points[29]!.lon, points[29]!.lat];
    const b: [number, number] = [points[3]!.lon, points[3]!.lat];
    expect(m.durations[29]![3]).toBe(fakeDuration(a, b));
  });

  it('gives up after maxAttempts with a clear error', async () => {
    mode = 'down';
    const error = await provider({ maxAttempts: 3 })
      .matrix(grid(3))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TravelMatrixError);
    expect(error).toMatchObject({ code: 'ROUTING_SERVICE_FAILED', status: 503 });
    expect((error as Error).message).toMatch(/HTTP 503 \(Unavailable: busy\)/);
    expect(seen).toHaveLength(3);
  });

  it('does not retry a refused request (4xx)', async () => {
    mode = 'bad-request';
    await expect(provider().matrix(grid(3))).rejects.toMatchObject({
      code: 'ROUTING_REQUEST_INVALID',
      status: 400,
      message: expect.stringMatching(/TooBig.*max-table-size/) as unknown,
    });
    expect(seen).toHaveLength(1);
  });

  it('stops sending the remaining blocks after a failure', async () => {
    mode = 'bad-request';
    await expect(provider({ chunkSize: 2, concurrency: 2 }).matrix(grid(10))).rejects.toMatchObject({
      code: 'ROUTING_REQUEST_INVALID',
    });
    // 25 blocks; only the two in flight when the first answer came back were sent.
    expect(seen.length).toBeLessThanOrEqual(2);
  });

  it('reports missing routes and malformed tables', async () => {
    mode = 'no-route';
    await expect(provider().matrix(grid(3))).rejects.toMatchObject({ code: 'ROUTING_NO_ROUTE' });
    mode = 'short-table';
    await expect(provider().matrix(grid(3))).rejects.toMatchObject({ code: 'ROUTING_RESPONSE_INVALID' });
  });

  it('reports an unreachable server after retrying', async () => {
    const closed = Fastify();
    const url = await closed.listen({ port: 0, host: '127.0.0.1' });
    await closed.close();
    await expect(
      new OsrmMatrixProvider({ url, initialDelayMs: 1, maxAttempts: 2 }).matrix(grid(2)),
    ).rejects.toMatchObject({ code: 'ROUTING_SERVICE_UNREACHABLE' });
  });

  it('refuses a URL that is not http(s)', () => {
    expect(() => new OsrmMatrixProvider({ url: 'not a url' })).toThrow(TravelMatrixError);
    expect(() => new OsrmMatrixProvider({ url: 'ftp://osrm' })).toThrow(/http/);
  });

  it('needs no request for fewer than two points', async () => {
    expect(await provider().matrix([{ lat: 1, lon: 2 }])).toEqual({ durations: [[0]], distances: [[0]] });
    expect(seen).toHaveLength(0);
  });
});
