/**
 * Field-by-field encryption of personal data with AES-256-GCM.
 *
 * Envelope (one string per value): `fp1.<keyId>.<iv>.<ciphertext>.<tag>`, parts base64url.
 * - `fp1` versions the format so it can change without guessing;
 * - the key id says which key of the ring decrypts it, so keys can rotate;
 * - a random 96-bit IV per value (never reused with the same key in practice: 2^-32 collision
 *   odds only after ~2^32 values per key);
 * - the caller's context (table, column, row id) is bound as additional authenticated data,
 *   so a ciphertext copied onto another row or column fails authentication.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DataKey, DataKeyRing } from './data-key.ts';
import { PersonalDataError } from './personal-data-error.ts';

const VERSION = 'fp1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class FieldCipher {
  readonly #current: DataKey;
  readonly #byId: ReadonlyMap<string, DataKey>;

  constructor(ring: DataKeyRing) {
    this.#current = ring.current;
    this.#byId = new Map([ring.current, ...ring.previous].map((key) => [key.id, key]));
  }

  /** The id of the key new values are encrypted with. */
  get currentKeyId(): string {
    return this.#current.id;
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#current.bytes, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, this.#current.id, b64(iv), b64(body), b64(tag)].join('.');
  }

  open(envelope: string, context: string): string {
    const parts = envelope.split('.');
    const [version, keyId, ivText, bodyText, tagText] = parts;
    if (
      parts.length !== 5 ||
      version !== VERSION ||
      keyId === undefined ||
      ivText === undefined ||
      bodyText === undefined ||
      tagText === undefined
    ) {
      throw new PersonalDataError(
        'CIPHERTEXT_MALFORMED',
        `${context}: not a ${VERSION} personal-data envelope`,
      );
    }
    const key = this.#byId.get(keyId);
    if (key === undefined) {
      throw new PersonalDataError(
        'DATA_KEY_UNKNOWN',
        `${context}: encrypted with data key ${keyId}, which is not loaded (loaded: ${[...this.#byId.keys()].join(', ')}); ` +
          'set FIELDPLAN_DATA_KEY or the key file to the key this data was written with',
      );
    }
    const iv = Buffer.from(ivText, 'base64url');
    const tag = Buffer.from(tagText, 'base64url');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
      throw new PersonalDataError('CIPHERTEXT_MALFORMED', `${context}: bad IV or tag length`);
    }
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(Buffer.from(bodyText, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new PersonalDataError(
        'CIPHERTEXT_TAMPERED',
        `${context}: authentication failed; the value was altered or moved from another record`,
      );
    }
  }

  sealJson(value: unknown, context: string): string {
    return this.seal(JSON.stringify(value), context);
  }

  openJson<T>(envelope: string, context: string): T {
    return JSON.parse(this.open(envelope, context)) as T;
  }

  /** The key id an envelope names, without decrypting it (for rotation bookkeeping). */
  static keyIdOf(envelope: string): string | undefined {
    const parts = envelope.split('.');
    return parts.length === 5 && parts[0] === VERSION ? parts[1] : undefined;
  }
}

function b64(bytes: Buffer): string {
  return bytes.toString('base64url');
}
