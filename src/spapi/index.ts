// Public entry of the Services client.
export {
  ServicesClient,
  createServicesClient,
  type CallOptions,
  type ParamsOf,
  type ResultOf,
  type ServicesClientOptions,
} from './client.ts';
export {
  AuthError,
  NetworkError,
  RequestValidationError,
  ResponseShapeError,
  ServicesApiError,
  ServicesClientError,
  type ApiErrorEntry,
  type AuthErrorCode,
  type ServicesClientErrorKind,
  type ValidationIssue,
} from './errors.ts';
export {
  lwaTokenUrl,
  marketplaceId,
  marketplaces,
  regionHosts,
  regionOfMarketplace,
  resolveEndpoint,
  type EndpointOptions,
  type Region,
  type ResolvedEndpoint,
} from './endpoints.ts';
export { LwaTokenProvider, type AccessTokenSource } from './auth.ts';
export { resolveCredentials, type LwaCredentials } from './credentials.ts';
export {
  OperationRateLimiter,
  RateLimiterRegistry,
  amazonSandboxPlan,
  parseRateLimitHeader,
  sharedRateLimiters,
  usagePlanFor,
  type RateLimitPlan,
  type UsagePlan,
} from './rate-limit.ts';
export { creatingOperations, isRetryable, type RetryOptions } from './retry.ts';
export type { RestrictedDataTokenOptions } from './restricted-data-tokens.ts';
export {
  operations,
  operationIds,
  type OperationId,
  type OperationDefinition,
} from './generated/operations.ts';
export type * from './generated/services.ts';
export { SERVICE_JOB_STATUSES, type ServiceJobStatus } from './statuses.ts';
