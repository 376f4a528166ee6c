import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { LwaTokenProvider, type AccessTokenSource } from './auth.ts';
import { resolveCredentials, type CredentialSource } from './credentials.ts';
import { resolveEndpoint, type Region, type ResolvedEndpoint } from './endpoints.ts';
import { AuthError, RequestValidationError, ServicesApiError, ServicesClientError } from './errors.ts';
import { operations, type OperationDefinition, type OperationId } from './generated/operations.ts';
import { defaultLogger, type Logger } from './logger.ts';
import { iterateCapacityPages, iterateServiceJobPages } from './pagination.ts';
import {
  sharedRateLimiters,
  usagePlanFor,
  type OperationRateLimiter,
  type RateLimiterRegistry,
  type RateLimitPlan,
  type UsagePlan,
} from './rate-limit.ts';
import { requestRules } from './request-rules.ts';
import { RestrictedDataTokenCache, type RestrictedDataTokenOptions } from './restricted-data-tokens.ts';
import { interpret, isRejectedTokenError } from './responses.ts';
import { retryPolicyFor, type RetryOptions } from './retry.ts';
import { prepareRequest, send, type PreparedRequest } from './transport.ts';
import { issuesOf } from './validation.ts';

type Operations = typeof operations;

/** What a method takes: path and query parameters by name, the JSON body as `body`. */
export type ParamsOf<K extends OperationId> = z.input<Operations[K]['paramsSchema']>;

type SuccessSchemaOf<K extends OperationId> = Operations[K]['responses'][Operations[K]['successStatus'] &
  keyof Operations[K]['responses']] extends { schema: infer S }
  ? S
  : never;

/** What a method returns: the parsed 2xx body, or nothing for the two 204 operations. */
export type ResultOf<K extends OperationId> = Operations[K]['successStatus'] extends 204
  ? void
  : SuccessSchemaOf<K> extends z.ZodType
    ? z.output<SuccessSchemaOf<K>>
    : never;

export interface CallOptions {
  /**
   * The caller guarantees that repeating this call cannot create a duplicate (it checked
   * state first, or the write is idempotent in its own terms). Enables retries after
   * 5xx and dropped connections for creating operations; see `isRetryable`.
   */
  retrySafe?: boolean;
  signal?: AbortSignal;
}

export interface ServicesClientOptions {
  /** Amazon region (default `na`); ignored when `baseUrl` is given. */
  region?: Region;
  /** Use Amazon's sandbox host of the region. */
  sandbox?: boolean;
  /** Any base URL, e.g. the local sandbox (`http://127.0.0.1:4010`). */
  baseUrl?: string;
  /** LWA credentials; missing fields come from the environment or `configFile`. */
  credentials?: CredentialSource;
  /** JSON or YAML file with clientId, clientSecret, refreshToken, tokenUrl. */
  configFile?: string;
  /** Environment to read LWA_* variables from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** A ready-made access-token source instead of LWA credentials. */
  tokenSource?: AccessTokenSource;
  /**
   * Usage plans to pace calls at: `amazon` (per operation, from the model), `amazon-sandbox`
   * (5/s burst 15) or `off`. Default: `amazon-sandbox` for Amazon's sandbox hosts, else `amazon`.
   */
  rateLimits?: RateLimitPlan;
  /** Per-operation plans that replace the selected plan (e.g. a seller with higher limits). */
  usagePlanOverrides?: Partial<Record<OperationId, UsagePlan>>;
  /** Limiter registry (default: one shared by the whole process). */
  rateLimiters?: RateLimiterRegistry;
  /** Follow `x-amzn-RateLimit-Limit` when Amazon sends it (default true). */
  adaptToRateLimitHeader?: boolean;
  retry?: RetryOptions;
  /** Restricted Data Tokens for the listed operations (off by default). */
  restrictedDataTokens?: RestrictedDataTokenOptions;
  /** Per-attempt HTTP timeout (default 30 s). */
  requestTimeoutMs?: number;
  /** Parse 2xx bodies with the model's schemas (default true). */
  validateResponses?: boolean;
  logger?: Logger;
  fetch?: typeof fetch;
  now?: () => number;
  userAgent?: string;
}

const defaultUserAgent = `fieldplan/0.1.0 (Language=TypeScript; Platform=Node.js/${process.versions.node})`;

/**
 * The Selling Partner Services API v1 client: one typed method per operation (named after
 * its operationId), parameters validated before sending, LWA auth, per-operation pacing,
 * retries under the rule in retry.ts, and typed errors.
 */
