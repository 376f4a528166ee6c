/**
 * Answers in the model's error shapes. Most operations wrap errors as `{errors: [...]}`;
 * setAppointmentFulfillmentData's error schema is the bare ErrorList array.
 */
export interface WireError {
  code: string;
  message: string;
  details?: string;
}

export interface OperationResult {
  readonly status: number;
  /** `undefined` sends no body (the 204s). */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export type ErrorEnvelope = 'wrapped' | 'bare';

export function errorResult(
  status: number,
  errors: WireError[],
  envelope: ErrorEnvelope = 'wrapped',
): OperationResult {
  const list = errors.map((e) => ({ code: e.code, message: e.message, details: e.details ?? '' }));
  return {
    status,
    body: envelope === 'bare' ? list : { errors: list },
    headers: { 'x-amzn-ErrorType': errorType(status) },
  };
}

export function invalidInput(
  status: number,
  message: string,
  envelope: ErrorEnvelope = 'wrapped',
  details = '',
): OperationResult {
  return errorResult(status, [{ code: 'InvalidInput', message, details }], envelope);
}

export function missingOrInvalid(
  params: readonly string[],
  envelope: ErrorEnvelope = 'wrapped',
): OperationResult {
  return invalidInput(400, `Missing or invalid request parameters: [${params.join(', ')}]`, envelope);
}

const UNAUTHORIZED_ACTION_MESSAGE = 'Not authorized to access this resource. Please check your input again.';

export function unauthorizedAction(envelope: ErrorEnvelope = 'wrapped'): OperationResult {
  return errorResult(403, [{ code: 'UnauthorizedAction', message: UNAUTHORIZED_ACTION_MESSAGE }], envelope);
}

function errorType(status: number): string {
  if (status === 403) return 'AccessDeniedException';
  if (status === 404) return 'ResourceNotFoundException';
  if (status === 413) return 'RequestEntityTooLargeException';
  if (status === 415) return 'UnsupportedMediaTypeException';
  if (status === 429) return 'ThrottlingException';
  if (status >= 500) return status === 503 ? 'ServiceUnavailableException' : 'InternalServerErrorException';
  return 'ValidationException';
}
