/** Travel times and distances between points, [from][to], for the solver's matrices. */
import type { GeoPoint } from './geoPoint.ts';

export interface TravelMatrix {
  /** Seconds. */
  durations: number[][];
  /** Metres. */
  distances: number[][];
}

export interface TravelMatrixProvider {
  matrix(points: readonly GeoPoint[], signal?: AbortSignal): Promise<TravelMatrix>;
}

export type TravelMatrixErrorCode =
  | 'ROUTING_REQUEST_INVALID'
  | 'ROUTING_SERVICE_FAILED'
  | 'ROUTING_SERVICE_UNREACHABLE'
  | 'ROUTING_RESPONSE_INVALID'
  | 'ROUTING_NO_ROUTE';

export class TravelMatrixError extends Error {
  override readonly name = 'TravelMatrixError';
  constructor(
    readonly code: TravelMatrixErrorCode,
    message: string,
    /** HTTP status of the routing service's answer, when there was one. */
    readonly status?: number,
  ) {
    super(message);
  }
}

export function emptyMatrix(n: number): TravelMatrix {
  return {
    durations: Array.from({ length: n }, () => new Array<number>(n).fill(0)),
    distances: Array.from({ length: n }, () => new Array<number>(n).fill(0)),
  };
}
