import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { TRUSTED_DOCUMENTS } from '@tradeplane/contracts';
import { openRepositories } from '@tradeplane/db';
import {
  ApiKeyAuthenticator,
  createCacheConnection,
  createMetricsRegistry,
  createQueueConnection,
  Histogram,
  JobQueue,
  KafkaAdapter,
  sha256Hex,
  type Logger,
} from '@tradeplane/platform';
import { riskLimitsFromConfig, RiskReportService } from '@tradeplane/risk';
import { parse as parseCookies } from 'cookie';
import express from 'express';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { LoginService } from './auth/login.service';
import { LoginThrottle } from './auth/login-throttle';
import { SESSION_COOKIE, SessionService } from './auth/session.service';
import type { GatewayProcessConfig } from './config';
import type { GatewayContext, GatewayServices } from './context';
import { openDecisionStream, type DecisionStream } from './decisions';
import { EngineClient } from './engine/engine-client';
import { forensicsLookup } from './forensics';
import { apiKeyResolvers } from './schema/api-keys/api-keys.resolvers';
import { authResolvers } from './schema/auth/auth.resolvers';
import { decisionResolvers } from './schema/decisions/decisions.resolvers';
import { forensicsResolvers } from './schema/forensics/forensics.resolvers';
import { checkHealth, healthResolvers } from './schema/health/health.resolvers';
import { ingestionResolvers } from './schema/ingestion/ingestion.resolvers';
import { marketDataResolvers } from './schema/market-data/market-data.resolvers';
import { outcomeResolvers } from './schema/outcomes/outcomes.resolvers';
import { regimeResolvers } from './schema/regimes/regimes.resolvers';
import { trainingResolvers } from './schema/training/training.resolvers';
import { riskResolvers } from './schema/risk/risk.resolvers';
import { rolloutResolvers } from './schema/rollouts/rollouts.resolvers';
import { checkDateTimeArguments } from './schema/arguments';
import { DateTime, JSONScalar } from './schema/scalars';
import { trackingResolvers } from './schema/tracking/tracking.resolvers';
import { tradingResolvers } from './schema/trading/trading.resolvers';
import { createGraphQLPipeline, httpContext } from './security/graphql-pipeline';
import { jsonErrorPages } from './security/json-error-pages';
import { responseHeaders } from './security/response-headers';
import { publishSessionEnded, SessionSockets } from './security/session-sockets';
import { TrainingJobs } from '@tradeplane/training/service';

export interface RunningGateway {
  url: string;
  /** The admin password generated at first start when ADMIN_PASSWORD was not set, else null. */
  generatedAdminPassword: string | null;
  services: GatewayServices;
  /** The consumer of the `decisions` topic; `ready` once it has joined. */
  decisionStream: DecisionStream;
  stop(): Promise<void>;
}

/** schema.graphql first, then every domain's `<domain>/<domain>.graphql` (which `extend` it). */
function loadTypeDefs(): string[] {
  const root = path.join(import.meta.dirname, 'schema');
  const domains = readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => path.join(root, d.name, `${d.name}.graphql`))
    .filter((file) => existsSync(file))
    .sort();
  return [path.join(root, 'schema.graphql'), ...domains].map((file) => readFileSync(file, 'utf8'));
}

export function buildSchema() {
  const typeDefs = loadTypeDefs();
  // DateTime arguments are checked for every field, whichever resolver forgets to.
  return checkDateTimeArguments(
    makeExecutableSchema({
      typeDefs,
      resolvers: [
        { DateTime, JSON: JSONScalar },
        authResolvers,
        marketDataResolvers,
        ingestionResolvers,
        healthResolvers,
        apiKeyResolvers,
        regimeResolvers,
        riskResolvers,
        trackingResolvers,
        trainingResolvers,
        tradingResolvers,
        decisionResolvers,
        forensicsResolvers,
        outcomeResolvers,
        rolloutResolvers,
      ],
    }),
  );
}

