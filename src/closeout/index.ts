/**
 * Close-out of a service job: fulfilment data (times, technicians, proof documents), completion
 * and cancellation. Proof documents go the way Amazon asks: an upload destination is created,
 * the bytes are encrypted with its AES-256-CBC key and IV and PUT to its URL, and the document
 * is referenced by its destination id and the SHA-256 of the plain bytes.
 *
 * Every write is journaled like the plan write-back (recorded before it is sent, marked with
 * its outcome) under a plan record of kind `manual`; fulfilment times are personal (when a
 * technician was at a buyer's home), so that request body is stored encrypted and falls under
 * the retention purge. The KPIs read fulfilment data back from these entries: Amazon's job
 * read does not return it.
 */
import { createCipheriv, createHash } from 'node:crypto';
import {
  AuthError,
  NetworkError,
  ServicesApiError,
  ServicesClientError,
  type ServicesClient,
} from '../spapi/index.ts';
import type { Store } from '../store/index.ts';

export const DOCUMENT_CONTENT_TYPES = ['TIFF', 'JPG', 'PNG', 'JPEG', 'GIF', 'PDF'] as const;
type DocumentContentType = (typeof DOCUMENT_CONTENT_TYPES)[number];
/** Amazon's limit on one document (ServiceUploadDocument.contentLength). */
export const MAX_DOCUMENT_BYTES = 5_242_880;

export interface CloseoutDeps {
  client: ServicesClient;
  db: Store;
  actor?: string;
  /** For the document upload (default: global fetch). */
  fetch?: typeof fetch;
}

export interface FulfillmentInput {
  /** Default: the job's active appointment. */
  appointmentId?: string | undefined;
  fulfillmentTime: { startTime: string; endTime: string };
  estimatedArrivalTime?: { startTime: string; endTime: string } | undefined;
  technicianIds?: string[] | undefined;
  documents?: { contentType: DocumentContentType; content: Buffer }[] | undefined;
}

interface UploadedDocument {
  uploadDestinationId: string;
  contentType: DocumentContentType;
  contentLength: number;
  contentSha256: string;
}

/** A refusal to report to the caller: an HTTP status, a code and a message with no personal data. */
export class CloseoutError extends Error {
  override readonly name = 'CloseoutError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Amazon's own error entries (codes and messages; times in them are masked by the client). */
    readonly amazon?: { status: number; code: string; errors: { code: string; message: string }[] },
  ) {
    super(message);
  }
}

/** Journal fulfilment entries are found by this operation name. */
export const FULFILLMENT_OPERATION = 'setAppointmentFulfillmentData';

type Obj = Record<string, unknown>;
const obj = (x: unknown): Obj => (typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Obj) : {});

function refusal(err: unknown, operation: string): CloseoutError {
  if (err instanceof CloseoutError) return err;
  if (err instanceof ServicesApiError) {
    const status =
      err.status === 404
        ? 404
        : err.status >= 500 || err.status === 429
          ? 502
          : err.status === 403
            ? 403
            : 422;
    return new CloseoutError(
      status,
      status === 404 ? 'JOB_NOT_FOUND' : 'AMAZON_REFUSED',
      `Amazon refused ${operation}: HTTP ${err.status} ${err.code}`,
      {
        status: err.status,
        code: err.code,
        errors: err.errors.map((e) => ({ code: e.code, message: e.message })),
      },
    );
  }
  if (err instanceof AuthError)
    return new CloseoutError(502, 'AMAZON_AUTH', `Amazon's sign-in failed for ${operation} (${err.code})`);
  if (err instanceof NetworkError)
    return new CloseoutError(
      502,
      'AMAZON_UNREACHABLE',
      `Amazon could not be reached for ${operation} (${err.code})`,
    );
  if (err instanceof ServicesClientError)
    return new CloseoutError(400, 'BAD_REQUEST', `${operation}: ${err.message}`);
  return new CloseoutError(500, 'INTERNAL', `${operation} failed`);
}

interface JobFacts {
  storeId: string;
  status: string;
  activeAppointmentId: string | undefined;
}

