import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Secrets never reach a log line, whatever object they travel in. */
const redactPaths = [
  'password',
  '*.password',
  'passwordHash',
  '*.passwordHash',
  'apiKey',
  '*.apiKey',
  'token',
  '*.token',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers["x-api-key"]',
];

/**
 * One structured JSON logger per process; areas take scoped children (`logger.child({scope})`).
 * main.ts passes the level from the process's configuration (LOG_LEVEL); `destination`
 * defaults to stdout.
 */
export function createLogger(service: string, level = 'info', destination?: DestinationStream): Logger {
  return pino(
    {
      name: service,
      level,
      base: { service },
      redact: { paths: redactPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

export function scoped(logger: Logger, scope: string): Logger {
  return logger.child({ scope });
}
