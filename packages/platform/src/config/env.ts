import { z } from 'zod';

import { secret } from './secret';

/** An environment: `process.env` in main.ts, a plain object in tests. */
export type Env = Record<string, string | undefined>;

/** Thrown when the environment does not parse; names every bad variable. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID' as const;
}

/**
 * Parse one concern's variables from an environment object. Each concern declares its own
 * small zod schema with defaults, so processes load only what they use.
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
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
const port = listenPort;

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

/** Redis: one instance for queues (noeviction + AOF), one for the feature cache (LRU). */
export const redisConfigSchema = z.object({
  REDIS_QUEUE_URL: secret(z.string().url().default('redis://127.0.0.1:56379')),
  REDIS_CACHE_URL: secret(z.string().url().default('redis://127.0.0.1:56380')),
});
export type RedisConfig = z.infer<typeof redisConfigSchema>;

/** Kafka. */
export const kafkaConfigSchema = z.object({
  /** Comma-separated host:port list. */
  KAFKA_BROKERS: z.string().min(1).default('127.0.0.1:59092'),
  KAFKA_CLIENT_ID: z.string().default('tradeplane'),
});
export type KafkaConfig = z.infer<typeof kafkaConfigSchema>;

/** Decision events: the engine publishes each decision to Kafka without waiting (failure mode 2). */
export const decisionEventsConfigSchema = z.object({
  DECISION_EVENTS_TOPIC: z.string().min(1).default('decisions'),
  /** Events held in memory while Kafka is slow or down; beyond it the oldest spill to disk. */
  DECISION_EVENTS_BUFFER: z.coerce.number().int().min(1).default(10_000),
  /** Directory of the spill file `events-<topic>.jsonl`; one engine process per directory. */
  DECISION_EVENTS_SPOOL_DIR: z.string().min(1).default('.stack/spool'),
  /** Most events per Kafka request (kafkajs does no batching of its own). */
  DECISION_EVENTS_BATCH_MAX: z.coerce.number().int().min(1).max(10_000).default(500),
  /** Most bytes (keys + values) per Kafka request; under the broker's 1 MiB message.max.bytes. */
  DECISION_EVENTS_BATCH_BYTES: z.coerce.number().int().min(1_024).default(900_000),
  /** Milliseconds a partial batch waits for more events. */
  DECISION_EVENTS_LINGER_MS: z.coerce.number().int().min(0).max(1_000).default(5),
  /** Wait after the first failed send, ms; doubles per failure up to DECISION_EVENTS_BACKOFF_MAX_MS. */
  DECISION_EVENTS_BACKOFF_MIN_MS: z.coerce.number().int().min(1).default(100),
  DECISION_EVENTS_BACKOFF_MAX_MS: z.coerce.number().int().min(1).default(2_000),
});
export type DecisionEventsConfig = z.infer<typeof decisionEventsConfigSchema>;

