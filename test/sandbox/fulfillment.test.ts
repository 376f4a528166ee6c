import { createCipheriv, createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxClient, errorMessages } from './client.ts';
import { activeOf, jobWith, openSandbox, T0 } from './fixtures.ts';
import type { JobView, TestSandbox } from './fixtures.ts';

let t: TestSandbox;
let client: SandboxClient;
beforeAll(async () => {
  t = await openSandbox({ seed: 31 });
  client = new SandboxClient(t.sandbox);
});
afterAll(() => t.sandbox.close());

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('proof of appointment'),
]);
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('base64');
const past = (hours: number): string => new Date(T0 - hours * 3_600_000).toISOString();

interface Destination {
  uploadDestinationId: string;
  url: string;
  encryptionDetails: { standard: string; initializationVector: string; key: string };
}

async function destination(contentType: string, contentLength: number): Promise<Destination> {
  const res = await client.call('createServiceDocumentUploadDestination', {
    body: { contentType, contentLength },
  });
  expect(res.status).toBe(200);
  return (res.body as { payload: Destination }).payload;
}

function encrypt(d: Destination, plain: Buffer): Buffer {
  const cipher = createCipheriv(
    'aes-256-cbc',
    Buffer.from(d.encryptionDetails.key, 'base64'),
    Buffer.from(d.encryptionDetails.initializationVector, 'base64'),
  );
  return Buffer.concat([cipher.update(plain), cipher.final()]);
}

async function upload(d: Destination, bytes: Buffer): Promise<number> {
  const res = await fetch(d.url, { method: 'PUT', body: bytes });
  return res.status;
}

const served = (): JobView => jobWith(t.sandbox, (j) => j.serviceJobStatus === 'NOT_SERVICED');

describe('createServiceDocumentUploadDestination', () => {
  it('returns an upload destination with AES details and a working upload URL', async () => {
    const d = await destination('PNG', PNG.length);
    expect(d.encryptionDetails.standard).toBe('AES');
    expect(Buffer.from(d.encryptionDetails.key, 'base64')).toHaveLength(32);
    expect(Buffer.from(d.encryptionDetails.initializationVector, 'base64')).toHaveLength(16);
    expect(d.url).toContain('X-Amz-Expires=300');
    expect(await upload(d, encrypt(d, PNG))).toBe(200);
    expect(
      await upload({ ...d, url: d.url.replace(/X-Amz-Signature=\w+/, 'X-Amz-Signature=forged') }, PNG),
    ).toBe(403);
  });
  it('answers the documented 400s and the 422 for an unknown content type', async () => {
    const cases: [unknown, number, string][] = [
      [{}, 400, 'Missing or invalid request parameters: [contentType, contentLength].'],
      [{ contentType: 'PNG' }, 400, 'Missing or invalid request parameters: [contentLength].'],
      [{ contentLength: 123 }, 400, 'Missing or invalid request parameters: [contentType].'],
      [
        { contentType: 'PNG', contentLength: 6_000_000 },
        400,
        'Missing or invalid request parameters: [contentLength].',
      ],
      [
        { contentType: 'PNGr', contentLength: 1386437, contentMD5: '97WrSKv9ffHkDopCdB32mw==' },
        422,
        "contentType parameter is invalid. Use one of ['TIFF', 'JPG', 'PNG', 'JPEG', 'GIF', 'PDF']",
      ],
    ];
    for (const [body, status, message] of cases) {
      const res = await client.call('createServiceDocumentUploadDestination', { body });
      expect(res.status, message).toBe(status);
      expect(errorMessages(res.body)).toEqual([message]);
    }
  });
});

