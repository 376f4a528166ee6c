/**
 * A canary encrypted with the data key when a store is first opened. A later open with a
 * key ring that cannot read it fails at once, with a clear message, instead of at the first
 * job it cannot decrypt. The canary stays under the key that wrote it until re-encryption
 * has moved all personal data to a newer key (see personal-data-rekeying.ts).
 */
import type { Kysely } from 'kysely';
import type { DataKeyRing } from '../privacy/data-key.ts';
import type { FieldCipher } from '../privacy/field-cipher.ts';
import { PersonalDataError } from '../privacy/personal-data-error.ts';
import type { Database } from './database.ts';
import { StoreError } from './store-error.ts';

export const KEY_CHECK = 'data_key_check';
export const KEY_CHECK_CONTEXT = 'store_meta.data_key_check';
const KEY_CHECK_TEXT = 'fieldplan personal data key check';

export async function checkDataKey(
  db: Kysely<Database>,
  cipher: FieldCipher,
  keys: DataKeyRing,
): Promise<void> {
  const row = await db
    .selectFrom('store_meta')
    .select('value')
    .where('key', '=', KEY_CHECK)
    .executeTakeFirst();
  if (row === undefined) {
    await db
      .insertInto('store_meta')
      .values({ key: KEY_CHECK, value: cipher.seal(KEY_CHECK_TEXT, KEY_CHECK_CONTEXT) })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    return;
  }
  try {
    if (cipher.open(row.value, KEY_CHECK_CONTEXT) !== KEY_CHECK_TEXT)
      throw new Error('key check text differs');
  } catch (error) {
    const code = error instanceof PersonalDataError ? error.code : 'CIPHERTEXT_TAMPERED';
    throw new StoreError(
      'DATA_KEY_MISMATCH',
      `the data key from ${keys.source} (id ${keys.current.id}) is not the key this store's personal data ` +
        `was encrypted with (${code}); set FIELDPLAN_DATA_KEY or the key file to the original key, ` +
        'adding the new one first if you are rotating',
      { cause: error },
    );
  }
}
