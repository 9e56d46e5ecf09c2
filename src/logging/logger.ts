import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Structured JSON logs. Nothing the gateway logs carries a secret (keys are never put in a log
 * field), and the redaction list is a second line of defence for headers that might be logged
 * while debugging.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'switchyard' },
    redact: {
      paths: ['headers.authorization', 'headers["x-api-key"]', 'headers["api-key"]', 'headers["x-goog-api-key"]', '*.apiKey', 'apiKey'],
      censor: '[redacted]',
    },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
