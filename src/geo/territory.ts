/**
 * The one territory rule, used wherever the engine decides who may go where (the solver
 * problem's `allowedJobs` in src/pipeline/build-problem.ts, the capacity and slot probes in
 * src/capacity/): a route may serve a point that lies inside every territory of the route's
 * members (a crew goes only where each member may go), boundaries counting as inside; a route
 * whose members have no territory has no limit; a point that could not be located goes to no
 * territory-bound route.
 */
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { point } from '@turf/helpers';
import type { Territory } from '../config/territory.ts';
import type { GeoPoint } from './geoPoint.ts';

/** A territory as the planning setup carries it (the config's GeoJSON polygon, not re-checked). */
type TerritoryLike = Territory | { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown };

export function insideTerritory(territory: TerritoryLike, at: GeoPoint): boolean {
  // Points on the boundary count as inside: a ZIP centroid on a shared edge belongs to both.
  return booleanPointInPolygon(point([at.lon, at.lat]), territory as Territory, { ignoreBoundary: false });
}

/** Whether a route whose members have these territories (undefined = none) may serve the point. */
export function mayServeAt(
  territories: readonly (TerritoryLike | undefined)[],
  at: GeoPoint | undefined,
): boolean {
  const bound = territories.filter((t): t is TerritoryLike => t !== undefined);
  if (bound.length === 0) return true;
  return at !== undefined && bound.every((t) => insideTerritory(t, at));
}
