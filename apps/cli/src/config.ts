/**
 * The CLI's configuration: the connections its commands use, parsed once in main.ts
 * (`loadCliConfig(process.env)`) and handed to every command.
 */
import {
  composeConfig,
  dbConfigSchema,
  loadConfig,
  redisConfigSchema,
  secret,
  type Env,
} from '@tradeplane/platform';
import { riskConfigSchema } from '@tradeplane/risk';
import { trackingConfigSchema } from '@tradeplane/tracking';
import { z } from 'zod';

/** Values the commands read from the environment rather than from arguments. */
export const cliCommandsConfigSchema = z.object({
  /** Password of `user create` when --password is not given (shell history keeps arguments). */
  TP_NEW_PASSWORD: secret(z.string().optional()),
});

/** Where `tradeplane replay` finds the decision engine, and the cost the paper book pays. */
export const cliReplayConfigSchema = z.object({
  ENGINE_URL: z.string().url().default('http://127.0.0.1:7070'),
  /** The engine API key; unset: the one `npm start` generated into <TP_STACK_DIR>/app/engine-api-key. */
  ENGINE_API_KEY: secret(z.string().min(1).optional()),
  /** Where `npm start` keeps its state (default <repo>/.stack). */
  TP_STACK_DIR: z.string().min(1).optional(),
  /** The paper book's trading cost, the ledger's own variable so both book the same cost. */
  OUTCOME_COST_BPS: z.coerce.number().min(0).max(1_000).default(5),
});

export const cliConfigSchema = composeConfig({
  db: dbConfigSchema,
  redis: redisConfigSchema,
  tracking: trackingConfigSchema,
  commands: cliCommandsConfigSchema,
  replay: cliReplayConfigSchema,
  /** The engine's limits (RISK_*): the paper book of a replay is judged by the same ones. */
  risk: riskConfigSchema,
});
export type CliConfig = z.infer<typeof cliConfigSchema>;

/** The CLI's configuration from an environment (see .env.example); throws ConfigError. */
export function loadCliConfig(env: Env): CliConfig {
  return loadConfig(cliConfigSchema, env);
}