/** Starts the gateway from its parsed configuration (`loadGatewayConfig`); `stop()` is idempotent. */
export async function startGateway(
  processConfig: GatewayProcessConfig,
  logger: Logger,
): Promise<RunningGateway> {
  const { gateway: config, db: dbConfig, redis: redisConfig, kafka: kafkaConfig } = processConfig;

  const repos = openRepositories({ url: dbConfig.DATABASE_URL, poolMax: dbConfig.DATABASE_POOL_MAX });
  const redisQueue = createQueueConnection(redisConfig.REDIS_QUEUE_URL);
  const redisCache = createCacheConnection(redisConfig.REDIS_CACHE_URL);
  const pubsub = new RedisPubSub({
    publisher: createQueueConnection(redisConfig.REDIS_QUEUE_URL),
    subscriber: createQueueConnection(redisConfig.REDIS_QUEUE_URL),
  });
  // The login throttle's counters, on the queue instance (noeviction); its own connection fails
  // a command within a second when Redis is away, so sign-in is refused rather than left hanging.
  const redisThrottle = createQueueConnection(redisConfig.REDIS_QUEUE_URL, {
    maxRetriesPerRequest: 1,
    commandTimeout: 1000,
  });
  for (const r of [redisQueue, redisCache, redisThrottle]) r.on('error', () => undefined);

  const clock = () => new Date();
  const metrics = createMetricsRegistry('gateway');
  const kafka = new KafkaAdapter(kafkaConfig.KAFKA_BROKERS, `${kafkaConfig.KAFKA_CLIENT_ID}-gateway`);
  const decisions = openDecisionStream({
    config: processConfig.decisionStream,
    topic: kafkaConfig.DECISION_EVENTS_TOPIC,
    kafka,
    kafkaClientId: kafkaConfig.KAFKA_CLIENT_ID,
    redisCache,
    redisQueue,
    pubsub,
    metrics,
    logger,
  });
  const sessions = new SessionService(repos, config.SESSION_TTL_H, clock, publishSessionEnded(pubsub));
  const services: GatewayServices = {
    config,
    repos,
    sessions,
    login: new LoginService(
      sessions,
      new LoginThrottle(redisThrottle, processConfig.loginThrottle),
      repos.audit,
      logger,
    ),
    engine: new EngineClient(config.ENGINE_URL, config.ENGINE_API_KEY),
    importQueue: new JobQueue('data.import', redisQueue),
    backfillQueue: new JobQueue('features.backfill', redisQueue),
    regimeQueue: new JobQueue('regime.fit', redisQueue),
    training: new TrainingJobs({ repos, redis: redisQueue }),
    pubsub,
    redisQueue,
    redisCache,
    kafka,
    riskReports: new RiskReportService(repos, riskLimitsFromConfig(processConfig.risk)),
    decisions: decisions.mirror,
    logger,
    clock,
  };

  // The gateway's own engine key is configured, and registered here by hash; a rotated one retires the last.
  const retiredServiceKeys = await repos.apiKeys.registerServiceKey({
    name: 'gateway (service)',
    prefix: config.ENGINE_API_KEY.slice(0, 12),
    keyHash: sha256Hex(config.ENGINE_API_KEY),
  });
  if (retiredServiceKeys > 0) {
    await repos.audit.append({
      actor: 'system',
      action: 'api_key.retire_service_keys',
      target: 'gateway (service)',
      details: { revoked: retiredServiceKeys },
    });
    logger.info({ revoked: retiredServiceKeys }, 'earlier gateway service keys revoked');
  }
  // API keys (the REST forensics lookup) are checked in memory against the active keys' hashes.
  const apiKeys = new ApiKeyAuthenticator(() => repos.apiKeys.active());
  await apiKeys.start(processConfig.apiKeys.API_KEY_REFRESH_S * 1000);
  let generatedAdminPassword: string | null = null;
  const adminPassword =
    config.ADMIN_PASSWORD ??
    (generatedAdminPassword = (await import('node:crypto')).randomBytes(12).toString('base64url'));
  const seeded = await services.sessions.seedAdmin(config.ADMIN_EMAIL, adminPassword);
  if (seeded) {
    await repos.audit.append({ actor: 'system', action: 'user.seed_admin', target: config.ADMIN_EMAIL });
    logger.info(
      { email: config.ADMIN_EMAIL, passwordFrom: config.ADMIN_PASSWORD ? 'ADMIN_PASSWORD' : 'generated' },
      'admin user seeded',
    );
  } else generatedAdminPassword = null;

  const schema = buildSchema();
  const pipeline = createGraphQLPipeline({
    schema,
    config,
    logger,
    trustedDocuments: new Set(TRUSTED_DOCUMENTS.map((document) => document.sha256)),
  });
  const sessionSockets = new SessionSockets(
    services.sessions,
    pubsub,
    config.SESSION_RECHECK_S * 1000,
    logger,
  );
  await sessionSockets.start();
  /** The one context of both transports: the services and the session's user. */
  const contextFor = async (cookieHeader: string | undefined, clientAddress: string | undefined) => {
    const token = parseCookies(cookieHeader ?? '')[SESSION_COOKIE];
    return {
      ...services,
      user: await services.sessions.userFor(token),
      sessionToken: token,
      clientAddress: clientAddress ?? 'unknown',
    };
  };
  const app = express();
  const httpServer = createServer(app);
  const requestDuration = new Histogram({
    name: 'tp_gateway_graphql_duration_seconds',
    help: 'GraphQL operation duration',
    labelNames: ['operation'],
    registers: [metrics],
  });

  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const allowedOrigins = new Set(config.WEB_ORIGINS.split(',').map((s) => s.trim()));
  const wsCleanup = useServer(
    {
      schema,
      // Cross-site WebSocket hijacking: browsers send Origin; only the console's origins may connect.
      onConnect: async (ctx) => {
        const origin = ctx.extra.request.headers.origin;
        if (origin && !allowedOrigins.has(origin)) return false;
        // A live session's socket closes when the session ends; a stale cookie is anonymous.
        const token = parseCookies(ctx.extra.request.headers.cookie ?? '')[SESSION_COOKIE];
        if (token && (await services.sessions.userFor(token))) sessionSockets.add(token, ctx.extra.socket);
        return true;
      },
      // The user is looked up at each subscribe, so a socket outliving its session runs nothing.
      // A throw here would close the socket with the error's message as the reason.
      onSubscribe: async (ctx, _id, payload) => {
        let contextValue: GatewayContext;
        try {
          contextValue = await contextFor(
            ctx.extra.request.headers.cookie,
            ctx.extra.request.socket.remoteAddress,
          );
        } catch (err) {
          return pipeline.ws.contextFailed(err);
        }
        return pipeline.ws.onSubscribe(contextValue, payload);
      },
      onNext: (_ctx, _id, _payload, _args, result) => pipeline.ws.onNext(result),
      onError: (_ctx, _id, _payload, errors) => pipeline.ws.onError(errors),
    },
    wsServer,
  );

  const apollo = new ApolloServer<GatewayContext>({
    schema,
    // Introspection and field suggestions are the pipeline's (its rules and formatter), as on WebSocket.
    introspection: true,
    validationRules: pipeline.validationRules,
    parseOptions: pipeline.parseOptions,
    formatError: pipeline.formatError,
    includeStacktraceInErrorResponses: false,
    // Automatic persisted queries would run a hash registered by one session for any other,
    // around the trusted-document check.
    persistedQueries: false,
    plugins: [
      pipeline.apolloPlugin,
      // A browser's GET /graphql in production is answered as JSON, not with Apollo's HTML page.
      ...(config.NODE_ENV === 'production' ? [ApolloServerPluginLandingPageDisabled()] : []),
      ApolloServerPluginDrainHttpServer({ httpServer }),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await wsCleanup.dispose();
            },
          };
        },
      },
      {
        async requestDidStart() {
          const started = performance.now();
          return {
            async willSendResponse(rc) {
              requestDuration.observe(
                { operation: rc.operationName ?? 'anonymous' },
                (performance.now() - started) / 1000,
              );
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  app.disable('x-powered-by');
  app.use(responseHeaders);
  app.use('/graphql', (req, res, next) => {
    const origin = req.headers.origin;
    if (origin && allowedOrigins.has(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-credentials', 'true');
      res.setHeader('access-control-allow-headers', 'content-type, apollo-require-preflight');
      res.setHeader('vary', 'origin');
    }
    if (req.method === 'OPTIONS') return void res.sendStatus(204);
    next();
  });
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    pipeline.httpGate((req) => contextFor(req.headers.cookie, req.socket.remoteAddress)),
    expressMiddleware(apollo, {
      context: async ({ req, res }): Promise<GatewayContext> => ({
        ...(httpContext(res) ?? (await contextFor(req.headers.cookie, req.socket.remoteAddress))),
        setCookie: (header) => res.append('set-cookie', header),
      }),
    }),
  );
  app.get(
    '/api/v1/forensics/:decisionId',
    forensicsLookup({
      forensics: repos.forensics,
      mirror: decisions.mirror,
      sessions: services.sessions,
      apiKeys,
      metrics,
      logger,
      pendingGraceMs: processConfig.forensicsLookup.FORENSICS_PENDING_GRACE_S * 1000,
    }),
  );
  app.get('/healthz', async (req, res) => {
    const report = await checkHealth({
      ...services,
      user: null,
      sessionToken: undefined,
      clientAddress: req.socket.remoteAddress ?? 'unknown',
    });
    res.status(report.ok ? 200 : 503).json(report);
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });
  jsonErrorPages(app, logger);

  await new Promise<void>((resolve) => httpServer.listen(config.GATEWAY_PORT, config.GATEWAY_HOST, resolve));
  const url = `http://${config.GATEWAY_HOST}:${(httpServer.address() as AddressInfo).port}`;
  logger.info({ url }, 'gateway listening');
  decisions.stream.start();

  let stopping: Promise<void> | undefined;
  return {
    url,
    generatedAdminPassword,
    services,
    decisionStream: decisions.stream,
    stop() {
      stopping ??= (async () => {
        await apollo.stop();
        sessionSockets.stop();
        apiKeys.stop();
        await services.importQueue.close();
        await services.backfillQueue.close();
        await services.regimeQueue.close();
        await services.training.close();
        await decisions.stream.stop();
        await pubsub.close();
        await services.kafka.close();
        redisQueue.disconnect();
        redisCache.disconnect();
        redisThrottle.disconnect();
        await repos.db.close();
      })();
      return stopping;
    },
  };
}