export class ServicesClient {
  readonly endpoint: ResolvedEndpoint;
  readonly rateLimitPlan: RateLimitPlan;
  private readonly tokens: AccessTokenSource;
  private readonly rdt: RestrictedDataTokenCache | undefined;
  private readonly registry: RateLimiterRegistry;
  private readonly identity: string;
  private readonly logger: Logger;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;

  constructor(private readonly options: ServicesClientOptions = {}) {
    this.endpoint = resolveEndpoint(options);
    this.rateLimitPlan = options.rateLimits ?? (this.endpoint.amazonSandbox ? 'amazon-sandbox' : 'amazon');
    this.fetchImpl = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
    this.logger = (options.logger ?? defaultLogger()).child({ component: 'spapi' });
    this.registry = options.rateLimiters ?? sharedRateLimiters;
    if (options.tokenSource) {
      this.tokens = options.tokenSource;
      this.identity = 'token-source';
    } else {
      const credentials = resolveCredentials(options.credentials, {
        env: options.env,
        configFile: options.configFile,
      });
      this.tokens = new LwaTokenProvider({ credentials, fetch: this.fetchImpl, now: this.now });
      // Amazon meters per application and selling partner; the key must not reveal either secret.
      this.identity = createHash('sha256')
        .update(`${credentials.clientId}\n${credentials.refreshToken}`)
        .digest('hex')
        .slice(0, 16);
    }
    this.rdt = options.restrictedDataTokens
      ? new RestrictedDataTokenCache(
          options.restrictedDataTokens,
          (method, path) => this.issueRdt(method, path),
          this.now,
        )
      : undefined;
  }

  /** Calls any operation by operationId; the named methods below are shorthands. */
  async call<K extends OperationId>(
    operation: K,
    params: ParamsOf<K>,
    options: CallOptions = {},
  ): Promise<ResultOf<K>> {
    const definition: OperationDefinition = operations[operation];
    const parsed = definition.paramsSchema.safeParse(params);
    if (!parsed.success) throw new RequestValidationError(operation, issuesOf(parsed.error));
    const valid = parsed.data as Record<string, unknown>;
    const ruleIssues = requestRules[operation]?.(valid) ?? [];
    if (ruleIssues.length > 0) throw new RequestValidationError(operation, ruleIssues);
    const request = prepareRequest(this.endpoint.baseUrl, definition, valid);
    const limiter = this.limiterFor(operation);
    const policy = retryPolicyFor({ operation, retrySafe: options.retrySafe }, this.options.retry, this.now);
    let attempt = 0;
    let earlierAttemptMayHaveTakenEffect = false;
    try {
      const result = await policy.execute(async () => {
        attempt += 1;
        try {
          return await this.attempt(definition, request, limiter, attempt, options.signal);
        } catch (error) {
          if (error instanceof ServicesClientError && error.mayHaveTakenEffect)
            earlierAttemptMayHaveTakenEffect = true;
          throw error;
        }
      }, options.signal);
      return result as ResultOf<K>;
    } catch (error) {
      if (error instanceof ServicesClientError && earlierAttemptMayHaveTakenEffect)
        error.mayHaveTakenEffect = true;
      this.logFinalFailure(operation, attempt, error, options.signal);
      throw error;
    }
  }

  /**
   * One warning per call that failed for good. Attempts that failed and were retried log at
   * debug only: a throttled call that succeeds on its second try is not worth an operator's look.
   */
  private logFinalFailure(
    operation: string,
    attempts: number,
    error: unknown,
    signal: AbortSignal | undefined,
  ): void {
    const e = error as Partial<ServicesApiError> & { kind?: string };
    const entry = {
      operation,
      attempts,
      ...(e.kind !== undefined && { error: e.kind }),
      ...(typeof e.status === 'number' && { status: e.status }),
      ...(typeof e.code === 'string' && { code: e.code }),
      ...(typeof e.requestId === 'string' && { requestId: e.requestId }),
    };
    if (signal?.aborted === true) this.logger.debug(entry, 'request cancelled');
    else this.logger.warn(entry, 'request failed');
  }

  private limiterFor(operation: OperationId): OperationRateLimiter | undefined {
    const plan = this.options.usagePlanOverrides?.[operation] ?? usagePlanFor(this.rateLimitPlan, operation);
    if (!plan) return undefined;
    return this.registry.get(
      `${this.endpoint.baseUrl}|${this.identity}|${this.rateLimitPlan}|${operation}`,
      plan,
    );
  }

