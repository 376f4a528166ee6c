/**
 * Close-out against the sandbox over HTTP: fulfilment data with an encrypted proof document
 * that Amazon accepts (destination, AES-256-CBC, SHA-256), completion, cancellation; every call
 * journaled, fulfilment times stored encrypted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelJob, CloseoutError, completeJob, setFulfillment } from '../../src/closeout/index.ts';
import { capacityWorld, type CapacityWorld } from '../capacity/support.ts';

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('signed proof of appointment'),
]);
const hoursAgo = (h: number): string =>
  new Date(Date.now() - h * 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');

describe('close-out', () => {
  let cw: CapacityWorld;
  beforeAll(async () => {
    cw = await capacityWorld({ plan: false });
  }, 60_000);
  afterAll(async () => cw?.close());
  const deps = () => ({ client: cw.client, db: cw.db, actor: 'test' });

  it('sets fulfilment data with an encrypted proof document, then completes the job', async () => {
    const snap = cw.world.sandbox.snapshot();
    const appt = snap.appointments.find((a) => a.status === 'ACTIVE')!;
    const technician = cw.world.sandbox.seededCrews().find((c) => c.storeId === cw.storeId)!.resourceId;
    const fulfillmentTime = { startTime: hoursAgo(3), endTime: hoursAgo(2) };
    const r = await setFulfillment(deps(), appt.serviceJobId, {
      fulfillmentTime,
      technicianIds: [technician],
      documents: [{ contentType: 'PNG', content: PNG }],
    });
    expect(r.appointmentId).toBe(appt.appointmentId);
    expect(r.documents).toHaveLength(1);
    const recorded = cw.world.sandbox
      .snapshot()
      .fulfillment.find((f) => f.serviceJobId === appt.serviceJobId)!;
    expect(recorded.uploadDestinationIds).toEqual([r.documents[0]!.uploadDestinationId]);
    expect(recorded.resourceIds).toEqual([technician]);

    const entries = await cw.db.journal.list(r.planId);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.state).toBe('succeeded');
    expect(entries[0]!.requestBody).toBeNull();
    expect((entries[0]!.personalRequestBody as { fulfillmentTime: unknown }).fulfillmentTime).toEqual(
      fulfillmentTime,
    );

    await completeJob(deps(), appt.serviceJobId);
    const job = cw.world.sandbox.snapshot().jobs.find((j) => j.serviceJobId === appt.serviceJobId)!;
    expect(job.serviceJobStatus).toBe('COMPLETED');
  });

  it('refuses fulfilment times in the future with Amazon’s reason, and journals the refusal', async () => {
    const snap = cw.world.sandbox.snapshot();
    const appt = snap.appointments.find(
      (a) =>
        a.status === 'ACTIVE' &&
        snap.jobs.find((j) => j.serviceJobId === a.serviceJobId)?.serviceJobStatus === 'NOT_SERVICED',
    )!;
    const future = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const err = await setFulfillment(deps(), appt.serviceJobId, {
      fulfillmentTime: { startTime: hoursAgo(1), endTime: future },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloseoutError);
    expect((err as CloseoutError).status).toBe(422);
    expect((err as CloseoutError).message).not.toContain(future);
  });

  it('cancels a job with a reason code; an unknown job is a 404', async () => {
    const job = cw.world.sandbox.snapshot().jobs.find((j) => j.serviceJobStatus === 'PENDING_SCHEDULE')!;
    await cancelJob(deps(), job.serviceJobId!, 'V1');
    expect(
      cw.world.sandbox.snapshot().jobs.find((j) => j.serviceJobId === job.serviceJobId)!.serviceJobStatus,
    ).toBe('CANCELLED');
    const missing = await completeJob(deps(), 'no-such-job').catch((e: unknown) => e);
    expect((missing as CloseoutError).status).toBe(404);
  });
});
