/**
 * A technician's territory: a GeoJSON Polygon or MultiPolygon (RFC 7946, positions are
 * [longitude, latitude]). Validated structurally here, then geometrically with turf
 * (`booleanValid` alone lets a self-crossing "bow-tie" ring through; `kinks` finds it).
 */
import { booleanValid } from '@turf/boolean-valid';
import { kinks } from '@turf/kinks';
import { z } from 'zod';

const PositionSchema = z
  .array(z.number({ error: 'expected a number' }), { error: 'expected a position [longitude, latitude]' })
  .min(2, { error: 'expected a position [longitude, latitude]' })
  .max(3, { error: 'expected a position [longitude, latitude] (optionally with altitude)' })
  .refine((p) => Math.abs(p[0] ?? 0) <= 180 && Math.abs(p[1] ?? 0) <= 90, {
    error:
      'expected [longitude, latitude] with longitude in -180..180 and latitude in -90..90 (GeoJSON order)',
  });

const LinearRingSchema = z
  .array(PositionSchema, { error: 'expected a linear ring (array of positions)' })
  .min(4, { error: 'expected a linear ring of at least 4 positions (first and last equal)' })
  .refine(
    (ring) => {
      const first = ring[0];
      const last = ring[ring.length - 1];
      return first !== undefined && last !== undefined && first[0] === last[0] && first[1] === last[1];
    },
    { error: 'expected a closed linear ring: the last position must equal the first' },
  );

const PolygonCoordinatesSchema = z
  .array(LinearRingSchema, { error: 'expected polygon coordinates (array of linear rings)' })
  .min(1, { error: 'expected at least one linear ring (the outer boundary)' });

const PolygonSchema = z.strictObject({
  type: z.literal('Polygon'),
  coordinates: PolygonCoordinatesSchema,
});

const MultiPolygonSchema = z.strictObject({
  type: z.literal('MultiPolygon'),
  coordinates: z
    .array(PolygonCoordinatesSchema, { error: 'expected an array of polygon coordinates' })
    .min(1, { error: 'expected at least one polygon' }),
});

export const TerritorySchema = z
  .discriminatedUnion('type', [PolygonSchema, MultiPolygonSchema], {
    error: 'expected a GeoJSON geometry with type "Polygon" or "MultiPolygon"',
  })
  .refine(
    (geometry) =>
      !isWellFormed(geometry) || (booleanValid(geometry) && kinks(geometry).features.length === 0),
    {
      error: 'expected a valid GeoJSON polygon: rings must not self-intersect and holes must lie inside',
    },
  );
export type Territory = z.infer<typeof TerritorySchema>;

type Ring = number[][];

/** Structure already checked above; only then is the geometric check meaningful. */
function isWellFormed(geometry: { type: string; coordinates: Ring[] | Ring[][] }): boolean {
  const polygons = (geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates) as Ring[][];
  return polygons.every((rings) =>
    rings.every((ring) => {
      const first = ring[0];
      const last = ring[ring.length - 1];
      return (
        ring.length >= 4 &&
        first !== undefined &&
        last !== undefined &&
        first[0] === last[0] &&
        first[1] === last[1]
      );
    }),
  );
}
