import { z } from 'zod';
import type { LwaCredentials } from './credentials.ts';
import { lwaTokenUrl } from './endpoints.ts';
import { AuthError, type AuthErrorCode } from './errors.ts';

const tokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().positive(),
});

const errorResponse = z.object({ error: z.string(), error_description: z.string().optional() });

const permanentCodes: readonly AuthErrorCode[] = [
  'invalid_grant',
  'invalid_client',
  'unauthorized_client',
  'invalid_request',
  'invalid_scope',
  'access_denied',
];

/** Something that hands out access tokens for the `x-amz-access-token` header. */
export interface AccessTokenSource {
  getAccessToken(signal?: AbortSignal): Promise<string>;
  /** Drops a cached token Amazon reported as expired, so the next call exchanges again. */
  invalidate(token: string): void;
}

export interface LwaTokenProviderOptions {
  credentials: LwaCredentials;
  fetch?: typeof fetch;
  /** Milliseconds since the epoch; injectable so expiry can be tested without waiting. */
  now?: () => number;
  /** Refresh this long before `expires_in` runs out (default 60 s). */
  refreshMarginMs?: number;
  /** Per-request timeout for the token endpoint (default 10 s). */
  timeoutMs?: number;
}

/**
 * Login with Amazon refresh-token exchange, cached until shortly before expiry. Concurrent
 * callers share one exchange. A refused refresh token or client is a permanent AuthError
 * (the caller must fix its configuration); only endpoint trouble is marked retryable.
 */
export class LwaTokenProvider implements AccessTokenSource {
  private readonly credentials: LwaCredentials;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;
  private readonly marginMs: number;
  private readonly timeoutMs: number;
  private cached: { token: string; refreshAt: number } | undefined;
  private inFlight: Promise<string> | undefined;
  /** Number of successful exchanges; lets tests and metrics see the cache working. */
  exchanges = 0;

  constructor(options: LwaTokenProviderOptions) {
    this.credentials = options.credentials;
    this.fetchImpl = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
    this.marginMs = options.refreshMarginMs ?? 60_000;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  get tokenUrl(): string {
    return this.credentials.tokenUrl ?? lwaTokenUrl;
  }

  async getAccessToken(signal?: AbortSignal): Promise<string> {
    if (this.cached && this.now() < this.cached.refreshAt) return this.cached.token;
    this.inFlight ??= this.exchange(signal).finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  invalidate(token: string): void {
    if (this.cached?.token === token) this.cached = undefined;
  }

  private async exchange(signal?: AbortSignal): Promise<string> {
    const body = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: this.credentials.refreshToken,
      client_id: this.credentials.clientId,
      client_secret: this.credentials.clientSecret,
    });
    const timeout = AbortSignal.timeout(this.timeoutMs);
    let response: Response;
    try {
      response = await this.fetchImpl(this.tokenUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
          accept: 'application/json',
        },
        body: body.toString(),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      throw new AuthError('token_endpoint_unavailable', `LWA token endpoint ${this.tokenUrl} unreachable`, {
        retryable: true,
        cause: error,
      });
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (response.ok) {
      const parsed = tokenResponse.safeParse(json);
      if (!parsed.success) {
        throw new AuthError(
          'unexpected_token_response',
          'LWA token endpoint answered 200 without access_token and expires_in',
          {
            status: response.status,
          },
        );
      }
      const lifetimeMs = parsed.data.expires_in * 1000;
      // Short-lived tokens (local sandbox tests) still get used for at least half their life.
      const refreshIn = Math.max(lifetimeMs - this.marginMs, lifetimeMs / 2);
      this.cached = { token: parsed.data.access_token, refreshAt: this.now() + refreshIn };
      this.exchanges += 1;
      return parsed.data.access_token;
    }
    const err = errorResponse.safeParse(json);
    const code = err.success ? (err.data.error as AuthErrorCode) : undefined;
    if (response.status >= 500 || response.status === 429) {
      throw new AuthError('token_endpoint_unavailable', `LWA token endpoint answered ${response.status}`, {
        status: response.status,
        retryable: true,
      });
    }
    if (code && permanentCodes.includes(code)) {
      const hint =
        code === 'invalid_grant'
          ? 'the refresh token is invalid, expired or revoked: re-authorise the application and update LWA_REFRESH_TOKEN'
          : code === 'invalid_client'
            ? 'the client id or secret is wrong: check LWA_CLIENT_ID and LWA_CLIENT_SECRET'
            : (err.success && err.data.error_description) || 'the token request was refused';
      throw new AuthError(code, `LWA refused the refresh-token exchange (${code}): ${hint}`, {
        status: response.status,
      });
    }
    throw new AuthError('unexpected_token_response', `LWA token endpoint answered ${response.status}`, {
      status: response.status,
    });
  }
}
