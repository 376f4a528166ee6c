/**
 * Reconcile: before anything is repeated, every journal entry left in doubt (sent, no answer
 * recorded: a crash or a dropped connection) is checked against Amazon's state. A create that
 * landed is recorded as done with the id Amazon now shows; one that did not is marked failed,
 * which lets the write-back send it again. Idempotent calls (assign, schedule, update, cancel)
 * are simply marked for resending.
 */
import { parseServiceJob } from '../read/service-job.ts';
import type { CapacityBlock } from './plan.ts';
import type { LedgerReservation } from './ledger.ts';
import type { JournalPort, JournalRecord, ServicesPort } from '../ports.ts';

export interface ReconcileResult {
  checked: number;
  landed: number;
  notLanded: number;
}

export async function reconcile(
  planId: string,
  marketplaceId: string,
  journal: JournalPort,
  services: ServicesPort,
  knownReservations: readonly LedgerReservation[],
): Promise<ReconcileResult> {
  const entries = await journal.inDoubt(planId);
  const out: ReconcileResult = { checked: 0, landed: 0, notLanded: 0 };
  for (const e of entries) {
    if (e.state !== 'unknown' && e.state !== 'sent') continue; // intended only: never sent
    out.checked += 1;
    const landed = await check(e, marketplaceId, services, knownReservations);
    if (landed !== undefined) {
      out.landed += 1;
      await journal.markResult(e.entryId, { state: 'succeeded', result: landed });
    } else {
      out.notLanded += 1;
      await journal.markResult(e.entryId, { state: 'failed', errorCode: 'NOT_APPLIED' });
    }
  }
  return out;
}

async function check(
  e: JournalRecord,
  marketplaceId: string,
  services: ServicesPort,
  known: readonly LedgerReservation[],
): Promise<Record<string, string | undefined> | undefined> {
  const body = (e.body ?? {}) as Record<string, unknown>;
  switch (e.operation) {
    case 'addAppointmentForServiceJobByServiceJobId':
    case 'rescheduleAppointmentForServiceJobByServiceJobId': {
      const jobId = String(body.serviceJobId ?? e.serviceJobId ?? '');
      const parsed = parseServiceJob(await services.getServiceJob(jobId));
      if (!parsed.ok) return undefined;
      const active = (parsed.job.appointments ?? []).filter((a) => a.appointmentStatus === 'ACTIVE');
      const previous = typeof body.appointmentId === 'string' ? body.appointmentId : undefined;
      const startTime = typeof body.startTime === 'string' ? Date.parse(body.startTime) : undefined;
      const match = active.find(
        (a) =>
          a.appointmentId !== undefined &&
          a.appointmentId !== previous &&
          (startTime === undefined || Date.parse(a.appointmentTime?.startTime ?? '') === startTime),
      );
      return match?.appointmentId !== undefined ? { appointmentId: match.appointmentId } : undefined;
    }
    case 'createReservation': {
      const block = body.block as CapacityBlock | undefined;
      if (block === undefined) return undefined;
      const slots = await services.reservedSlots(marketplaceId, block.resourceId, {
        start: block.start,
        end: block.end,
      });
      const over = slots.filter((x) => x.start < block.end && x.end > block.start);
      const reserved = over.length > 0 ? Math.min(...over.map((x) => x.capacity)) : 0;
      const others = known.filter(
        (r) => r.resourceId === block.resourceId && r.start <= block.start && r.end >= block.end,
      ).length;
      return reserved > others ? { reservationId: undefined } : undefined;
    }
    default:
      // Idempotent: repeating gives the same end state.
      return undefined;
  }
}
