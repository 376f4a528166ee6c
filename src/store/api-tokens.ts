/**
 * Bearer tokens of the HTTP API. A token is `fpt_<id>_<secret>`: the id finds the row, and
 * only the SHA-256 of the 256-bit random secret is stored, compared in constant time. The
 * plaintext token exists once, in what `create` returns.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { isoTimestamp, readNullableTimestamp, readTimestamp } from './column-values.ts';
import type { Database } from './database.ts';
import { DEFAULT_SELLER_ID } from '../tenants/seller-id.ts';

export const TOKEN_SCOPES = ['viewer', 'planner', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export interface ApiTokenInfo {
  tokenId: string;
  /** The seller whose data the token reaches; null: an admin token across every seller. */
  sellerId: string | null;
  name: string | null;
  scope: TokenScope;
  createdAt: string;
  revokedAt: string | null;
}

const TOKEN_FORMAT = /^fpt_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export function isTokenScope(value: unknown): value is TokenScope {
  return typeof value === 'string' && (TOKEN_SCOPES as readonly string[]).includes(value);
}

export class ApiTokens {
  /**
   * `sellerId`: the seller new tokens belong to and whose tokens list and revoke see.
   * Verification looks at every token: which seller a request is for follows from its token.
   */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: () => Date,
    private readonly sellerId: string = DEFAULT_SELLER_ID,
  ) {}

  /**
   * Creates a token of this seller (or, with `allSellers`, an admin token across every
   * seller); the returned `token` is the only copy of the secret.
   */
  async create(input: {
    scope: TokenScope;
    name?: string;
    allSellers?: boolean;
  }): Promise<ApiTokenInfo & { token: string }> {
    if (!isTokenScope(input.scope)) throw new RangeError(`scope must be one of ${TOKEN_SCOPES.join(', ')}`);
    if (input.allSellers === true && input.scope !== 'admin')
      throw new RangeError('a token across every seller must have the admin scope');
    const sellerId = input.allSellers === true ? null : this.sellerId;
    const tokenId = randomBytes(9)
      .toString('base64url')
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '0')
      .slice(0, 12);
    const secret = randomBytes(32).toString('base64url');
    const createdAt = isoTimestamp(this.clock());
    await this.db
      .insertInto('api_tokens')
      .values({
        token_id: tokenId,
        seller_id: sellerId,
        name: input.name ?? null,
        scope: input.scope,
        secret_hash: hashSecret(secret),
        created_at: createdAt,
        revoked_at: null,
      })
      .execute();
    return {
      tokenId,
      sellerId,
      name: input.name ?? null,
      scope: input.scope,
      createdAt,
      revokedAt: null,
      token: `fpt_${tokenId}_${secret}`,
    };
  }

  /** The token's record when it is well formed, known, unrevoked and its secret matches. */
  async verify(token: string): Promise<ApiTokenInfo | undefined> {
    const match = TOKEN_FORMAT.exec(token);
    if (match === null) return undefined;
    const [, tokenId, secret] = match as unknown as [string, string, string];
    const row = await this.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('token_id', '=', tokenId)
      .executeTakeFirst();
    if (row === undefined || row.revoked_at !== null) return undefined;
    const expected = Buffer.from(row.secret_hash, 'hex');
    const actual = Buffer.from(hashSecret(secret), 'hex');
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
    if (!isTokenScope(row.scope)) return undefined;
    return toInfo(row);
  }

  /**
   * Revokes a token of this seller (`anySeller`: of any seller, the deployment's operator);
   * false when there is no such token or it was already revoked.
   */
  async revoke(tokenId: string, options: { anySeller?: boolean } = {}): Promise<boolean> {
    const result = await this.db
      .updateTable('api_tokens')
      .set({ revoked_at: isoTimestamp(this.clock()) })
      .where('token_id', '=', tokenId)
      .$if(options.anySeller !== true, (q) => q.where('seller_id', '=', this.sellerId))
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** This seller's tokens (`allSellers`: every token, with the admin tokens across sellers). */
  async list(options: { allSellers?: boolean } = {}): Promise<ApiTokenInfo[]> {
    const rows = await this.db
      .selectFrom('api_tokens')
      .selectAll()
      .$if(options.allSellers !== true, (q) => q.where('seller_id', '=', this.sellerId))
      .orderBy('created_at')
      .orderBy('token_id')
      .execute();
    return rows.map(toInfo);
  }
}

function toInfo(row: {
  token_id: string;
  seller_id: string | null;
  name: string | null;
  scope: string;
  created_at: Date | string;
  revoked_at: Date | string | null;
}): ApiTokenInfo {
  return {
    tokenId: row.token_id,
    sellerId: row.seller_id,
    name: row.name,
    scope: row.scope as TokenScope,
    createdAt: readTimestamp(row.created_at),
    revokedAt: readNullableTimestamp(row.revoked_at),
  };
}
