/**
 * The `zipcodes` package's postal-code table, loaded on first use: its data is a large
 * module, and most commands (and the server until it geocodes) never need it.
 */
import { createRequire } from 'node:module';
import type zipcodesModule from 'zipcodes';

type ZipcodesTable = typeof zipcodesModule;

let table: ZipcodesTable | undefined;

export function zipcodesTable(): ZipcodesTable {
  table ??= createRequire(import.meta.url)('zipcodes') as ZipcodesTable;
  return table;
}

/** Miles per radian of latitude, as the table's own distance measures them. */
const EARTH_RADIUS_MILES = 3958.56540656;

interface ByLatitude {
  readonly codes: readonly string[];
  readonly latitudes: Float64Array;
  /** Each code's place in the table's own order, so results keep that order. */
  readonly order: Uint32Array;
}

let byLatitude: ByLatitude | undefined;

/** The table's codes sorted by latitude, built once. */
function codesByLatitude(zipcodes: ZipcodesTable): ByLatitude {
  if (byLatitude !== undefined) return byLatitude;
  const entries = Object.entries(zipcodes.codes).map(([code, z], i) => ({ code, latitude: z.latitude, i }));
  entries.sort((a, b) => a.latitude - b.latitude);
  byLatitude = {
    codes: entries.map((e) => e.code),
    latitudes: Float64Array.from(entries, (e) => e.latitude),
    order: Uint32Array.from(entries, (e) => e.i),
  };
  return byLatitude;
}

/** The first index whose latitude is at least `lat` (a sorted array's lower bound). */
function lowerBound(latitudes: Float64Array, lat: number): number {
  let lo = 0;
  let hi = latitudes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((latitudes[mid] as number) < lat) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The postal codes `zipcodes.radius(center, miles)` gives, without measuring the distance to
 * every code of the country: a code whose latitude alone puts it more than a mile beyond the
 * radius cannot round to within it, so only the band of latitudes around the centre, found by
 * binary search in the codes sorted by latitude, is measured. In the table's order.
 */
export function zipcodesWithin(center: string, miles: number): string[] {
  const zipcodes = zipcodesTable();
  const origin = zipcodes.lookup(center);
  if (origin === undefined) return [];
  const band = ((miles + 1) / EARTH_RADIUS_MILES) * (180 / Math.PI);
  const { codes, latitudes, order } = codesByLatitude(zipcodes);
  const found: { code: string; i: number }[] = [];
  for (let k = lowerBound(latitudes, origin.latitude - band); k < codes.length; k++) {
    if ((latitudes[k] as number) > origin.latitude + band) break;
    const code = codes[k] as string;
    const d = zipcodes.distance(center, code);
    if (d !== null && d <= miles) found.push({ code, i: order[k] as number });
  }
  return found.sort((a, b) => a.i - b.i).map((f) => f.code);
}
