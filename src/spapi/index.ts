// Public entry of the Services client.
export { ServicesClient, createServicesClient, type ServicesClientOptions } from './client.ts';
export {
  AuthError,
  NetworkError,
  RequestValidationError,
  ResponseShapeError,
  ServicesApiError,
  ServicesClientError,
} from './errors.ts';
export { marketplaceId, regionOfMarketplace, resolveEndpoint } from './endpoints.ts';
export { LwaTokenProvider } from './auth.ts';
export { resolveCredentials } from './credentials.ts';
export {
  OperationRateLimiter,
  RateLimiterRegistry,
  parseRateLimitHeader,
  usagePlanFor,
  type RateLimitPlan,
  type UsagePlan,
} from './rate-limit.ts';
export { isRetryable } from './retry.ts';
export { operations, type OperationId } from './generated/operations.ts';
export type * from './generated/services.ts';