/** Engine process. */
export const engineConfigSchema = z.object({
  ENGINE_HOST: z.string().default('127.0.0.1'),
  ENGINE_PORT: port.default(7070),
  /** Feature cache TTL in Redis, seconds. */
  FEATURE_CACHE_TTL_S: z.coerce.number().int().min(1).default(300),
  /** Entries held by the in-process LRU in front of Redis. */
  FEATURE_LRU_MAX: z.coerce.number().int().min(1).default(50_000),
  /** Fraction of computed feature vectors re-checked for lookahead in production. */
  LEAKAGE_SAMPLE_RATE: z.coerce.number().min(0).max(1).default(0.01),
  /** Seconds between reloads of API key hashes from the database. */
  API_KEY_REFRESH_S: z.coerce.number().int().min(1).default(30),

  // Decision path (POST /api/v1/predict).
  /** ONNX Runtime execution providers, tried in order (`cuda`, `cpu`); the active one is on /healthz. */
  ENGINE_EXECUTION_PROVIDERS: z.string().min(1).default('cuda,cpu'),
  /** Share of request keys routed to the canary versions while one exists, percent (0–100). */
  ENGINE_CANARY_PERCENT: z.coerce.number().min(0).max(100).default(5),
  /** Seconds between registry polls for stage changes (the safety net behind tp:model-stage-changed). */
  ENGINE_MODEL_POLL_S: z.coerce.number().min(0.1).default(5),
  /** Seconds a swapped-out model set is kept before its sessions are released. */
  ENGINE_MODEL_GRACE_S: z.coerce.number().min(0).default(30),
  /** Target weight (fraction of equity) of a blended signal of ±1, before the risk check. */
  ENGINE_POSITION_SCALE: z.coerce.number().gt(0).max(10).default(0.25),
  /** Benchmark series whose stored regime model gives P(bull, bear, sideways) to every decision. */
  ENGINE_REGIME_SYMBOL: z.string().min(1).default('SPY'),
  ENGINE_REGIME_TIMEFRAME: z.enum(['1m', '5m', '1h', '1d']).default('1d'),

  // Pre-trade risk check (POST /api/v1/risk/check). Weights are fractions of equity.
  /** Largest |weight| of one position. */
  RISK_MAX_CONCENTRATION: z.coerce.number().min(0).default(0.25),
  /** Per-symbol largest |weight|, replacing RISK_MAX_CONCENTRATION: `AMD:0.05,SPY:0.5`. */
  RISK_SYMBOL_LIMITS: z
    .string()
    .default('')
    .transform((raw, ctx) => {
      const limits: Record<string, number> = {};
      for (const item of raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)) {
        const [symbol, value] = item.split(':').map((s) => s.trim());
        const limit = Number(value);
        if (!symbol || value === undefined || value === '' || !(limit >= 0)) {
          ctx.addIssue({ code: 'custom', message: `'${item}' is not SYMBOL:limit with a limit ≥ 0` });
          return z.NEVER;
        }
        limits[symbol.toUpperCase()] = limit;
      }
      return limits;
    }),
  /** Largest gross exposure Σ|w| (1 = no leverage). */
  RISK_MAX_GROSS: z.coerce.number().min(0).default(1),
  /** Net exposure Σw must stay in [RISK_MIN_NET, RISK_MAX_NET]. */
  RISK_MIN_NET: z.coerce.number().default(-1),
  RISK_MAX_NET: z.coerce.number().default(1),
  /** Confidence of the 1-day parametric VaR. */
  RISK_VAR_LEVEL: z.coerce.number().gt(0.5).lt(1).default(0.99),
  /** Largest 1-day VaR, fraction of equity. */
  RISK_MAX_VAR: z.coerce.number().min(0).default(0.025),
  /** Largest Σ|w| within one correlation cluster. */
  RISK_MAX_CLUSTER_GROSS: z.coerce.number().min(0).default(0.4),
  /** Accept orders adding exposure to symbols without daily history in the risk model. */
  RISK_ALLOW_UNKNOWN_SYMBOLS: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Daily returns per symbol (and common returns per pair) in the covariance. */
  RISK_LOOKBACK_DAYS: z.coerce.number().int().min(2).default(252),
  /** Correlation distance √((1 − ρ)/2) at which correlation clusters are cut (0.5 ≈ ρ 0.5). */
  RISK_CLUSTER_THRESHOLD: z.coerce.number().min(0).max(1).default(0.5),
});
export type EngineConfig = z.infer<typeof engineConfigSchema>;

/** Gateway process. */
export const gatewayConfigSchema = z.object({
  GATEWAY_HOST: z.string().default('127.0.0.1'),
  GATEWAY_PORT: port.default(4000),
  /** Base URL the gateway uses to call the engine. */
  ENGINE_URL: z.string().url().default('http://127.0.0.1:7070'),
  /** Secret the gateway presents to the engine; registered (hashed) at start. */
  ENGINE_API_KEY: secret(z.string().min(24).default('tp_local_gateway_key_change_me_0000')),
  /** Seeded on first start when no admin exists. */
  ADMIN_EMAIL: z.string().email().default('admin@tradeplane.local'),
  ADMIN_PASSWORD: secret(z.string().min(8).optional()),
  SESSION_TTL_H: z.coerce.number().int().min(1).default(24),
  /** Origins allowed to call the gateway with credentials (the console). */
  WEB_ORIGINS: z.string().default('http://localhost:3000,http://127.0.0.1:3000'),
  /** Directories that the importData mutation may read from (comma separated). */
  DATA_IMPORT_ROOTS: z.string().default(''),
  /** Cookie `Secure` flag; off for http://localhost. */
  COOKIE_SECURE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

/** Workers process. */
export const workersConfigSchema = z.object({
  WORKERS_METRICS_PORT: port.default(9464),
  WORKERS_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
  /** Training jobs run at once per worker process (each is CPU-bound on one core). */
  WORKERS_TRAINING_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
});
export type WorkersConfig = z.infer<typeof workersConfigSchema>;

/** The forensics consumer (workers): explains every decision of DECISION_EVENTS_TOPIC. */
export const forensicsConfigSchema = z.object({
  /** Run the consumer inside the workers process (false: run `npm run forensics` on its own). */
  FORENSICS_ENABLED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Kafka consumer group: every decision is explained once per group. */
  FORENSICS_GROUP_ID: z.string().min(1).default('tradeplane-forensics'),
  /** Where malformed decision events go, with the reason. */
  FORENSICS_DLQ_TOPIC: z.string().min(1).default('decisions.dlq'),
  /** Model sets (distinct version combinations) kept loaded. */
  FORENSICS_MODEL_SETS: z.coerce.number().int().min(1).max(64).default(8),
  /** /metrics and /healthz of the stand-alone consumer (`npm run forensics`). */
  FORENSICS_METRICS_PORT: port.default(9465),
});
export type ForensicsConfig = z.infer<typeof forensicsConfigSchema>;

/** Logging. */
export const logConfigSchema = z.object({
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
});
