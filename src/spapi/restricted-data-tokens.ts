import type { OperationId } from './generated/operations.ts';

/**
 * Restricted Data Tokens (Tokens API 2021-03-01): a token bound to one method and path that
 * replaces the LWA token in `x-amz-access-token`. Amazon lists no Services operation as
 * restricted, so this is off for Services by default; `operations` turns it on per operation.
 */
export interface RestrictedDataTokenOptions {
  operations: readonly OperationId[];
  /** Delegation target application id, sent as `targetApplication`. */
  targetApplication?: string;
  /** Renew this long before `expiresIn` runs out (default 60 s). */
  refreshMarginMs?: number;
}

export type IssueRestrictedDataToken = (
  method: string,
  path: string,
) => Promise<{ token: string; expiresInSeconds: number }>;

/** Caches one RDT per method and concrete path until shortly before it expires. */
export class RestrictedDataTokenCache {
  private readonly cache = new Map<string, { token: string; refreshAt: number }>();
  private readonly inFlight = new Map<string, Promise<string>>();
  readonly operations: ReadonlySet<OperationId>;

  constructor(
    private readonly options: RestrictedDataTokenOptions,
    private readonly issue: IssueRestrictedDataToken,
    private readonly now: () => number = Date.now,
  ) {
    this.operations = new Set(options.operations);
  }

  async get(method: string, path: string): Promise<string> {
    const key = `${method} ${path}`;
    const hit = this.cache.get(key);
    if (hit && this.now() < hit.refreshAt) return hit.token;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.issue(method, path)
        .then(({ token, expiresInSeconds }) => {
          const lifetime = expiresInSeconds * 1000;
          const margin = this.options.refreshMarginMs ?? 60_000;
          this.cache.set(key, { token, refreshAt: this.now() + Math.max(lifetime - margin, lifetime / 2) });
          return token;
        })
        .finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  invalidate(token: string): void {
    for (const [key, value] of this.cache) if (value.token === token) this.cache.delete(key);
  }
}
