/**
 * A Services API `ServiceJob` as the planning run reads it. The wire format is Amazon's
 * (see shared/spapi/services.json); this schema checks only the fields planning depends
 * on, so a payload that lacks one of them is reported job by job instead of failing the run.
 */
import { z } from 'zod';

import { SERVICE_JOB_STATUSES } from '../../spapi/statuses.ts';
import { formatIssuePath } from '../../../solver/issue-path.ts';

const AppointmentTimeSchema = z.object({
  startTime: z.iso.datetime({ offset: true }),
  durationInMinutes: z.number().int().min(1),
});

const TechnicianRefSchema = z.object({
  technicianId: z.string().min(1).optional(),
  name: z.string().optional(),
});

const AppointmentSchema = z.object({
  appointmentId: z.string().min(1).optional(),
  appointmentStatus: z.enum(['ACTIVE', 'CANCELLED', 'COMPLETED']).optional(),
  appointmentTime: AppointmentTimeSchema.optional(),
  assignedTechnicians: z.array(TechnicianRefSchema).optional(),
  rescheduledAppointmentId: z.string().optional(),
});
export type Appointment = z.infer<typeof AppointmentSchema>;

const AddressSchema = z.object({
  name: z.string().optional(),
  addressLine1: z.string().optional(),
  city: z.string().optional(),
  stateOrRegion: z.string().optional(),
  postalCode: z.string().optional(),
  countryCode: z.string().optional(),
  phone: z.string().optional(),
});

const AssociatedItemSchema = z.object({
  asin: z.string().optional(),
  quantity: z.number().int().optional(),
  orderId: z.string().optional(),
  itemStatus: z.string().optional(),
  itemDelivery: z
    .object({
      estimatedDeliveryDate: z.string().optional(),
      itemDeliveryPromise: z
        .object({ startTime: z.string().optional(), endTime: z.string().optional() })
        .optional(),
    })
    .optional(),
});

const ServiceJobSchema = z.object({
  serviceJobId: z.string().min(1).max(100),
  serviceJobStatus: z.enum(SERVICE_JOB_STATUSES),
  createTime: z.iso.datetime({ offset: true }).optional(),
  storeId: z.string().min(1).max(100).optional(),
  marketplaceId: z.string().optional(),
  scopeOfWork: z
    .object({
      asin: z.string().optional(),
      title: z.string().optional(),
      quantity: z.number().int().optional(),
      requiredSkills: z.array(z.string()).optional(),
    })
    .optional(),
  preferredAppointmentTimes: z.array(AppointmentTimeSchema).optional(),
  appointments: z.array(AppointmentSchema).optional(),
  // Links the job to earlier jobs of the same order; a malformed list only loses that link.
  productOrderIds: z.array(z.string()).optional().catch(undefined),
  buyer: z
    .object({
      buyerId: z.string().optional(),
      name: z.string().optional(),
      phone: z.string().optional(),
      isPrimeMember: z.boolean().optional(),
    })
    .optional(),
  associatedItems: z.array(AssociatedItemSchema).optional(),
  serviceLocation: z
    .object({
      serviceLocationType: z.enum(['IN_HOME', 'IN_STORE', 'ONLINE']).optional(),
      address: AddressSchema.optional(),
    })
    .optional(),
});
export type ServiceJob = z.infer<typeof ServiceJobSchema>;

/** Top-level fields of `ServiceJob` in the official model; anything else is unknown to this engine. */
const KNOWN_SERVICE_JOB_FIELDS: ReadonlySet<string> = new Set([
  'createTime',
  'serviceJobId',
  'serviceJobStatus',
  'scopeOfWork',
  'seller',
  'serviceJobProvider',
  'preferredAppointmentTimes',
  'appointments',
  'serviceOrderId',
  'productOrderIds',
  'trackingIds',
  'marketplaceId',
  'storeId',
  'buyer',
  'associatedItems',
  'serviceLocation',
  'payments',
]);

export type ServiceJobParse =
  | { ok: true; job: ServiceJob; unknownFields: string[] }
  | { ok: false; serviceJobId: string | undefined; problems: string[] };

/** Parses one raw job; problems name the field path and what was expected, never a value (values may be personal). */
export function parseServiceJob(raw: unknown): ServiceJobParse {
  const id =
    typeof raw === 'object' &&
    raw !== null &&
    typeof (raw as Record<string, unknown>).serviceJobId === 'string'
      ? ((raw as Record<string, unknown>).serviceJobId as string)
      : undefined;
  const result = ServiceJobSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const path = issue.path.length > 0 ? formatIssuePath(issue.path) : '(job)';
      // Looked up in the payload only to tell a missing field from a wrong one; never printed.
      const missing = valueAt(raw, issue.path) === undefined;
      if (issue.code === 'invalid_value') {
        const expected = `one of ${issue.values.join(', ')}`;
        return missing
          ? `${path}: missing (expected ${expected})`
          : `${path}: unknown value (expected ${expected})`;
      }
      if (issue.code === 'invalid_type') {
        return missing
          ? `${path}: missing (expected ${issue.expected})`
          : `${path}: expected ${issue.expected}`;
      }
      return `${path}: ${issue.message}`;
    });
    return { ok: false, serviceJobId: id, problems };
  }
  const unknownFields = Object.keys(raw as Record<string, unknown>).filter(
    (k) => !KNOWN_SERVICE_JOB_FIELDS.has(k),
  );
  return { ok: true, job: result.data, unknownFields };
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let v = value;
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}
