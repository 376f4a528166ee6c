/** The API's logger: pino with the personal-data redaction every log line goes through. */
import pino, { type Logger } from 'pino';
import { privacyLoggerOptions } from '../src/privacy/redact.ts';

export function createLogger(level = process.env['FIELDPLAN_LOG_LEVEL'] ?? 'info'): Logger {
  return pino({ level, ...privacyLoggerOptions() });
}
