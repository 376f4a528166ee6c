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
const KEY_CHECK_CONTEXT = 'store_meta.data_key_check';
const KEY_CHECK_TEXT = 'fieldplan personal data key check';

/** Where the canary of a data key lives: the deployment's key, or a seller's own key. */
export interface KeyCheckSlot {
  key: string;
  context: string;
}

export const DEPLOYMENT_KEY_CHECK: KeyCheckSlot = { key: KEY_CHECK, context: KEY_CHECK_CONTEXT };

/** The canary of a seller that has a data key of its own. */
export function sellerKeyCheck(sellerId: string): KeyCheckSlot {
  return { key: `${KEY_CHECK}:${sellerId}`, context: `${KEY_CHECK_CONTEXT}:${sellerId}` };
}

export async function checkDataKey(
  db: Kysely<Database>,
  cipher: FieldCipher,
  keys: DataKeyRing,
  slot: KeyCheckSlot = DEPLOYMENT_KEY_CHECK,
): Promise<void> {
  const row = await db
    .selectFrom('store_meta')
    .select('value')
    .where('key', '=', slot.key)
    .executeTakeFirst();
  if (row === undefined) {
    await db
      .insertInto('store_meta')
      .values({ key: slot.key, value: cipher.seal(KEY_CHECK_TEXT, slot.context) })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    return;
  }
  try {
    if (cipher.open(row.value, slot.context) !== KEY_CHECK_TEXT) throw new Error('key check text differs');
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