  private async accessTokenFor(
    definition: OperationDefinition,
    request: PreparedRequest,
    signal?: AbortSignal,
  ): Promise<string> {
    if (this.rdt?.operations.has(definition.operationId as OperationId))
      return this.rdt.get(request.method, request.path);
    return this.tokens.getAccessToken(signal);
  }

  /** One attempt, plus one immediate re-send with a new token when Amazon refuses the access token. */
  private async attempt(
    definition: OperationDefinition,
    request: PreparedRequest,
    limiter: OperationRateLimiter | undefined,
    attempt: number,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    const operation = definition.operationId;
    for (let refreshed = false; ; refreshed = true) {
      let token: string;
      try {
        token = await this.accessTokenFor(definition, request, signal);
      } catch (error) {
        if (error instanceof ServicesClientError) {
          this.logger.debug(
            { operation, attempt, error: error.kind, code: (error as AuthError).code },
            'access token unavailable',
          );
        }
        throw error;
      }
      const started = this.now();
      const exchange = () =>
        send(request, {
          fetch: this.fetchImpl,
          operation,
          accessToken: token,
          userAgent: this.options.userAgent ?? defaultUserAgent,
          timeoutMs: this.options.requestTimeoutMs ?? 30_000,
          now: this.now(),
          signal,
        });
      let raw;
      try {
        raw = limiter ? await limiter.schedule(exchange) : await exchange();
      } catch (error) {
        const code = (error as { code?: string }).code;
        this.logger.debug(
          { operation, attempt, durationMs: this.now() - started, network: code },
          'request failed without an answer',
        );
        throw error;
      }
      const durationMs = this.now() - started;
      if (this.options.adaptToRateLimitHeader !== false) limiter?.adaptRate(raw.rateLimit);
      const log = { operation, status: raw.status, requestId: raw.requestId, durationMs, attempt };
      try {
        const result = interpret(definition, raw, this.options.validateResponses !== false);
        this.logger.debug(log, 'request done');
        return result;
      } catch (error) {
        if (error instanceof ServicesApiError) {
          this.logger.debug({ ...log, code: error.code }, 'request answered with an error');
          if (isRejectedTokenError(error)) {
            // Expired, or forgotten by a token issuer that restarted: never reuse it.
            this.tokens.invalidate(token);
            this.rdt?.invalidate(token);
            if (!refreshed) {
              this.logger.info({ ...log, code: error.code }, 'access token refused; exchanging a new one');
              continue;
            }
            throw tokenRefusedTwice(operation, error);
          }
          if (error.status === 429) limiter?.drain();
        } else {
          this.logger.debug(
            { ...log, error: (error as ServicesClientError).kind },
            'request answer rejected',
          );
        }
        throw error;
      }
    }
  }

  private async issueRdt(method: string, path: string): Promise<{ token: string; expiresInSeconds: number }> {
    try {
      const result = await this.call('createRestrictedDataToken', {
        body: {
          restrictedResources: [{ method: method as 'GET' | 'PUT' | 'POST' | 'DELETE', path }],
          ...(this.options.restrictedDataTokens?.targetApplication
            ? { targetApplication: this.options.restrictedDataTokens.targetApplication }
            : {}),
        },
      });
      if (!result.restrictedDataToken || !result.expiresIn) {
        throw new AuthError(
          'restricted_data_token_failed',
          'Tokens API answered without restrictedDataToken and expiresIn',
        );
      }
      return { token: result.restrictedDataToken, expiresInSeconds: result.expiresIn };
    } catch (error) {
      if (error instanceof AuthError) throw error;
      throw new AuthError(
        'restricted_data_token_failed',
        `could not obtain a Restricted Data Token for ${method} ${path}`,
        { cause: error },
      );
    }
  }

