import { renderAvailability, renderJob } from './render.ts';
import type { AppointmentStatus, ReservationType, SandboxWorld } from './state.ts';
import { toIso } from './time.ts';
import type { AvailabilityRecord, ServiceJob } from '../spapi/generated/services.ts';

/** A read-only copy of the sandbox's state for tests: what Amazon would hold after the writes. */
export interface SandboxSnapshot {
  /** The seller's jobs as getServiceJobByServiceJobId would return them. */
  readonly jobs: readonly ServiceJob[];
  readonly appointments: readonly {
    readonly serviceJobId: string;
    readonly appointmentId: string;
    readonly status: AppointmentStatus;
    readonly startTime: string;
    readonly durationInMinutes: number;
    readonly technicianIds: readonly string[];
    readonly rescheduledAppointmentId?: string;
  }[];
  /** Technicians on active appointments. */
  readonly assignments: readonly {
    readonly serviceJobId: string;
    readonly appointmentId: string;
    readonly resourceId: string;
  }[];
  /** Schedule records written with updateSchedule, in write order. */
  readonly schedules: readonly {
    readonly resourceId: string;
    readonly availability: Record<string, unknown>;
  }[];
  readonly reservations: readonly {
    readonly reservationId: string;
    readonly resourceId: string;
    readonly type: ReservationType;
    readonly availability: AvailabilityRecord;
    readonly origin: 'seed' | 'api';
  }[];
  readonly fulfillment: readonly {
    readonly serviceJobId: string;
    readonly appointmentId: string;
    readonly resourceIds: readonly string[];
    readonly uploadDestinationIds: readonly string[];
  }[];
  /** Ids of another seller's jobs: reading or writing them answers 403. */
  readonly foreignJobIds: readonly string[];
}

export function takeSnapshot(world: SandboxWorld): SandboxSnapshot {
  const own = [...world.jobs.values()].filter((j) => j.sellerId === world.sellerId);
  const copy = <T>(v: T): T => structuredClone(v);
  return copy({
    jobs: own.map((j) => renderJob(world, j)),
    appointments: own.flatMap((j) =>
      j.appointments.map((a) => ({
        serviceJobId: j.serviceJobId,
        appointmentId: a.appointmentId,
        status: a.status,
        startTime: toIso(a.startMs),
        durationInMinutes: a.durationMinutes,
        technicianIds: [...a.technicianIds],
        ...(a.rescheduledAppointmentId ? { rescheduledAppointmentId: a.rescheduledAppointmentId } : {}),
      })),
    ),
    assignments: own.flatMap((j) =>
      j.appointments
        .filter((a) => a.status === 'ACTIVE')
        .flatMap((a) =>
          a.technicianIds.map((resourceId) => ({
            serviceJobId: j.serviceJobId,
            appointmentId: a.appointmentId,
            resourceId,
          })),
        ),
    ),
    schedules: world.schedules.map((s) => ({
      resourceId: s.resourceId,
      availability: renderAvailability(s.rule),
    })),
    reservations: [...world.reservations.values()].map((r) => ({
      reservationId: r.reservationId,
      resourceId: r.resourceId,
      type: r.type,
      availability: renderAvailability(r.rule),
      origin: r.origin,
    })),
    fulfillment: own.flatMap((j) =>
      j.fulfillment.map((f) => ({
        serviceJobId: j.serviceJobId,
        appointmentId: f.appointmentId,
        resourceIds: [...f.resourceIds],
        uploadDestinationIds: [...f.uploadDestinationIds],
      })),
    ),
    foreignJobIds: [...world.jobs.values()]
      .filter((j) => j.sellerId !== world.sellerId)
      .map((j) => j.serviceJobId),
  });
}
