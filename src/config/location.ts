/** Where a technician starts the day or where a store is: a postal code, an address or coordinates. */
import { z } from 'zod';

const CoordinatesSchema = z.strictObject({
  lat: z.number({ error: 'expected a latitude in degrees' }).min(-90).max(90),
  lon: z.number({ error: 'expected a longitude in degrees' }).min(-180).max(180),
});

export const LocationSchema = z
  .strictObject({
    /** US ZIP (5 digits, ZIP+4 tolerated); geocoded offline to the postal-code centroid. */
    postalCode: z.string().min(1).optional(),
    /** A street address, for a geocoder that resolves addresses. */
    address: z.string().min(1).optional(),
    /** ISO 3166-1 alpha-2 country; default US. */
    countryCode: z
      .string()
      .regex(/^[A-Z]{2}$/, { error: 'expected an ISO 3166-1 alpha-2 country code such as "US"' })
      .optional(),
    lat: CoordinatesSchema.shape.lat.optional(),
    lon: CoordinatesSchema.shape.lon.optional(),
  })
  .refine((l) => (l.lat === undefined) === (l.lon === undefined), {
    error: 'expected both lat and lon, or neither',
  })
  .refine((l) => l.lat !== undefined || l.postalCode !== undefined || l.address !== undefined, {
    error: 'expected a location: postalCode, address, or lat and lon',
  });
export type Location = z.infer<typeof LocationSchema>;
