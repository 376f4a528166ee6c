import type { Random } from './random.ts';

/**
 * Login with Amazon as the sandbox plays it: the refresh-token exchange (and the grantless
 * client-credentials grant) issue expiring access tokens; the Tokens API issues Restricted Data
 * Tokens scoped to the listed method + path pairs. Error bodies are LWA's own shape.
 */
export interface LwaCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly refreshToken: string;
}

/** The sandbox's default app credentials. They unlock nothing outside the sandbox. */
export const SANDBOX_CREDENTIALS: LwaCredentials = Object.freeze({
  clientId: 'amzn1.application-oa2-client.fieldplansandbox',
  clientSecret: 'fieldplan-sandbox-client-secret',
  refreshToken: 'Atzr|fieldplan-sandbox-refresh-token',
});

const GRANTLESS_SCOPES = new Set([
  'sellingpartnerapi::notifications',
  'sellingpartnerapi::client_credential:rotation',
]);

export type TokenCheck =
  | { readonly ok: true; readonly restrictedTo?: readonly { method: string; path: string }[] }
  | { readonly ok: false; readonly reason: 'missing' | 'invalid' | 'expired' };

interface IssuedToken {
  readonly expiresMs: number;
  readonly restrictedTo?: readonly { method: string; path: string }[];
}

export interface LwaAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export class TokenAuthority {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(
    private readonly credentials: LwaCredentials,
    private readonly nowMs: () => number,
    private readonly ttlSeconds: number,
    private readonly rng: Random,
  ) {}

  /** POST /auth/o2/token with the fields of a form or JSON body. */
  exchange(fields: Readonly<Record<string, unknown>>): LwaAnswer {
    const str = (k: string): string | undefined =>
      typeof fields[k] === 'string' ? (fields[k] as string) : undefined;
    const grantType = str('grant_type');
    if (!grantType)
      return lwaError(400, 'invalid_request', 'The request is missing a required parameter : grant_type');
    if (!['refresh_token', 'client_credentials', 'authorization_code'].includes(grantType)) {
      return lwaError(
        400,
        'unsupported_grant_type',
        'The authorization grant type is not supported by the authorization server',
      );
    }
    if (
      str('client_id') !== this.credentials.clientId ||
      str('client_secret') !== this.credentials.clientSecret
    ) {
      return lwaError(401, 'invalid_client', 'Client authentication failed');
    }
    if (grantType === 'client_credentials') {
      const scope = str('scope');
      if (!scope || !GRANTLESS_SCOPES.has(scope))
        return lwaError(400, 'invalid_scope', 'The request has an invalid parameter : scope');
      return {
        status: 200,
        body: { access_token: this.issue('Atc|'), token_type: 'bearer', expires_in: this.ttlSeconds },
      };
    }
    if (grantType === 'authorization_code') {
      return lwaError(400, 'invalid_grant', 'The request has an invalid grant parameter : code');
    }
    const refresh = str('refresh_token');
    if (!refresh)
      return lwaError(400, 'invalid_request', 'The request is missing a required parameter : refresh_token');
    if (refresh !== this.credentials.refreshToken) {
      return lwaError(400, 'invalid_grant', 'The request has an invalid grant parameter : refresh_token');
    }
    return {
      status: 200,
      body: {
        access_token: this.issue('Atza|'),
        token_type: 'bearer',
        expires_in: this.ttlSeconds,
        refresh_token: this.credentials.refreshToken,
      },
    };
  }

  issueRestricted(resources: readonly { method: string; path: string }[]): {
    token: string;
    expiresIn: number;
  } {
    return { token: this.issue('Atz.sprdt|', resources), expiresIn: this.ttlSeconds };
  }

  /**
   * Forgets every token issued so far, as a token issuer that restarted does: they are then
   * refused as invalid, and a new exchange issues working ones. Returns how many were dropped.
   */
  forgetIssued(): number {
    const n = this.tokens.size;
    this.tokens.clear();
    return n;
  }

  check(token: string | undefined): TokenCheck {
    if (!token) return { ok: false, reason: 'missing' };
    const issued = this.tokens.get(token);
    if (!issued) return { ok: false, reason: 'invalid' };
    if (this.nowMs() >= issued.expiresMs) return { ok: false, reason: 'expired' };
    return issued.restrictedTo ? { ok: true, restrictedTo: issued.restrictedTo } : { ok: true };
  }

  private issue(prefix: string, restrictedTo?: readonly { method: string; path: string }[]): string {
    const token = `${prefix}${this.rng.alnum(96)}`;
    this.tokens.set(token, {
      expiresMs: this.nowMs() + this.ttlSeconds * 1000,
      ...(restrictedTo ? { restrictedTo } : {}),
    });
    return token;
  }
}

function lwaError(status: number, error: string, description: string): LwaAnswer {
  return { status, body: { error_description: description, error } };
}

export const UNAUTHORIZED_DETAILS: Record<'missing' | 'invalid' | 'expired', string> = {
  missing: '',
  invalid: 'The access token you provided is revoked, malformed or invalid.',
  expired: 'The access token you provided has expired.',
};

/** Whether an RDT's listed resource covers this request; `{name}` segments match any segment. */
export function restrictedResourceMatches(
  resource: { method: string; path: string },
  method: string,
  path: string,
): boolean {
  if (resource.method !== method) return false;
  const want = resource.path.split('?')[0]?.split('/') ?? [];
  const got = path.split('/');
  return want.length === got.length && want.every((seg, i) => (/^\{.+\}$/.test(seg) ? true : seg === got[i]));
}
