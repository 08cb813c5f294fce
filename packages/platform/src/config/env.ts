import { z } from 'zod';

import { secret } from './secret';

/** An environment: `process.env` in main.ts, a plain object in tests. */
export type Env = Record<string, string | undefined>;

/** Thrown when the environment does not parse; names every bad variable. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID' as const;
}

/**
 * Parse a piece, or a process's composed configuration, from an environment object. Only a
 * process's main.ts passes `process.env`; everything below it receives the parsed object.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: Env): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    // The last path segment is the variable, in a piece and in a composed configuration alike.
    const lines = result.error.issues.map((i) => `${String(i.path.at(-1) ?? '(root)')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return result.data;
}

/**
 * A process's configuration: named pieces, each parsed from the same flat environment, so
 * `config.db.DATABASE_URL` keeps the variable's name and a piece is handed down whole.
 * A variable belongs to one piece; two pieces declaring it is a programming error.
 */
export function composeConfig<P extends Record<string, z.ZodObject>>(pieces: P) {
  const owner = new Map<string, string>();
  for (const [name, piece] of Object.entries(pieces)) {
    for (const key of Object.keys(piece.shape)) {
      const first = owner.get(key);
      if (first) throw new Error(`${key} is declared by both the ${first} and the ${name} piece`);
      owner.set(key, name);
    }
  }
  return z.preprocess(
    (env) => Object.fromEntries(Object.keys(pieces).map((name) => [name, env])),
    z.object(pieces),
  );
}

// 0 asks the OS for a free port (tests).
export const listenPort = z.coerce.number().int().min(0).max(65535);

/** PostgreSQL. */
export const dbConfigSchema = z.object({
  /** Connection URL of the application database; secret, it carries the password. */
  DATABASE_URL: secret(
    z.string().url().default('postgresql://tradeplane:tradeplane@127.0.0.1:55432/tradeplane'),
  ),
  /** Connections per process; writers queue behind the pool rather than open more. */
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
});
export type DbConfig = z.infer<typeof dbConfigSchema>;

/**
 * Redis: one instance for queues (noeviction + AOF), one for caches (LRU, no persistence). Secret:
 * a Redis URL may carry a password (`redis://:password@host`).
 */
export const redisConfigSchema = z.object({
  /** URL of the queue instance (BullMQ, pub/sub). */
  REDIS_QUEUE_URL: secret(z.string().url().default('redis://127.0.0.1:56379')),
  /** URL of the cache instance (the gateway's mirror of recent decisions). */
  REDIS_CACHE_URL: secret(z.string().url().default('redis://127.0.0.1:56380')),
});
export type RedisConfig = z.infer<typeof redisConfigSchema>;

/** Kafka: the brokers, and the topics more than one process uses. */
export const kafkaConfigSchema = z.object({
  /** Comma-separated host:port list. */
  KAFKA_BROKERS: z.string().min(1).default('127.0.0.1:59092'),
  /** Prefix of each process's client id (`<id>-engine`, `<id>-gateway`, …). */
  KAFKA_CLIENT_ID: z.string().default('tradeplane'),
  /** Topic of decision events: the engine publishes, the gateway mirrors, forensics explains. */
  DECISION_EVENTS_TOPIC: z.string().min(1).default('decisions'),
  /** Topic of closed bars (key = symbol): the engine publishes and appends, the workers store them. */
  MARKET_DATA_TOPIC: z.string().min(1).default('market-data'),
});
export type KafkaConfig = z.infer<typeof kafkaConfigSchema>;

/** Logging. */
export const logConfigSchema = z.object({
  /** Lowest pino level written. */
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
});
export type LogConfig = z.infer<typeof logConfigSchema>;
