/**
 * Travel matrices from an OSRM server's `table` service. Large point sets are cut into
 * blocks of at most `chunkSize` sources × `chunkSize` destinations (OSRM refuses tables
 * past its --max-table-size, 100 by default); each block is one request carrying only its
 * own coordinates. 5xx answers and network faults are retried with backoff (cockatiel);
 * 4xx answers are not, since repeating a bad request cannot help.
 */
import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import type { RetryPolicy } from 'cockatiel';
import type { GeoPoint } from './geoPoint.ts';
import { emptyMatrix, TravelMatrixError } from './travelMatrix.ts';
import type { TravelMatrix, TravelMatrixProvider } from './travelMatrix.ts';

export interface OsrmOptions {
  /** Base URL, e.g. "http://localhost:5000". */
  url: string;
  /** OSRM profile segment of the path (default "driving"). */
  profile?: string;
  /** Maximum sources and destinations per request (default 100). */
  chunkSize?: number;
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  /** Attempts per request, first included (default 4). */
  maxAttempts?: number;
  /** First retry delay in ms, doubling up to 5 s (default 200). */
  initialDelayMs?: number;
  /** Per-request timeout in ms (default 30 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

interface OsrmTableResponse {
  code?: string;
  message?: string;
  durations?: (number | null)[][];
  distances?: (number | null)[][];
}

interface Block {
  sources: number[];
  destinations: number[];
}

export class OsrmMatrixProvider implements TravelMatrixProvider {
  private readonly base: string;
  private readonly profile: string;
  private readonly chunkSize: number;
  private readonly concurrency: number;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly policy: RetryPolicy;

  constructor(options: OsrmOptions) {
    let parsed: URL;
    try {
      parsed = new URL(options.url);
    } catch {
      throw new TravelMatrixError(
        'ROUTING_REQUEST_INVALID',
        'expected an OSRM base URL such as http://localhost:5000',
      );
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new TravelMatrixError('ROUTING_REQUEST_INVALID', 'expected an http(s) URL for the OSRM server');
    }
    this.base = options.url.replace(/\/+$/, '');
    this.profile = options.profile ?? 'driving';
    this.chunkSize = options.chunkSize ?? 100;
    if (!Number.isInteger(this.chunkSize) || this.chunkSize < 1)
      throw new RangeError('chunkSize must be a positive integer');
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.fetchImpl = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.policy = retry(
      handleWhen((err) => err instanceof TravelMatrixError && isRetriable(err)),
      {
        maxAttempts: Math.max(0, (options.maxAttempts ?? 4) - 1),
        backoff: new ExponentialBackoff({ initialDelay: options.initialDelayMs ?? 200, maxDelay: 5_000 }),
      },
    );
  }

  async matrix(points: readonly GeoPoint[], signal?: AbortSignal): Promise<TravelMatrix> {
    const n = points.length;
    const out = emptyMatrix(n);
    if (n <= 1) return out;
    const blocks = this.blocks(n);
    // The first failure stops the other workers' requests: the matrix is useless incomplete.
    const stop = new AbortController();
    const combined = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < blocks.length && !combined.aborted) {
        const block = blocks[next++]!;
        const table = await this.policy.execute(() => this.request(points, block, combined), combined);
        this.place(out, block, table);
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(this.concurrency, blocks.length) }, worker));
    } catch (err) {
      stop.abort();
      throw err;
    }
    return out;
  }

  private blocks(n: number): Block[] {
    const ranges: number[][] = [];
    for (let start = 0; start < n; start += this.chunkSize) {
      ranges.push(Array.from({ length: Math.min(this.chunkSize, n - start) }, (_, k) => start + k));
    }
    return ranges.flatMap((sources) => ranges.map((destinations) => ({ sources, destinations })));
  }

  /** One table request: coordinates are the block's sources followed by its destinations not already sent. */
  private async request(
    points: readonly GeoPoint[],
    block: Block,
    signal?: AbortSignal,
  ): Promise<OsrmTableResponse> {
    const coords: number[] = [...block.sources];
    const position = new Map(block.sources.map((p, i) => [p, i]));
    for (const d of block.destinations) {
      if (!position.has(d)) {
        position.set(d, coords.length);
        coords.push(d);
      }
    }
    const path = coords.map((i) => `${points[i]!.lon.toFixed(6)},${points[i]!.lat.toFixed(6)}`).join(';');
    const query = new URLSearchParams({
      sources: block.sources.map((p) => position.get(p)).join(';'),
      destinations: block.destinations.map((p) => position.get(p)).join(';'),
      annotations: 'duration,distance',
    });
    const url = `${this.base}/table/v1/${encodeURIComponent(this.profile)}/${path}?${query.toString()}`;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let response: Response;
    try {
      response = await this.fetchImpl(url, { signal: combined });
    } catch (err) {
      if (signal?.aborted === true) throw err;
      throw new TravelMatrixError(
        'ROUTING_SERVICE_UNREACHABLE',
        `OSRM at ${this.base} did not answer (${(err as Error).name}: ${(err as Error).message})`,
      );
    }
    const body = await readJson(response);
    if (response.status >= 500) {
      throw new TravelMatrixError(
        'ROUTING_SERVICE_FAILED',
        `OSRM at ${this.base} failed with HTTP ${response.status}${describe(body)}`,
        response.status,
      );
    }
    if (!response.ok || body?.code !== 'Ok') {
      throw new TravelMatrixError(
        'ROUTING_REQUEST_INVALID',
        `OSRM at ${this.base} refused the table request with HTTP ${response.status}${describe(body)}; ` +
          "check the profile, the coordinates and the server's --max-table-size against chunkSize",
        response.status,
      );
    }
    return body;
  }

  private place(out: TravelMatrix, block: Block, table: OsrmTableResponse): void {
    const { durations, distances } = table;
    const rows = block.sources.length;
    const cols = block.destinations.length;
    if (!isGrid(durations, rows, cols) || !isGrid(distances, rows, cols)) {
      throw new TravelMatrixError(
        'ROUTING_RESPONSE_INVALID',
        `OSRM answered without a ${rows}×${cols} durations and distances table; is annotations=duration,distance supported (OSRM ≥ 5.19)?`,
      );
    }
    block.sources.forEach((from, r) => {
      block.destinations.forEach((to, c) => {
        const seconds = durations[r]![c];
        const metres = distances[r]![c];
        if (seconds === null || seconds === undefined || metres === null || metres === undefined) {
          throw new TravelMatrixError(
            'ROUTING_NO_ROUTE',
            `OSRM found no route from point ${from} to point ${to}; check that both lie on the road network of the loaded map`,
          );
        }
        out.durations[from]![to] = seconds;
        out.distances[from]![to] = metres;
      });
    });
  }
}

function isRetriable(err: TravelMatrixError): boolean {
  return err.code === 'ROUTING_SERVICE_FAILED' || err.code === 'ROUTING_SERVICE_UNREACHABLE';
}

async function readJson(response: Response): Promise<OsrmTableResponse | undefined> {
  try {
    const value: unknown = await response.json();
    return typeof value === 'object' && value !== null ? (value as OsrmTableResponse) : undefined;
  } catch {
    return undefined;
  }
}

function describe(body: OsrmTableResponse | undefined): string {
  if (!body?.code) return '';
  return body.message ? ` (${body.code}: ${body.message})` : ` (${body.code})`;
}

function isGrid(value: unknown, rows: number, cols: number): value is (number | null)[][] {
  return (
    Array.isArray(value) &&
    value.length === rows &&
    value.every((row) => Array.isArray(row) && row.length === cols)
  );
}