  // --- job data ---
  getServiceJobByServiceJobId(params: ParamsOf<'getServiceJobByServiceJobId'>, options?: CallOptions) {
    return this.call('getServiceJobByServiceJobId', params, options);
  }
  getServiceJobs(params: ParamsOf<'getServiceJobs'>, options?: CallOptions) {
    return this.call('getServiceJobs', params, options);
  }
  // --- appointments and resources ---
  addAppointmentForServiceJobByServiceJobId(
    params: ParamsOf<'addAppointmentForServiceJobByServiceJobId'>,
    options?: CallOptions,
  ) {
    return this.call('addAppointmentForServiceJobByServiceJobId', params, options);
  }
  rescheduleAppointmentForServiceJobByServiceJobId(
    params: ParamsOf<'rescheduleAppointmentForServiceJobByServiceJobId'>,
    options?: CallOptions,
  ) {
    return this.call('rescheduleAppointmentForServiceJobByServiceJobId', params, options);
  }
  assignAppointmentResources(params: ParamsOf<'assignAppointmentResources'>, options?: CallOptions) {
    return this.call('assignAppointmentResources', params, options);
  }
  // --- closing jobs ---
  setAppointmentFulfillmentData(params: ParamsOf<'setAppointmentFulfillmentData'>, options?: CallOptions) {
    return this.call('setAppointmentFulfillmentData', params, options);
  }
  createServiceDocumentUploadDestination(
    params: ParamsOf<'createServiceDocumentUploadDestination'>,
    options?: CallOptions,
  ) {
    return this.call('createServiceDocumentUploadDestination', params, options);
  }
  completeServiceJobByServiceJobId(
    params: ParamsOf<'completeServiceJobByServiceJobId'>,
    options?: CallOptions,
  ) {
    return this.call('completeServiceJobByServiceJobId', params, options);
  }
  cancelServiceJobByServiceJobId(params: ParamsOf<'cancelServiceJobByServiceJobId'>, options?: CallOptions) {
    return this.call('cancelServiceJobByServiceJobId', params, options);
  }
  // --- capacity ---
  updateSchedule(params: ParamsOf<'updateSchedule'>, options?: CallOptions) {
    return this.call('updateSchedule', params, options);
  }
  createReservation(params: ParamsOf<'createReservation'>, options?: CallOptions) {
    return this.call('createReservation', params, options);
  }
  updateReservation(params: ParamsOf<'updateReservation'>, options?: CallOptions) {
    return this.call('updateReservation', params, options);
  }
  cancelReservation(params: ParamsOf<'cancelReservation'>, options?: CallOptions) {
    return this.call('cancelReservation', params, options);
  }
  getAppointmentSlots(params: ParamsOf<'getAppointmentSlots'>, options?: CallOptions) {
    return this.call('getAppointmentSlots', params, options);
  }
  /** Spelt as in Amazon's model (double m). */
  getAppointmmentSlotsByJobId(params: ParamsOf<'getAppointmmentSlotsByJobId'>, options?: CallOptions) {
    return this.call('getAppointmmentSlotsByJobId', params, options);
  }
  getRangeSlotCapacity(params: ParamsOf<'getRangeSlotCapacity'>, options?: CallOptions) {
    return this.call('getRangeSlotCapacity', params, options);
  }
  getFixedSlotCapacity(params: ParamsOf<'getFixedSlotCapacity'>, options?: CallOptions) {
    return this.call('getFixedSlotCapacity', params, options);
  }

  // --- pagination ---
  /** Every page of getServiceJobs, following nextPageToken. */
  serviceJobPages(params: Omit<ParamsOf<'getServiceJobs'>, 'pageToken'>, options?: CallOptions) {
    return iterateServiceJobPages((p) => this.getServiceJobs(p, options), params);
  }
  /** Every job matching the filter, across pages. */
  async *serviceJobs(params: Omit<ParamsOf<'getServiceJobs'>, 'pageToken'>, options?: CallOptions) {
    for await (const page of this.serviceJobPages(params, options)) yield* page.jobs ?? [];
  }
  rangeSlotCapacityPages(
    params: Omit<ParamsOf<'getRangeSlotCapacity'>, 'nextPageToken'>,
    options?: CallOptions,
  ) {
    return iterateCapacityPages((p) => this.getRangeSlotCapacity(p, options), params);
  }
  fixedSlotCapacityPages(
    params: Omit<ParamsOf<'getFixedSlotCapacity'>, 'nextPageToken'>,
    options?: CallOptions,
  ) {
    return iterateCapacityPages((p) => this.getFixedSlotCapacity(p, options), params);
  }
}

/** A token exchanged just now was refused too: the credentials do not fit this endpoint. */
function tokenRefusedTwice(operation: string, error: ServicesApiError): AuthError {
  const said = [error.errors[0]?.message, error.details].filter((x) => x !== undefined && x !== '').join(' ');
  return new AuthError(
    'access_token_rejected',
    `${operation}: Amazon refused the access token twice, the second one exchanged just now ` +
      `(${error.status} ${error.code}${said === '' ? '' : `: ${said}`}); check that the LWA credentials ` +
      'and token endpoint belong to this Services endpoint and that the application may use the Services API',
    { status: error.status, operation, cause: error },
  );
}

export function createServicesClient(options: ServicesClientOptions = {}): ServicesClient {
  return new ServicesClient(options);
}