describe('setAppointmentFulfillmentData', () => {
  it('records fulfilment time, ETA, technicians and an uploaded, checked document (204, no body)', async () => {
    const job = served();
    const appointmentId = activeOf(job)?.appointmentId as string;
    const crew = t.sandbox.seededCrews()[0];
    const d = await destination('PNG', PNG.length);
    expect(await upload(d, encrypt(d, PNG))).toBe(200);
    const bodies: unknown[] = [
      { fulfillmentTime: { startTime: past(3), endTime: past(2) } },
      { estimatedArrivalTime: { startTime: past(4), endTime: past(3.5) } },
      { appointmentResources: [{ resourceId: crew?.resourceId }] },
      { fulfillmentDocuments: [{ uploadDestinationId: d.uploadDestinationId, contentSha256: sha(PNG) }] },
    ];
    for (const body of bodies) {
      const res = await client.call('setAppointmentFulfillmentData', {
        params: { serviceJobId: job.serviceJobId, appointmentId },
        body,
      });
      expect(res.status, JSON.stringify(body)).toBe(204);
      expect(res.body).toBeUndefined();
    }
    const recorded = t.sandbox.snapshot().fulfillment.filter((f) => f.serviceJobId === job.serviceJobId);
    expect(recorded).toHaveLength(4);
    expect(recorded.flatMap((f) => f.uploadDestinationIds)).toEqual([d.uploadDestinationId]);
  });

  it('answers each documented error as a bare array', async () => {
    const job = served();
    const id = job.serviceJobId;
    const appointmentId = activeOf(job)?.appointmentId as string;
    const pending = jobWith(t.sandbox, (j) => j.serviceJobStatus === 'PENDING_SCHEDULE');
    const foreign = t.sandbox.snapshot().foreignJobIds[0] as string;
    const ok = { fulfillmentTime: { startTime: past(3), endTime: past(2) } };
    const AGAIN = 'Please check the input again';
    const cases: [string, string, unknown, number, string[]][] = [
      ['null', appointmentId, ok, 400, ['Missing or invalid request parameters: [serviceJobId]']],
      [id, 'null', ok, 400, ['Missing or invalid request parameters: [appointmentId]']],
      [id, appointmentId, {}, 400, ['No fulfillment artifacts provided in JSON payload.']],
      [
        foreign,
        `${foreign}_1234`,
        ok,
        403,
        ['Not authorized to access this resource. Please check your input again.'],
      ],
      ['invalidJobId-9', `invalidJobId-9_1`, ok, 422, ['No job exist with jobId : invalidJobId-9']],
      [
        pending.serviceJobId,
        `${pending.serviceJobId}_1`,
        ok,
        422,
        [
          `Job with id ${pending.serviceJobId} can not be updated. Please check if the job is in valid status.`,
        ],
      ],
      [
        id,
        'invalidAppointmentId-9',
        ok,
        422,
        [`Appointment with id invalidAppointmentId-9 is not present in the job. ${AGAIN}.`],
      ],
      [
        id,
        appointmentId,
        { fulfillmentTime: { endTime: past(2) } },
        422,
        [`Appointment start time is required. ${AGAIN}.`],
      ],
      [
        id,
        appointmentId,
        { fulfillmentTime: { startTime: past(3) } },
        422,
        [`Appointment end time is required. ${AGAIN}.`],
      ],
      [
        id,
        appointmentId,
        { fulfillmentTime: { startTime: '2026-03-01T10:00:00.000+05:30', endTime: past(2) } },
        422,
        ['ISO8601 time 2026-03-01T10:00:00.000+05:30 is not in UTC format. Please provide time in UTC'],
      ],
      [
        id,
        appointmentId,
        { fulfillmentTime: { startTime: '2026-03-01T10-00:00.000Z', endTime: past(2) } },
        422,
        ['Could not parse given time input 2026-03-01T10-00:00.000Z. Please provide time in ISO8601 format'],
      ],
      [
        id,
        appointmentId,
        { fulfillmentTime: { startTime: '9999-01-01T10:00:00.000Z', endTime: past(2) } },
        422,
        [`Appointment start time should not be in future. ${AGAIN}`],
      ],
      [
        id,
        appointmentId,
        { fulfillmentTime: { startTime: past(3), endTime: '9999-01-03T13:18:10.668Z' } },
        422,
        [`Appointment end time should not be in future. ${AGAIN}`],
      ],
      [
        id,
        appointmentId,
        { fulfillmentTime: { startTime: past(2), endTime: past(3) } },
        422,
        [`Appointment end time should be after start time. ${AGAIN}.`],
      ],
      [
        id,
        appointmentId,
        { estimatedArrivalTime: { startTime: past(2) } },
        422,
        [
          `Failed to process input. Reason: ETA start and end time both are mandatory field as part of estimatedArrivalTime object. ${AGAIN}`,
        ],
      ],
      [
        id,
        appointmentId,
        { estimatedArrivalTime: { startTime: '2021-01-01T10-00:00.000Z', endTime: past(2) } },
        422,
        ['Could not parse given time input 2021-01-01T10-00:00.000Z. Please provide time in ISO8601 format'],
      ],
      [
        id,
        appointmentId,
        { appointmentResources: [{ resourceId: '' }] },
        422,
        [`One or more resources provided is invalid. ${AGAIN}.`],
      ],
      [
        id,
        appointmentId,
        { appointmentResources: [{ resourceId: 'ResourceIdNotExist-2033' }] },
        422,
        [`One or more resources provided does not exist or is deleted. ${AGAIN}.`],
      ],
      [
        id,
        appointmentId,
        {
          fulfillmentDocuments: [
            { uploadDestinationId: 'InvalidUploadDestinationId-9', contentSha256: sha(PNG) },
          ],
        },
        422,
        [
          'Failed to process proof of appointment input. Reason: Input document id does not exist. Please check the input',
        ],
      ],
      // Several problems at once come back together.
      [
        id,
        appointmentId,
        {
          fulfillmentTime: { endTime: past(2) },
          appointmentResources: [{ resourceId: 'ResourceIdNotExist-1' }],
          fulfillmentDocuments: [{ uploadDestinationId: 'nope', contentSha256: 'x' }],
        },
        422,
        [
          `One or more resources provided does not exist or is deleted. ${AGAIN}.`,
          `Appointment start time is required. ${AGAIN}.`,
          'Failed to process proof of appointment input. Reason: Input document id does not exist. Please check the input',
        ],
      ],
    ];
    for (const [serviceJobId, appt, body, status, messages] of cases) {
      const res = await client.call('setAppointmentFulfillmentData', {
        params: { serviceJobId, appointmentId: appt },
        body,
      });
      expect(res.status, messages[0]).toBe(status);
      expect(Array.isArray(res.body), 'bare ErrorList').toBe(true);
      expect(errorMessages(res.body)).toEqual(messages);
    }
  });

  it('checks uploaded documents: missing upload, undecryptable, wrong length, wrong type, wrong SHA-256, expired', async () => {
    const job = served();
    const params = { serviceJobId: job.serviceJobId, appointmentId: activeOf(job)?.appointmentId as string };
    let caller = client;
    const reason = async (d: Destination, contentSha256 = sha(PNG)): Promise<string[]> => {
      const res = await caller.call('setAppointmentFulfillmentData', {
        params,
        body: { fulfillmentDocuments: [{ uploadDestinationId: d.uploadDestinationId, contentSha256 }] },
      });
      expect(res.status).toBe(422);
      return errorMessages(res.body).map((m) =>
        m.replace('Failed to process proof of appointment input. Reason: ', ''),
      );
    };
    const notUploaded = await destination('PNG', PNG.length);
    expect(await reason(notUploaded)).toEqual([
      'Document encrypted not found or exist. Please review document uploaded',
    ]);
    const garbage = await destination('PNG', PNG.length);
    await upload(garbage, Buffer.from('not encrypted at all'));
    expect(await reason(garbage)).toEqual([
      'Document failed to decrypt or decipher. Please review the uploaded document',
    ]);
    const wrongLength = await destination('PNG', PNG.length + 5);
    await upload(wrongLength, encrypt(wrongLength, PNG));
    expect(await reason(wrongLength)).toEqual([
      'Failed to retrieve document content length. Please review document uploaded',
    ]);
    const wrongType = await destination('PDF', PNG.length);
    await upload(wrongType, encrypt(wrongType, PNG));
    expect(await reason(wrongType)).toEqual([
      'Document failed to meet content type restrictions. Please review document uploaded',
    ]);
    const good = await destination('PNG', PNG.length);
    await upload(good, encrypt(good, PNG));
    expect(await reason(good, sha(Buffer.from('other')))).toEqual([
      'Document failed to meet sanity check. Could not get a Sha256 Message Digest instance. Please review document uploaded',
    ]);
    t.clock.now += 2 * 86_400_000;
    // Two days on, the old access token has expired too: sign in again.
    caller = new SandboxClient(t.sandbox);
    expect(await reason(good)).toEqual(['Input document parameters are invalid. Please check the input.']);
    t.clock.now -= 2 * 86_400_000;
  });
});
