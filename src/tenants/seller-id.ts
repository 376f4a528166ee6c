/** Seller ids: the implicit seller and what a seller id may look like. */

/** The implicit seller of a single-seller deployment (and of rows stored before sellers existed). */
export const DEFAULT_SELLER_ID = 'default';

/** Lower-case letters, digits, `-` and `_`, starting with a letter or digit, at most 63 characters. */
export const SELLER_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export function isSellerId(value: unknown): value is string {
  return typeof value === 'string' && SELLER_ID_PATTERN.test(value);
}

/** Throws a RangeError naming the bad seller id and what is expected. */
export function assertSellerId(value: unknown, what = 'seller id'): asserts value is string {
  if (!isSellerId(value)) {
    throw new RangeError(
      `${what} must be 1-63 lower-case letters, digits, "-" or "_", starting with a letter or digit; got ${JSON.stringify(value)}`,
    );
  }
}
