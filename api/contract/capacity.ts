/** Capacity: `GET /v1/capacity`, `POST /v1/capacity/publish`, `GET /v1/jobs/:id/slots`. */
import { z } from 'zod';
import { WriteBackDoneSchema } from './plans.ts';

const RoutesFromSchema = z
  .enum(['plan', 'booked-appointments'])
  .describe('Whether the routes come from a stored plan or from the appointments Amazon holds');

const CapacitySlotSchema = z.object({
  start: z.string(),
  end: z.string(),
  label: z.string(),
  engine: z.object({
    capacity: z.number(),
    byTechnician: z.array(z.object({ technicianId: z.string(), capacity: z.number() })),
  }),
  amazon: z
    .object({
      availableCapacity: z.number(),
      scheduledCapacity: z.number(),
      reservedCapacity: z.number(),
      encumberedCapacity: z.number(),
      appointmentSlotCapacity: z.number().nullable(),
    })
    .nullable(),
  difference: z.number().nullable(),
});

export const CapacityReportSchema = z.object({
  storeId: z.string(),
  from: z.string(),
  to: z.string(),
  skill: z.string(),
  slotMinutes: z.number(),
  durationMinutes: z.number(),
  durationSource: z.string(),
  asin: z.string().nullable(),
  routesFrom: RoutesFromSchema,
  planId: z.string().nullable(),
  planIds: z.array(z.string()),
  amazonError: z.string().nullable(),
  slots: z.array(CapacitySlotSchema),
  totals: z.object({
    engine: z.number(),
    amazonAvailable: z.number().nullable(),
    amazonAppointmentSlots: z.number().nullable(),
  }),
});

const PublishedOfferSchema = z.object({
  asin: z.string().nullable(),
  skills: z.array(z.string()),
  start: z.string(),
  end: z.string(),
  engine: z.number(),
  amazonWithoutHolds: z.number(),
  offered: z.number(),
});

export const PublishResultSchema = z.object({
  planId: z.string(),
  dryRun: z.boolean(),
  storeId: z.string(),
  from: z.string(),
  to: z.string(),
  routesFrom: RoutesFromSchema,
  planIds: z.array(z.string()),
  kinds: z.array(
    z.object({ asin: z.string().nullable(), skills: z.array(z.string()), durationMinutes: z.number() }),
  ),
  holds: z.array(z.object({ technicianId: z.string(), start: z.string(), end: z.string() })),
  offers: z.array(PublishedOfferSchema),
  slots: z.array(
    z.object({
      start: z.string(),
      end: z.string(),
      label: z.string(),
      skill: z.string(),
      engine: z.number(),
      offered: z.number(),
    }),
  ),
  underOffered: z.array(
    PublishedOfferSchema.extend({
      shortBy: z.number(),
      reasons: z.array(
        z.object({
          code: z.enum(['amazon-busy', 'held-for-other-work', 'store-capacity']),
          count: z.number(),
          message: z.string(),
        }),
      ),
    }),
  ),
  totals: z.object({
    engine: z.number(),
    offered: z.number(),
    overOfferedWithoutHolds: z.number(),
    underOffered: z.number(),
  }),
  operations: z.object({
    createReservation: z.number(),
    updateReservation: z.number(),
    cancelReservation: z.number(),
  }),
  writeBack: WriteBackDoneSchema.nullable(),
  outcome: z.enum(['succeeded', 'partial', 'nothing-to-do', 'dry-run']),
});

const RankedSlotSchema = z.object({
  start: z.string(),
  end: z.string(),
  rank: z.number().int().nullable().describe('1 = best; null when no route can take it'),
  servable: z.boolean(),
  technicianId: z.string().nullable(),
  marginalCost: z.number().nullable(),
  extraTravelMinutes: z.number().nullable(),
  extraKm: z.number().nullable(),
  overtimeMinutes: z.number().nullable(),
  latenessMinutes: z.number().nullable(),
  bufferMinutes: z.number().nullable(),
  reason: z
    .object({ code: z.enum(['no-qualified-technician', 'no-shift', 'no-room']), message: z.string() })
    .nullable(),
});

export const JobSlotsSchema = z.object({
  jobId: z.string(),
  storeId: z.string(),
  from: z.string(),
  days: z.number().int(),
  routesFrom: RoutesFromSchema,
  planIds: z.array(z.string()),
  slots: z.array(RankedSlotSchema),
});
