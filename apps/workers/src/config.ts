/**
 * The configuration of the workers process and of the stand-alone forensics and outcome
 * consumers: the
 * shared connection pieces and their own, parsed once in main.ts and handed down as one object.
 */
import { modelRuntimeConfigSchema } from '@tradeplane/engine';
import {
  composeConfig,
  dbConfigSchema,
  kafkaConfigSchema,
  listenPort,
  loadConfig,
  logConfigSchema,
  redisConfigSchema,
  type Env,
} from '@tradeplane/platform';
import { trackingConfigSchema } from '@tradeplane/tracking';
import { z } from 'zod';
import { forensicsConfigSchema } from './forensics/forensics.config';
import { outcomesConfigSchema } from './outcomes/outcomes.config';
import { marketDataConfigSchema } from './market-data/market-data.config';
import { rolloutsConfigSchema } from './rollouts/rollouts.config';

/** The BullMQ workers. */
export const workersConfigSchema = z.object({
  /** TCP port of the workers' /metrics and /healthz (127.0.0.1). */
  WORKERS_METRICS_PORT: listenPort.default(9464),
  /** Feature backfill jobs run at once per worker process. */
  WORKERS_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
  /** Training jobs run at once per worker process (each is CPU-bound on one core). */
  WORKERS_TRAINING_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
});

/** The forensics consumer's pieces, the same in the workers process and on its own. */
const forensicsPieces = {
  db: dbConfigSchema,
  kafka: kafkaConfigSchema,
  log: logConfigSchema,
  models: modelRuntimeConfigSchema,
  tracking: trackingConfigSchema,
  forensics: forensicsConfigSchema,
};

/** The outcome consumer's pieces, the same in the workers process and on its own. */
const outcomesPieces = {
  db: dbConfigSchema,
  kafka: kafkaConfigSchema,
  log: logConfigSchema,
  redis: redisConfigSchema,
  outcomes: outcomesConfigSchema,
};

export const workersProcessConfigSchema = composeConfig({
  ...forensicsPieces,
  ...outcomesPieces,
  workers: workersConfigSchema,
  marketData: marketDataConfigSchema,
  rollouts: rolloutsConfigSchema,
});
export type WorkersProcessConfig = z.infer<typeof workersProcessConfigSchema>;

/** `npm run forensics`: the consumer apart from the job workers. */
export const forensicsProcessConfigSchema = composeConfig(forensicsPieces);
export type ForensicsProcessConfig = z.infer<typeof forensicsProcessConfigSchema>;

/** `npm run outcomes`: the ledger's consumer apart from the job workers. */
export const outcomesProcessConfigSchema = composeConfig(outcomesPieces);
export type OutcomesProcessConfig = z.infer<typeof outcomesProcessConfigSchema>;

/** The workers' configuration from an environment (see .env.example); throws ConfigError. */
export function loadWorkersConfig(env: Env): WorkersProcessConfig {
  return loadConfig(workersProcessConfigSchema, env);
}

/** The stand-alone forensics consumer's configuration; throws ConfigError. */
export function loadForensicsConfig(env: Env): ForensicsProcessConfig {
  return loadConfig(forensicsProcessConfigSchema, env);
}

/** The stand-alone outcome consumer's configuration; throws ConfigError. */
export function loadOutcomesConfig(env: Env): OutcomesProcessConfig {
  return loadConfig(outcomesProcessConfigSchema, env);
}