async function jobFacts(client: ServicesClient, serviceJobId: string): Promise<JobFacts> {
  let payload: Obj;
  try {
    payload = obj(obj(await client.getServiceJobByServiceJobId({ serviceJobId })).payload);
  } catch (err) {
    throw refusal(err, 'getServiceJobByServiceJobId');
  }
  const appointments = Array.isArray(payload.appointments) ? payload.appointments.map(obj) : [];
  const active = appointments.find((a) => a.appointmentStatus === 'ACTIVE');
  return {
    storeId: String(payload.storeId ?? ''),
    status: String(payload.serviceJobStatus ?? ''),
    activeAppointmentId: typeof active?.appointmentId === 'string' ? active.appointmentId : undefined,
  };
}

/** One journaled Amazon call under its own `manual` plan record. */
async function journaled<T>(
  deps: CloseoutDeps,
  storeId: string,
  call: {
    operation: string;
    serviceJobId: string;
    appointmentId?: string;
    body: unknown;
    personal: boolean;
    send: () => Promise<T>;
  },
): Promise<{ planId: string; result: T }> {
  const today = new Date().toISOString().slice(0, 10);
  const plan = await deps.db.plans.create({
    kind: 'manual',
    periodStart: today,
    periodEnd: today,
    storeIds: storeId ? [storeId] : [],
  });
  const { entry } = await deps.db.journal.intend({
    planId: plan.planId,
    operation: call.operation,
    idempotencyKey: `${plan.planId}|${call.operation}|${call.serviceJobId}`,
    serviceJobId: call.serviceJobId,
    ...(call.appointmentId !== undefined ? { appointmentId: call.appointmentId } : {}),
    ...(call.personal ? { personalRequestBody: call.body } : { requestBody: call.body }),
  });
  await deps.db.journal.markSent(entry.entryId);
  try {
    const result = await call.send();
    await deps.db.journal.markResult(entry.entryId, { state: 'succeeded', result: {} });
    await deps.db.plans.finish(plan.planId, { status: 'succeeded' });
    await deps.db.audit.record({
      actor: deps.actor ?? 'api',
      action: `job.${call.operation}`,
      subjectType: 'service_job',
      subjectId: call.serviceJobId,
      planId: plan.planId,
    });
    return { planId: plan.planId, result };
  } catch (err) {
    const e = refusal(err, call.operation);
    // A 5xx or a lost connection may have landed: the entry stays in doubt, not failed.
    const inDoubt = e.status === 502 && e.code !== 'AMAZON_AUTH';
    await deps.db.journal.markResult(entry.entryId, {
      state: inDoubt ? 'unknown' : 'failed',
      errorCode: e.amazon?.code ?? e.code,
    });
    await deps.db.plans.finish(plan.planId, {
      status: 'failed',
      failure: { code: e.code, message: `HTTP ${e.status}` },
    });
    throw e;
  }
}

function encrypt(key: Buffer, iv: Buffer, plain: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([cipher.update(plain), cipher.final()]);
}

