import type { z } from 'zod';

import { createLogger, type Logger } from '../logging';
import { redactConfig } from './secret';

/**
 * For main.ts: the process's configuration, or — when the environment does not parse — one
 * fatal line naming every bad variable and exit code 1. The line comes from a logger at the
 * default level, because the configured level is part of what did not parse.
 */
export function configOrExit<T>(service: string, load: () => T): T {
  try {
    return load();
  } catch (err) {
    createLogger(service).fatal({ err }, 'invalid configuration');
    process.exit(1);
  }
}

/** Logs the effective configuration once at start, every secret-marked field redacted. */
export function logEffectiveConfig(logger: Logger, schema: z.ZodType, config: unknown): void {
  logger.info({ config: redactConfig(schema, config) }, 'effective configuration');
}
