/** Why a store operation was refused. Callers branch on `code`; messages carry ids only. */
export type StoreErrorCode =
  | 'STORE_TARGET_INVALID'
  | 'STORE_NOT_FOUND'
  | 'DATA_KEY_MISMATCH'
  | 'MIGRATION_FAILED'
  | 'PERSONAL_DATA_REJECTED'
  | 'PLAN_NOT_FOUND'
  | 'PLAN_ALREADY_FINISHED'
  | 'PLAN_RUNNING'
  | 'PLAN_EXISTS'
  | 'JOURNAL_ENTRY_NOT_FOUND'
  | 'JOURNAL_TRANSITION_INVALID'
  | 'JOB_NOT_FOUND'
  /** A record with this id is stored for another seller (Amazon's ids are unique across sellers). */
  | 'SELLER_MISMATCH';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
