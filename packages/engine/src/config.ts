/**
 * The engine process's configuration: the shared connection pieces and the engine's own,
 * parsed once in main.ts (`loadEngineConfig(process.env)`) and handed down as one object.
 */
import {
  apiKeyAuthConfigSchema,
  composeConfig,
  dbConfigSchema,
  kafkaConfigSchema,
  listenPort,
  loadConfig,
  logConfigSchema,
  redisConfigSchema,
  type Env,
} from '@tradeplane/platform';
import { riskConfigSchema } from '@tradeplane/risk';
import { trackingConfigSchema } from '@tradeplane/tracking';
import { z } from 'zod';

/** The engine's HTTP server and decision path (POST /api/v1/predict). */
export const engineConfigSchema = z.object({
  /** Interface the HTTP API listens on. */
  ENGINE_HOST: z.string().default('127.0.0.1'),
  /** TCP port of the HTTP API. */
  ENGINE_PORT: listenPort.default(7070),
  /** Fraction (0–1) of served feature vectors re-checked for lookahead in production. */
  LEAKAGE_SAMPLE_RATE: z.coerce.number().min(0).max(1).default(0.01),
  /**
   * Share of request keys routed to the canary versions while one exists and no rollout is
   * active, percent (0–100); an active rollout's canary_percent overrides it.
   */
  ENGINE_CANARY_PERCENT: z.coerce.number().min(0).max(100).default(5),
  /** Milliseconds between this process's heartbeats in engine_runs (the rollout crash guard reads them). */
  ENGINE_HEARTBEAT_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
  /**
   * Failure drill only, must stay 0 in production: a decision the canary arm serves waits this
   * many milliseconds before it is assembled (its totalMs and HTTP latency include the wait).
   */
  ENGINE_FAULT_CANARY_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  /** Seconds between registry polls for stage changes (the safety net behind tp:model-stage-changed). */
  ENGINE_MODEL_POLL_S: z.coerce.number().min(0.1).default(5),
  /** Seconds a swapped-out model set is kept before its sessions are released. */
  ENGINE_MODEL_GRACE_S: z.coerce.number().min(0).default(30),
  /** Target weight (fraction of equity) of a blended signal of ±1, before the risk check. */
  ENGINE_POSITION_SCALE: z.coerce.number().gt(0).max(10).default(0.25),
  /** Benchmark series whose stored regime model gives P(bull, bear, sideways) to every decision. */
  ENGINE_REGIME_SYMBOL: z.string().min(1).default('SPY'),
  /** Bar timeframe of the benchmark series. */
  ENGINE_REGIME_TIMEFRAME: z.enum(['1m', '5m', '1h', '1d']).default('1d'),
});
export type EngineConfig = z.infer<typeof engineConfigSchema>;

/** ONNX Runtime sessions (the engine's decisions, the forensics reruns). */
export const modelRuntimeConfigSchema = z.object({
  /** Execution providers, tried in order (`cuda`, `cpu`); the active one is on /healthz. */
  ENGINE_EXECUTION_PROVIDERS: z.string().min(1).default('cuda,cpu'),
});
export type ModelRuntimeConfig = z.infer<typeof modelRuntimeConfigSchema>;

/**
 * The decision-event publisher: each decision goes to Kafka (topic DECISION_EVENTS_TOPIC)
 * without waiting (failure mode 2).
 */
export const decisionEventsConfigSchema = z.object({
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
  /** Longest wait between failed sends, ms. */
  DECISION_EVENTS_BACKOFF_MAX_MS: z.coerce.number().int().min(1).default(2_000),
});
export type DecisionEventsConfig = z.infer<typeof decisionEventsConfigSchema>;

/** Live bars: POST /api/v1/bars and the engine's consumer of MARKET_DATA_TOPIC. */
export const marketDataConfigSchema = z.object({
  /** Most bars in one POST /api/v1/bars (a batch is checked whole before any bar is applied). */
  ENGINE_BARS_BATCH_MAX: z.coerce.number().int().min(1).max(10_000).default(1_000),
  /**
   * This engine's name in its Kafka consumer group `<KAFKA_CLIENT_ID>-engine-<id>` on
   * MARKET_DATA_TOPIC: every engine replica reads every bar, so each needs its own group.
   * Default: the port the HTTP API is bound to (unique per host).
   */
  ENGINE_INSTANCE_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must match ^[A-Za-z0-9._-]{1,64}$')
    .optional(),
});
export type MarketDataConfig = z.infer<typeof marketDataConfigSchema>;

export const engineProcessConfigSchema = composeConfig({
  db: dbConfigSchema,
  redis: redisConfigSchema,
  kafka: kafkaConfigSchema,
  log: logConfigSchema,
  apiKeys: apiKeyAuthConfigSchema,
  engine: engineConfigSchema,
  models: modelRuntimeConfigSchema,
  risk: riskConfigSchema,
  events: decisionEventsConfigSchema,
  tracking: trackingConfigSchema,
  marketData: marketDataConfigSchema,
});
export type EngineProcessConfig = z.infer<typeof engineProcessConfigSchema>;

/** The engine's configuration from an environment (see .env.example); throws ConfigError. */
export function loadEngineConfig(env: Env): EngineProcessConfig {
  return loadConfig(engineProcessConfigSchema, env);
}
