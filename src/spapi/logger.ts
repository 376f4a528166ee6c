import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * The client's default logger: silent under the test runner, `FIELDPLAN_LOG_LEVEL`
 * (default info) otherwise. Pass your own pino logger to route logs elsewhere. The client
 * logs only operation names, statuses, request ids, timings and attempt numbers; the
 * redaction below is a second line of defence for anything token-shaped.
 */
export function defaultLogger(): Logger {
  const level = process.env['VITEST'] ? 'silent' : (process.env['FIELDPLAN_LOG_LEVEL'] ?? 'info');
  return pino({
    name: 'spapi',
    level,
    redact: SECRET_REDACTION,
  });
}

/** pino redaction of LWA secrets, shared by every logger that may log a client's options. */
export const SECRET_REDACTION = {
  paths: ['accessToken', 'refreshToken', 'clientSecret', '*.accessToken', '*.refreshToken', '*.clientSecret'],
  censor: '[redacted]',
};
