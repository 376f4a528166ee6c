import { createDecipheriv, createHash } from 'node:crypto';
import { invalidInput } from '../errors.ts';
import type { OperationResult } from '../errors.ts';
import type { UploadDestination } from '../state.ts';
import { DAY_MS } from '../time.ts';
import { jsonBody } from './context.ts';
import type { OperationContext } from './context.ts';

/**
 * Proof-of-appointment documents: an upload destination with client-side AES-256-CBC details,
 * a presigned-style PUT URL served by the sandbox itself, and the checks setAppointmentFulfillmentData
 * runs on what was uploaded (present, decryptable, declared length, content type, SHA-256).
 */
const CONTENT_TYPES = ['TIFF', 'JPG', 'PNG', 'JPEG', 'GIF', 'PDF'] as const;
const MAX_CONTENT_LENGTH = 5_242_880;
/** The upload URL is valid for five minutes (X-Amz-Expires=300), as Amazon's is. */
const UPLOAD_URL_TTL_MS = 300_000;
/** How long an upload destination can be referenced from fulfilment data. */
const DESTINATION_TTL_MS = DAY_MS;

const MIME: Record<string, string> = {
  TIFF: 'image/tiff',
  JPG: 'image/jpeg',
  JPEG: 'image/jpeg',
  PNG: 'image/png',
  GIF: 'image/gif',
  PDF: 'application/pdf',
};

function randomBytes(ctx: OperationContext, n: number): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = ctx.rng.int(0, 255);
  return out;
}

export function createServiceDocumentUploadDestination(ctx: OperationContext): OperationResult {
  const body = jsonBody(ctx);
  const value = body.ok ? body.value : {};
  const missing: string[] = [];
  const contentType = value.contentType;
  const contentLength = value.contentLength;
  if (typeof contentType !== 'string' || contentType.length === 0) missing.push('contentType');
  if (
    typeof contentLength !== 'number' ||
    !Number.isInteger(contentLength) ||
    contentLength < 1 ||
    contentLength > MAX_CONTENT_LENGTH
  ) {
    missing.push('contentLength');
  }
  const md5 = value.contentMD5;
  if (md5 !== undefined && (typeof md5 !== 'string' || !/^[A-Za-z0-9\\+/]{22}={2}$/.test(md5)))
    missing.push('contentMD5');
  if (missing.length > 0)
    return invalidInput(400, `Missing or invalid request parameters: [${missing.join(', ')}].`);
  if (!(CONTENT_TYPES as readonly string[]).includes(contentType as string)) {
    return invalidInput(
      422,
      "contentType parameter is invalid. Use one of ['TIFF', 'JPG', 'PNG', 'JPEG', 'GIF', 'PDF']",
    );
  }
  ctx.world.sequence++;
  const id = `amzn1.tortuga.4.na.${ctx.rng.uuid()}.T${ctx.rng.alnum(14)}`;
  const token = ctx.rng.hex(32);
  const destination: UploadDestination = {
    uploadDestinationId: id,
    token,
    contentType: contentType as string,
    contentLength: contentLength as number,
    ...(typeof md5 === 'string' ? { contentMD5: md5 } : {}),
    key: randomBytes(ctx, 32),
    iv: randomBytes(ctx, 16),
    createdMs: ctx.nowMs,
  };
  ctx.world.uploads.set(id, destination);
  const url = `${ctx.baseUrl}/uploads/${encodeURIComponent(id)}?X-Amz-Expires=300&X-Amz-Signature=${token}`;
  return {
    status: 200,
    body: {
      payload: {
        uploadDestinationId: id,
        url,
        encryptionDetails: {
          standard: 'AES',
          initializationVector: destination.iv.toString('base64'),
          key: destination.key.toString('base64'),
        },
        headers: { 'Content-Type': MIME[contentType as string] ?? 'application/octet-stream' },
      },
    },
  };
}

const MAGIC: Record<string, (b: Buffer) => boolean> = {
  PNG: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  JPG: (b) => b[0] === 0xff && b[1] === 0xd8,
  JPEG: (b) => b[0] === 0xff && b[1] === 0xd8,
  GIF: (b) => b.subarray(0, 4).toString('latin1') === 'GIF8',
  PDF: (b) => b.subarray(0, 5).toString('latin1') === '%PDF-',
  TIFF: (b) => ['II*\u0000', 'MM\u0000*'].includes(b.subarray(0, 4).toString('latin1')),
};

const POA = 'Failed to process proof of appointment input. Reason:';

/** Checks one referenced document; returns the error message, or undefined when it is acceptable. */
export function checkDocument(ctx: OperationContext, document: unknown): string | undefined {
  if (typeof document !== 'object' || document === null)
    return `${POA} Input document parameters are invalid. Please check the input.`;
  const { uploadDestinationId, contentSha256 } = document as Record<string, unknown>;
  if (typeof uploadDestinationId !== 'string' || typeof contentSha256 !== 'string') {
    return `${POA} Input document parameters are invalid. Please check the input.`;
  }
  const destination = ctx.world.uploads.get(uploadDestinationId);
  if (!destination) return `${POA} Input document id does not exist. Please check the input`;
  if (ctx.nowMs - destination.createdMs > DESTINATION_TTL_MS) {
    return `${POA} Input document parameters are invalid. Please check the input.`;
  }
  if (!destination.uploaded)
    return `${POA} Document encrypted not found or exist. Please review document uploaded`;
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-cbc', destination.key, destination.iv);
    plain = Buffer.concat([decipher.update(destination.uploaded), decipher.final()]);
  } catch {
    return `${POA} Document failed to decrypt or decipher. Please review the uploaded document`;
  }
  if (plain.length !== destination.contentLength) {
    return `${POA} Failed to retrieve document content length. Please review document uploaded`;
  }
  if (!(MAGIC[destination.contentType] ?? (() => false))(plain)) {
    return `${POA} Document failed to meet content type restrictions. Please review document uploaded`;
  }
  if (createHash('sha256').update(plain).digest('base64') !== contentSha256) {
    return `${POA} Document failed to meet sanity check. Could not get a Sha256 Message Digest instance. Please review document uploaded`;
  }
  return undefined;
}

export type UploadOutcome = 'stored' | 'not-found' | 'forbidden' | 'expired' | 'too-large';

/** The PUT behind an upload URL. */
export function receiveUpload(
  uploads: Map<string, UploadDestination>,
  id: string,
  signature: string | undefined,
  content: Buffer,
  nowMs: number,
): UploadOutcome {
  const destination = uploads.get(id);
  if (!destination) return 'not-found';
  if (signature !== destination.token) return 'forbidden';
  if (nowMs - destination.createdMs > UPLOAD_URL_TTL_MS) return 'expired';
  if (content.length > MAX_CONTENT_LENGTH + 16) return 'too-large';
  destination.uploaded = Buffer.from(content);
  return 'stored';
}
