/**
 * Place names for the board's offline map, from the geocoder's own postal-code table (the
 * `zipcodes` package): the cities in and around an area, ranked by how many postal codes
 * they have (a fair stand-in for their size), and the postal codes themselves. Every postal
 * code of the area is given, not only those where jobs are, so a label says nothing about
 * which buyers are served.
 */
import { zipcodesTable } from './zipcodes-table.ts';

export interface PlaceLabel {
  kind: 'city' | 'postal-code';
  name: string;
  lat: number;
  lon: number;
}

export interface PlaceLabelOptions {
  /** Cities at most (default 14). */
  cities?: number;
  /** Postal codes at most (default 150). */
  postalCodes?: number;
  /** Margin added around the bounds, as a share of their span (default 0.15). */
  margin?: number;
}

interface Code {
  zip: string;
  latitude: number;
  longitude: number;
  city: string;
  state: string;
  country: string;
}

let table: Code[] | undefined;
const allCodes = (): Code[] => (table ??= Object.values(zipcodesTable().codes as Record<string, Code>));

/** City and postal-code labels for [west, south, east, north]; none for an empty or zero area. */
export function placeLabels(
  bounds: readonly [number, number, number, number],
  options: PlaceLabelOptions = {},
): PlaceLabel[] {
  const [w, s, e, n] = bounds;
  if (![w, s, e, n].every(Number.isFinite) || (w === 0 && s === 0 && e === 0 && n === 0)) return [];
  // A single place still gets its surroundings: at least ~0.1° across.
  const mx = Math.max((e - w) * (options.margin ?? 0.15), 0.05);
  const my = Math.max((n - s) * (options.margin ?? 0.15), 0.05);
  const inside = allCodes().filter(
    (c) =>
      c.longitude >= w - mx &&
      c.longitude <= e + mx &&
      c.latitude >= s - my &&
      c.latitude <= n + my &&
      // The table carries a few placeholders at 0,0.
      !(c.latitude === 0 && c.longitude === 0),
  );
  const byCity = new Map<string, Code[]>();
  for (const c of inside) {
    const key = `${c.city}|${c.state}`;
    const list = byCity.get(key);
    if (list) list.push(c);
    else byCity.set(key, [c]);
  }
  const cities: PlaceLabel[] = [...byCity.values()]
    .sort((a, b) => b.length - a.length || (a[0]!.city < b[0]!.city ? -1 : 1))
    .slice(0, options.cities ?? 14)
    .map((list) => ({
      kind: 'city' as const,
      name: list[0]!.city,
      lat: round4(list.reduce((t, c) => t + c.latitude, 0) / list.length),
      lon: round4(list.reduce((t, c) => t + c.longitude, 0) / list.length),
    }));
  const maxCodes = options.postalCodes ?? 150;
  const sorted = [...inside].sort((a, b) => (a.zip < b.zip ? -1 : a.zip > b.zip ? 1 : 0));
  // Evenly thinned when there are too many (a whole state), so the spread stays even.
  const step = Math.max(1, sorted.length / maxCodes);
  const codes: PlaceLabel[] = [];
  for (let i = 0; i < sorted.length && codes.length < maxCodes; i += step) {
    const c = sorted[Math.floor(i)]!;
    codes.push({ kind: 'postal-code', name: c.zip, lat: c.latitude, lon: c.longitude });
  }
  return [...cities, ...codes];
}

const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;
