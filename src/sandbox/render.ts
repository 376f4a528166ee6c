import type { AppointmentRecord, JobRecord, ReservationRecord, SandboxWorld } from './state.ts';
import type { AvailabilityRule } from './schedule-rules.ts';
import { DAYS_OF_WEEK } from './schedule-rules.ts';
import { toIso } from './time.ts';
import type {
  Appointment,
  AvailabilityRecord,
  Reservation,
  ServiceJob,
} from '../spapi/generated/services.ts';

/** Turns sandbox records into the wire objects of the Services model. */

function renderAppointment(world: SandboxWorld, a: AppointmentRecord): Appointment {
  const technicians = a.technicianIds.map((id) => {
    const crew = world.crews.find((c) => c.resourceId === id);
    return crew ? { technicianId: id, name: crew.name } : { technicianId: id };
  });
  return {
    appointmentId: a.appointmentId,
    appointmentStatus: a.status,
    appointmentTime: { startTime: toIso(a.startMs), durationInMinutes: a.durationMinutes },
    ...(technicians.length > 0 ? { assignedTechnicians: technicians } : {}),
    ...(a.rescheduledAppointmentId ? { rescheduledAppointmentId: a.rescheduledAppointmentId } : {}),
  };
}

export function renderJob(world: SandboxWorld, job: JobRecord): ServiceJob {
  return {
    createTime: toIso(job.createdMs),
    serviceJobId: job.serviceJobId,
    serviceJobStatus: job.status,
    scopeOfWork: {
      asin: job.scope.asin,
      title: job.scope.title,
      quantity: job.scope.quantity,
      requiredSkills: [...job.scope.requiredSkills],
    },
    seller: { sellerId: job.sellerId },
    serviceJobProvider: { serviceJobProviderId: world.serviceJobProviderId },
    preferredAppointmentTimes: job.preferredTimes.map((p) => ({
      startTime: toIso(p.startMs),
      durationInMinutes: p.durationMinutes,
    })),
    appointments: job.appointments.map((a) => renderAppointment(world, a)),
    serviceOrderId: job.serviceOrderId,
    productOrderIds: [...job.productOrderIds],
    ...(job.trackingIds.length > 0 ? { trackingIds: [...job.trackingIds] } : {}),
    marketplaceId: job.marketplaceId,
    storeId: job.storeId,
    buyer: { ...job.buyer },
    associatedItems: job.associatedItems.map((item) => ({
      asin: item.asin,
      title: item.title,
      quantity: item.quantity,
      orderId: item.orderId,
      itemStatus: item.itemStatus,
      brandName: item.brandName,
      itemDelivery: {
        estimatedDeliveryDate: toIso(item.estimatedDeliveryMs),
        itemDeliveryPromise: { startTime: toIso(item.promise.startMs), endTime: toIso(item.promise.endMs) },
      },
    })),
    serviceLocation: { serviceLocationType: 'IN_HOME', address: { ...job.address } },
    payments: job.payments.map((p) => ({
      amount: { value: p.value, currency: p.currency },
      instrument: p.instrument,
    })),
  };
}

export function renderAvailability(rule: AvailabilityRule): AvailabilityRecord {
  return {
    startTime: toIso(rule.startMs),
    endTime: toIso(rule.endMs),
    ...(rule.recurrence
      ? {
          recurrence: {
            endTime: toIso(rule.recurrence.endMs),
            ...(rule.recurrence.daysOfWeek.length > 0
              ? {
                  daysOfWeek: rule.recurrence.daysOfWeek.map(
                    (d) => DAYS_OF_WEEK[d - 1] as (typeof DAYS_OF_WEEK)[number],
                  ),
                }
              : {}),
            ...(rule.recurrence.daysOfMonth.length > 0
              ? { daysOfMonth: [...rule.recurrence.daysOfMonth] }
              : {}),
          },
        }
      : {}),
    capacity: rule.capacity,
  };
}

export function renderReservation(r: ReservationRecord): Reservation {
  return { reservationId: r.reservationId, type: r.type, availability: renderAvailability(r.rule) };
}
