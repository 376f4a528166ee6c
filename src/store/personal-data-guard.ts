import { findPersonalDataPath } from '../privacy/personal-data-fields.ts';
import { StoreError } from './store-error.ts';

/**
 * Refuses to write a value into a plain (unencrypted) JSON column when it carries a
 * personal-data key. A plan, a KPI summary or an audit entry holds ids, never a buyer.
 */
export function assertNoPersonalData(value: unknown, where: string): void {
  const path = findPersonalDataPath(value);
  if (path !== undefined) {
    throw new StoreError(
      'PERSONAL_DATA_REJECTED',
      `${where}: ${path} is personal data and may not be stored in plain text; keep ids only ` +
        'or pass it as the encrypted part',
    );
  }
}
