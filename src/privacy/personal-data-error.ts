/** Why personal data could not be protected or read back. Callers branch on `code`. */
export type PersonalDataErrorCode =
  | 'DATA_KEY_MISSING'
  | 'DATA_KEY_INVALID'
  | 'DATA_KEY_FILE_UNSAFE'
  | 'DATA_KEY_UNKNOWN'
  | 'CIPHERTEXT_MALFORMED'
  | 'CIPHERTEXT_TAMPERED';

/**
 * Messages name keys by their id and fields by their column, never by content: this error
 * travels into logs, so it must not carry the personal data it failed to read.
 */
export class PersonalDataError extends Error {
  override readonly name = 'PersonalDataError';
  constructor(
    readonly code: PersonalDataErrorCode,
    message: string,
  ) {
    super(message);
  }
}
