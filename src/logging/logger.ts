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
  if (destination !== undefined) return pino(options, destination);
  // Buffered, asynchronous writes to stdout: one write per ~4 KB of log lines instead of one system
  // call per request line. A quiet gateway's lines still appear within a second; shutdown flushes.
  const logger = pino(options, pino.destination({ dest: 1, sync: false, minLength: 4096 }));
  setInterval(() => logger.flush(), 1_000).unref();
  return logger;
}

/** Write out buffered log lines (before exit). */
export function flushLogger(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
