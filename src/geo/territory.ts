/**
 * Territories decide which routes may serve which jobs (the solver's `allowedJobs`). A
 * route is allowed a job when the job's point lies inside every territory of the route's
 * members (a crew goes only where both may go); a route with no territory has no limit.
 */
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { point } from '@turf/helpers';
import type { Territory } from '../config/territory.ts';
import type { GeoPoint } from './geoPoint.ts';

export interface TerritoryRoute {
  id: string;
  /** Territories of the route's members; empty = unrestricted. */
  territories: readonly Territory[];
}

export interface LocatedJob {
  id: string;
  /** Undefined when the job could not be geocoded: then no territory-bound route may take it. */
  point: GeoPoint | undefined;
}

export function insideTerritory(territory: Territory, at: GeoPoint): boolean {
  // Points on the boundary count as inside: a ZIP centroid on a shared edge belongs to both.
  return booleanPointInPolygon(point([at.lon, at.lat]), territory, { ignoreBoundary: false });
}

/** Route id → allowed job ids, for territory-bound routes only (others are absent: no limit). */
export function allowedJobsByRoute(
  routes: readonly TerritoryRoute[],
  jobs: readonly LocatedJob[],
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const route of routes) {
    if (route.territories.length === 0) continue;
    out.set(
      route.id,
      jobs
        .filter(
          (job) => job.point !== undefined && route.territories.every((t) => insideTerritory(t, job.point!)),
        )
        .map((job) => job.id),
    );
  }
  return out;
}
