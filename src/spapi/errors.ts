/**
 * Everything the Services client throws is one of these classes; `kind` lets callers
 * branch without instanceof. Messages and fields carry ids and rules, never request
 * values (which can be personal data) and never tokens or secrets.
 */
export type ServicesClientErrorKind = 'validation' | 'auth' | 'network' | 'api' | 'response-shape';

export abstract class ServicesClientError extends Error {
  abstract readonly kind: ServicesClientErrorKind;
  /** The operationId the call was for (undefined for a bare token exchange). */
  readonly operation: string | undefined;
  /**
   * True when this call may have been acted on by Amazon: this attempt, or an earlier
   * attempt of the same call (a retried update that answers 404 after a dropped answer
   * may have worked the first time). A caller must reconcile before trying again.
   */
  mayHaveTakenEffect: boolean;

  protected constructor(
    message: string,
    operation: string | undefined,
    mayHaveTakenEffect: boolean,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    this.operation = operation;
    this.mayHaveTakenEffect = mayHaveTakenEffect;
  }
}

export interface ValidationIssue {
  /** Dotted path of the offending field, e.g. `body.appointmentTime.startTime`. */
  path: string;
  /** The rule that failed, in words. */
  rule: string;
}

/** The call was rejected before anything was sent. */
export class RequestValidationError extends ServicesClientError {
  readonly kind = 'validation';
  readonly issues: readonly ValidationIssue[];

  constructor(operation: string, issues: readonly ValidationIssue[]) {
    const list = issues.map((i) => (i.path ? `${i.path}: ${i.rule}` : i.rule)).join('; ');
    super(`${operation}: invalid parameters: ${list}`, operation, false);
    this.issues = issues;
  }
}

export type AuthErrorCode =
  | 'missing_credentials'
  | 'invalid_grant'
  | 'invalid_client'
  | 'unauthorized_client'
  | 'invalid_request'
  | 'invalid_scope'
  | 'access_denied'
  | 'token_endpoint_unavailable'
  | 'unexpected_token_response'
  | 'restricted_data_token_failed'
  /** Amazon refused a freshly exchanged access token (after refusing the cached one). */
  | 'access_token_rejected';

/** Login with Amazon (or the Tokens API) refused or failed to issue a token. */
export class AuthError extends ServicesClientError {
  readonly kind = 'auth';
  readonly code: AuthErrorCode;
  /** HTTP status of the token endpoint, when it answered. */
  readonly status: number | undefined;
  /** True only for transient token-endpoint trouble (5xx, 429, network). */
  readonly retryable: boolean;

  constructor(
    code: AuthErrorCode,
    message: string,
    options: { status?: number; retryable?: boolean; operation?: string; cause?: unknown } = {},
  ) {
    // A token failure happens before the Services request is sent.
    super(message, options.operation, false, options.cause);
    this.code = code;
    this.status = options.status;
    this.retryable = options.retryable ?? false;
  }
}

/** The HTTP exchange failed without an answer (refused, reset, timed out, dropped). */
export class NetworkError extends ServicesClientError {
  readonly kind = 'network';
  /** Low-level code such as ECONNREFUSED, UND_ERR_SOCKET or TIMEOUT. */
  readonly code: string;
  /** False only when the failure happened before the request could be written. */
  readonly requestSent: boolean;

  constructor(operation: string, code: string, requestSent: boolean, cause?: unknown) {
    const where = requestSent ? 'after the request was sent' : 'before the request was sent';
    super(`${operation}: network failure ${code} ${where}`, operation, requestSent, cause);
    this.code = code;
    this.requestSent = requestSent;
  }
}

export interface ApiErrorEntry {
  code: string;
  message: string;
  details?: string | undefined;
  errorLevel?: string | undefined;
}

/** Amazon answered with an error status. */
export class ServicesApiError extends ServicesClientError {
  readonly kind = 'api';
  readonly status: number;
  /** First error's code, e.g. InvalidInput, QuotaExceeded, Unauthorized. */
  readonly code: string;
  readonly details: string | undefined;
  /** Every error entry of the response. */
  readonly errors: readonly ApiErrorEntry[];
  readonly requestId: string | undefined;

  constructor(options: {
    operation: string;
    status: number;
    errors: readonly ApiErrorEntry[];
    requestId: string | undefined;
  }) {
    const first = options.errors[0];
    const code = first?.code ?? `HTTP_${options.status}`;
    const message = first?.message ?? `HTTP ${options.status} without an error body`;
    // 429 and 403 are refused before the operation runs; 4xx validation errors too.
    const mayHaveTakenEffect = options.status >= 500;
    super(
      `${options.operation}: ${options.status} ${code}: ${message}${options.requestId ? ` (request ${options.requestId})` : ''}`,
      options.operation,
      mayHaveTakenEffect,
    );
    this.status = options.status;
    this.code = code;
    this.details = first?.details;
    this.errors = options.errors;
    this.requestId = options.requestId;
  }
}

/** Amazon answered with a body the model does not allow. */
export class ResponseShapeError extends ServicesClientError {
  readonly kind = 'response-shape';
  readonly status: number;
  readonly requestId: string | undefined;
  readonly issues: readonly ValidationIssue[];

  constructor(
    operation: string,
    status: number,
    requestId: string | undefined,
    issues: readonly ValidationIssue[],
  ) {
    const list = issues.map((i) => `${i.path || '(body)'}: ${i.rule}`).join('; ');
    super(`${operation}: ${status} response does not match the model: ${list}`, operation, status < 300);
    this.status = status;
    this.requestId = requestId;
    this.issues = issues;
  }
}
