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

/**
 * The postal codes `zipcodes.radius(center, miles)` gives, without measuring the distance to
 * every code of the country: a code whose latitude alone puts it more than a mile beyond the
 * radius cannot round to within it, so only the band of latitudes around the centre is measured.
 */
export function zipcodesWithin(center: string, miles: number): string[] {
  const zipcodes = zipcodesTable();
  const origin = zipcodes.lookup(center);
  if (origin === undefined) return [];
  const band = ((miles + 1) / EARTH_RADIUS_MILES) * (180 / Math.PI);
  const found: string[] = [];
  for (const [code, z] of Object.entries(zipcodes.codes)) {
    if (Math.abs(z.latitude - origin.latitude) > band) continue;
    const d = zipcodes.distance(center, code);
    if (d !== null && d <= miles) found.push(code);
  }
  return found;
}
