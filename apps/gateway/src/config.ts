/**
 * The gateway process's configuration: the shared connection pieces and the gateway's own,
 * parsed once in main.ts (`loadGatewayConfig(process.env)`) and handed down as one object.
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
  secret,
  type Env,
} from '@tradeplane/platform';
import { riskConfigSchema } from '@tradeplane/risk';
import { z } from 'zod';
import { loginThrottleConfigSchema } from './auth/login-throttle.config';
import { decisionStreamConfigSchema } from './decisions';
import { forensicsLookupConfigSchema } from './forensics';

/** The local-development key: published in .env.example, so never accepted in production. */
export const DEFAULT_ENGINE_API_KEY = 'tp_local_gateway_key_change_me_0000';

/**
 * The limits every GraphQL operation passes on both transports (HTTP and WebSocket), before any
 * resolver runs; the defaults leave room above the console's own operations.
 */
const graphqlLimitsConfigShape = {
  /** Deepest selection nesting an operation may have. */
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(1).default(10),
  /** Aliased fields per operation (the console's largest, a run's metric series, uses one per series). */
  GRAPHQL_MAX_ALIASES: z.coerce.number().int().min(0).default(50),
  /** Lexical tokens per document, enforced while parsing. */
  GRAPHQL_MAX_TOKENS: z.coerce.number().int().min(100).default(5000),
  /** Directives per operation. */
  GRAPHQL_MAX_DIRECTIVES: z.coerce.number().int().min(0).default(10),
  /** Estimated cost per operation (security/cost-limit.ts: scalars 1, objects 2 + 1.5 × their selection). */
  GRAPHQL_MAX_COST: z.coerce.number().int().min(1).default(5000),
  /**
   * Operations outside the console's trusted-document manifest: `reject` them, run them for
   * `admin` sessions only, or `allow` them. Unset: `reject` in production, `allow` otherwise.
   */
  GRAPHQL_ADHOC_OPERATIONS: z.enum(['reject', 'admin', 'allow']).optional(),
};

/** The GraphQL server, sessions and the engine client. */
export const gatewayConfigSchema = z.object({
  /** `production` hides GraphQL introspection and schema details and refuses the default ENGINE_API_KEY. */
  NODE_ENV: z.string().default('development'),
  /** Interface the GraphQL server listens on. */
  GATEWAY_HOST: z.string().default('127.0.0.1'),
  /** TCP port of the GraphQL server (HTTP and WebSocket). */
  GATEWAY_PORT: listenPort.default(4000),
  /** Base URL the gateway uses to call the engine. */
  ENGINE_URL: z.string().url().default('http://127.0.0.1:7070'),
  /** Secret the gateway presents to the engine (at least 24 characters); registered (hashed) at start. */
  ENGINE_API_KEY: secret(z.string().min(24).default(DEFAULT_ENGINE_API_KEY)),
  /** Seeded on first start when no admin exists. */
  ADMIN_EMAIL: z.string().email().default('admin@tradeplane.local'),
  /** Password of the seeded admin (at least 8 characters); unset: one is generated and printed once. */
  ADMIN_PASSWORD: secret(z.string().min(8).optional()),
  /** Lifetime of a console session, hours. */
  SESSION_TTL_H: z.coerce.number().int().min(1).default(24),
  /** Origins allowed to call the gateway with credentials (the console), comma separated. */
  WEB_ORIGINS: z.string().default('http://localhost:3000,http://127.0.0.1:3000'),
  /** Directories that the importData mutation may read from (comma separated). */
  DATA_IMPORT_ROOTS: z.string().default(''),
  /** Cookie `Secure` flag; off for http://localhost. */
  COOKIE_SECURE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** How often open subscriptions re-check their session (expiry, a deleted user), seconds; logout closes them at once. */
  SESSION_RECHECK_S: z.coerce.number().min(0.1).default(5),
  ...graphqlLimitsConfigShape,
});
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

export const gatewayProcessConfigSchema = composeConfig({
  db: dbConfigSchema,
  redis: redisConfigSchema,
  kafka: kafkaConfigSchema,
  log: logConfigSchema,
  apiKeys: apiKeyAuthConfigSchema,
  gateway: gatewayConfigSchema,
  loginThrottle: loginThrottleConfigSchema,
  decisionStream: decisionStreamConfigSchema,
  forensicsLookup: forensicsLookupConfigSchema,
  /** The limits the risk report checks, the same the engine's pre-trade check applies. */
  risk: riskConfigSchema,
}).superRefine(({ gateway }, ctx) => {
  if (gateway.NODE_ENV === 'production' && gateway.ENGINE_API_KEY === DEFAULT_ENGINE_API_KEY)
    ctx.addIssue({
      code: 'custom',
      path: ['gateway', 'ENGINE_API_KEY'],
      message: 'is the published development default; set a secret key when NODE_ENV=production',
    });
});
export type GatewayProcessConfig = z.infer<typeof gatewayProcessConfigSchema>;

/** The gateway's configuration from an environment (see .env.example); throws ConfigError. */
export function loadGatewayConfig(env: Env): GatewayProcessConfig {
  return loadConfig(gatewayProcessConfigSchema, env);
}
