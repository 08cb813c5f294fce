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
import { trackingConfigSchema } from '@tradeplane/tracking';
import { z } from 'zod';

/** Values the commands read from the environment rather than from arguments. */
export const cliCommandsConfigSchema = z.object({
  /** Password of `user create` when --password is not given (shell history keeps arguments). */
  TP_NEW_PASSWORD: secret(z.string().optional()),
});

export const cliConfigSchema = composeConfig({
  db: dbConfigSchema,
  redis: redisConfigSchema,
  tracking: trackingConfigSchema,
  commands: cliCommandsConfigSchema,
});
export type CliConfig = z.infer<typeof cliConfigSchema>;

/** The CLI's configuration from an environment (see .env.example); throws ConfigError. */
export function loadCliConfig(env: Env): CliConfig {
  return loadConfig(cliConfigSchema, env);
}
