/**
 * Geography: every job and technician home gets a location index, and the travel matrix is
 * built over the distinct points. Geocoding and the matrix come from providers passed in
 * (offline postal-code centroids and great-circle travel by default; OSRM when configured).
 */
import type { Geocoder, GeoPoint, TravelMatrix, TravelMatrixProvider } from '../../geo/index.ts';
import type { PlanningIssue } from '../issues.ts';
import type { PlannableJob } from '../read/normalise.ts';
import type { Place, PlanningSetup } from '../setup/planning-setup.ts';

export type { Geocoder, TravelMatrix, TravelMatrixProvider };

const PROGRESS_EVERY = 100;

export interface Located {
  points: GeoPoint[];
  /** Location index per service job id. */
  jobLocation: Map<string, number>;
  /** Location index per technician id (home base). */
  technicianLocation: Map<string, number>;
  /** Jobs that could be located (the others became issues). */
  jobs: PlannableJob[];
  issues: PlanningIssue[];
}

export interface LocateProgress {
  done: number;
  total: number;
}

export async function locate(
  jobs: readonly PlannableJob[],
  setup: PlanningSetup,
  geocoder: Geocoder,
  onProgress?: (p: LocateProgress) => void,
): Promise<Located> {
  const cache = new Map<string, GeoPoint | undefined>();
  const failures = new Map<string, string>();
  const codes = new Set<string>();
  for (const j of jobs) codes.add(codeKey(j.postalCode, j.countryCode));
  for (const t of setup.technicians)
    if ('postalCode' in t.home) codes.add(codeKey(t.home.postalCode, t.home.countryCode));
  let done = 0;
  for (const key of codes) {
    const [code, country] = splitKey(key);
    const r = await geocoder.geocode({ postalCode: code, countryCode: country });
    if (r.ok) cache.set(key, { lat: r.lat, lon: r.lon });
    else failures.set(key, `${r.reason}: ${r.message}`);
    done += 1;
    // Progress every few places: a large day has thousands, and each report is an event.
    if (done === codes.size || done % PROGRESS_EVERY === 0) onProgress?.({ done, total: codes.size });
  }

  const points: GeoPoint[] = [];
  const index = new Map<string, number>();
  const indexOf = (p: GeoPoint): number => {
    const k = `${p.lat.toFixed(6)},${p.lon.toFixed(6)}`;
    let i = index.get(k);
    if (i === undefined) {
      i = points.length;
      points.push(p);
      index.set(k, i);
    }
    return i;
  };
  const resolve = (place: Place): GeoPoint | undefined =>
    'point' in place ? place.point : cache.get(codeKey(place.postalCode, place.countryCode));

  const issues: PlanningIssue[] = [];
  const technicianLocation = new Map<string, number>();
  for (const t of setup.technicians) {
    const p = resolve(t.home);
    if (p === undefined) {
      const at = setup.stores.find((s) => t.storeIds.includes(s.storeId));
      const fallback = at !== undefined ? resolve(at.location) : undefined;
      if (fallback === undefined) continue;
      technicianLocation.set(t.technicianId, indexOf(fallback));
    } else technicianLocation.set(t.technicianId, indexOf(p));
  }
  const located: PlannableJob[] = [];
  const jobLocation = new Map<string, number>();
  for (const j of jobs) {
    const p = cache.get(codeKey(j.postalCode, j.countryCode));
    if (p === undefined) {
      issues.push({
        serviceJobId: j.serviceJobId,
        code: 'NO_COORDINATES',
        level: 'error',
        detail: `service address cannot be located (${failures.get(codeKey(j.postalCode, j.countryCode)) ?? 'no coordinates'})`,
      });
      continue;
    }
    jobLocation.set(j.serviceJobId, indexOf(p));
    located.push(j);
  }
  return { points, jobLocation, technicianLocation, jobs: located, issues };
}

function codeKey(code: string, country: string | undefined): string {
  return `${(country ?? 'US').toUpperCase()}|${code.trim()}`;
}

function splitKey(key: string): [string, string] {
  const bar = key.indexOf('|');
  return [key.slice(bar + 1), key.slice(0, bar)];
}
