/**
 * The configuration of the workers process and of the stand-alone forensics consumer: the
 * shared connection pieces and their own, parsed once in main.ts and handed down as one object.
 */
import { featureCacheConfigSchema, modelRuntimeConfigSchema } from '@tradeplane/engine';
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
import { marketDataConfigSchema } from './market-data/market-data.config';

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

export const workersProcessConfigSchema = composeConfig({
  ...forensicsPieces,
  redis: redisConfigSchema,
  workers: workersConfigSchema,
  featureCache: featureCacheConfigSchema,
  marketData: marketDataConfigSchema,
});
export type WorkersProcessConfig = z.infer<typeof workersProcessConfigSchema>;

/** `npm run forensics`: the consumer apart from the job workers. */
export const forensicsProcessConfigSchema = composeConfig(forensicsPieces);
export type ForensicsProcessConfig = z.infer<typeof forensicsProcessConfigSchema>;

/** The workers' configuration from an environment (see .env.example); throws ConfigError. */
export function loadWorkersConfig(env: Env): WorkersProcessConfig {
  return loadConfig(workersProcessConfigSchema, env);
}

/** The stand-alone forensics consumer's configuration; throws ConfigError. */
export function loadForensicsConfig(env: Env): ForensicsProcessConfig {
  return loadConfig(forensicsProcessConfigSchema, env);
}