async function uploadDocument(
  deps: CloseoutDeps,
  doc: { contentType: DocumentContentType; content: Buffer },
): Promise<UploadedDocument> {
  if (doc.content.length < 1 || doc.content.length > MAX_DOCUMENT_BYTES)
    throw new CloseoutError(400, 'BAD_REQUEST', `a document must hold 1 to ${MAX_DOCUMENT_BYTES} bytes`);
  let destination: Obj;
  try {
    const r = await deps.client.createServiceDocumentUploadDestination({
      body: {
        contentType: doc.contentType,
        contentLength: doc.content.length,
        contentMD5: createHash('md5').update(doc.content).digest('base64'),
      },
    });
    destination = obj(obj(r).payload);
  } catch (err) {
    throw refusal(err, 'createServiceDocumentUploadDestination');
  }
  const details = obj(destination.encryptionDetails);
  const id = destination.uploadDestinationId;
  const url = destination.url;
  if (typeof id !== 'string' || typeof url !== 'string' || details.standard !== 'AES')
    throw new CloseoutError(
      502,
      'AMAZON_BAD_ANSWER',
      'the upload destination came back without an id, URL or AES details',
    );
  const key = Buffer.from(String(details.key ?? ''), 'base64');
  const iv = Buffer.from(String(details.initializationVector ?? ''), 'base64');
  if (key.length !== 32 || iv.length !== 16)
    throw new CloseoutError(
      502,
      'AMAZON_BAD_ANSWER',
      'the upload destination has no AES-256 key and 16-byte IV',
    );
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(destination.headers))) if (typeof v === 'string') headers[k] = v;
  const put = await (deps.fetch ?? fetch)(url, {
    method: 'PUT',
    headers,
    body: encrypt(key, iv, doc.content),
    signal: AbortSignal.timeout(60_000),
  }).catch(() => undefined);
  if (put === undefined || !put.ok)
    throw new CloseoutError(
      502,
      'UPLOAD_FAILED',
      `the document upload was refused (HTTP ${put?.status ?? 'no answer'})`,
    );
  return {
    uploadDestinationId: id,
    contentType: doc.contentType,
    contentLength: doc.content.length,
    contentSha256: createHash('sha256').update(doc.content).digest('base64'),
  };
}

export interface FulfillmentResult {
  serviceJobId: string;
  appointmentId: string;
  planId: string;
  documents: UploadedDocument[];
}

export async function setFulfillment(
  deps: CloseoutDeps,
  serviceJobId: string,
  input: FulfillmentInput,
): Promise<FulfillmentResult> {
  const facts = await jobFacts(deps.client, serviceJobId);
  const appointmentId = input.appointmentId ?? facts.activeAppointmentId;
  if (appointmentId === undefined)
    throw new CloseoutError(
      409,
      'NO_ACTIVE_APPOINTMENT',
      `service job ${serviceJobId} has no active appointment; pass appointmentId`,
    );
  const documents: UploadedDocument[] = [];
  for (const d of input.documents ?? []) documents.push(await uploadDocument(deps, d));
  const body = {
    fulfillmentTime: input.fulfillmentTime,
    ...(input.estimatedArrivalTime !== undefined ? { estimatedArrivalTime: input.estimatedArrivalTime } : {}),
    ...(input.technicianIds !== undefined
      ? { appointmentResources: input.technicianIds.map((resourceId) => ({ resourceId })) }
      : {}),
    ...(documents.length > 0
      ? {
          fulfillmentDocuments: documents.map((d) => ({
            uploadDestinationId: d.uploadDestinationId,
            contentSha256: d.contentSha256,
          })),
        }
      : {}),
  };
  const { planId } = await journaled(deps, facts.storeId, {
    operation: FULFILLMENT_OPERATION,
    serviceJobId,
    appointmentId,
    body: { ...body, technicianIds: input.technicianIds ?? [] },
    personal: true,
    send: () => deps.client.setAppointmentFulfillmentData({ serviceJobId, appointmentId, body }),
  });
  return { serviceJobId, appointmentId, planId, documents };
}

export async function completeJob(
  deps: CloseoutDeps,
  serviceJobId: string,
): Promise<{ serviceJobId: string; planId: string }> {
  const facts = await jobFacts(deps.client, serviceJobId);
  const { planId } = await journaled(deps, facts.storeId, {
    operation: 'completeServiceJobByServiceJobId',
    serviceJobId,
    body: { serviceJobId },
    personal: false,
    send: () => deps.client.completeServiceJobByServiceJobId({ serviceJobId }),
  });
  return { serviceJobId, planId };
}

export async function cancelJob(
  deps: CloseoutDeps,
  serviceJobId: string,
  cancellationReasonCode: string,
): Promise<{ serviceJobId: string; planId: string }> {
  const facts = await jobFacts(deps.client, serviceJobId);
  const { planId } = await journaled(deps, facts.storeId, {
    operation: 'cancelServiceJobByServiceJobId',
    serviceJobId,
    body: { serviceJobId, cancellationReasonCode },
    personal: false,
    send: () => deps.client.cancelServiceJobByServiceJobId({ serviceJobId, cancellationReasonCode }),
  });
  return { serviceJobId, planId };
}
