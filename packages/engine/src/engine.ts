import type { AddressInfo } from 'node:net';
import { channels } from '@tradeplane/contracts';
import { openRepositories } from '@tradeplane/db';
import {
  Counter,
  createCacheConnection,
  createLogger,
  createMetricsRegistry,
  createQueueConnection,
  dbConfigSchema,
  engineConfigSchema,
  Gauge,
  loadConfig,
  redisConfigSchema,
  scoped,
  type Logger,
} from '@tradeplane/platform';
import { ApiKeyAuthenticator } from './auth/api-key-auth';
import { BarStore, FeatureCache, FeatureService, LeakageMonitor, type LeakageAlarm } from './features';
import { probe } from '@tradeplane/platform';
import { createEngineServer } from './server';

export interface RunningEngine {
  url: string;
  features: FeatureService;
  leakage: LeakageMonitor;
  cache: FeatureCache;
  bars: BarStore;
  stop(): Promise<void>;
}

/** Starts the engine from environment variables (see .env.example); `stop()` is idempotent. */
export async function startEngine(
  env: Record<string, string | undefined> = process.env,
  logger: Logger = createLogger('engine'),
): Promise<RunningEngine> {
  const config = loadConfig(engineConfigSchema, env);
  const dbConfig = loadConfig(dbConfigSchema, env);
  const redisConfig = loadConfig(redisConfigSchema, env);
  const log = scoped(logger, 'engine');
  const clock = () => Date.now();

  const repos = openRepositories({
    url: dbConfig.DATABASE_URL,
    poolMax: dbConfig.DATABASE_POOL_MAX,
    connectTimeoutMs: 2000,
  });
  const redisCache = createCacheConnection(redisConfig.REDIS_CACHE_URL);
  redisCache.on('error', () => undefined); // outages are handled per call (FeatureCache)
  const subscriber = createQueueConnection(redisConfig.REDIS_QUEUE_URL, { lazyConnect: false });
  subscriber.on('error', () => undefined);
  const publisher = createQueueConnection(redisConfig.REDIS_QUEUE_URL, { enableOfflineQueue: false });
  publisher.on('error', () => undefined);

  const metrics = createMetricsRegistry('engine');
  const alarmsTotal = new Counter({
    name: 'tp_feature_leakage_alarms_total',
    help: 'Lookahead violations found by the production leakage check',
    registers: [metrics],
  });

  const bars = new BarStore(
    {
      findInstrument: (symbol) => repos.instruments.findBySymbol(symbol),
      loadColumns: (id, timeframe) => repos.bars.loadColumns(id, timeframe),
    },
    clock,
  );
  const cache = new FeatureCache(redisCache, config.FEATURE_CACHE_TTL_S, config.FEATURE_LRU_MAX);
  const leakage = new LeakageMonitor(
    config.LEAKAGE_SAMPLE_RATE,
    Math.random,
    (alarm: LeakageAlarm) => {
      alarmsTotal.inc();
      log.error({ alarm }, 'feature leakage alarm: a served feature differs from its full-history value');
      publisher.publish(channels.leakageAlarm, JSON.stringify(alarm)).catch(() => undefined);
    },
    clock,
  );
  const features = new FeatureService(bars, cache, leakage);

  const served = new Gauge({
    name: 'tp_feature_requests_by_tier',
    help: 'Feature vectors served, by cache tier',
    labelNames: ['tier'],
    registers: [metrics],
    collect() {
      for (const [tier, n] of Object.entries(features.served)) this.set({ tier }, n);
    },
  });
  void served;
  new Gauge({
    name: 'tp_feature_cache_redis_errors',
    help: 'Redis cache errors since start (each one fell through to computation)',
    registers: [metrics],
    collect() {
      this.set(cache.stats.redisErrors);
    },
  });

  // Imports announce new bars; drop the in-memory series so the next request reloads it.
  await subscriber.subscribe(channels.barsUpdated).catch(() => undefined);
  subscriber.on('message', (channel, message) => {
    if (channel !== channels.barsUpdated) return;
    try {
      const { symbol, timeframe } = JSON.parse(message) as { symbol?: string; timeframe?: string };
      bars.invalidate(symbol, timeframe);
    } catch {
      bars.invalidate();
    }
  });

  const auth = new ApiKeyAuthenticator(() => repos.apiKeys.activeHashes());
  await auth.start(config.API_KEY_REFRESH_S * 1000);

  const health = async () => {
    const components = await Promise.all([
      probe('postgres', async () => {
        await repos.db.pool.query('SELECT 1');
        return null;
      }),
      probe('redis-cache', async () => {
        if (redisCache.status !== 'ready') throw new Error(`connection ${redisCache.status}`);
        await redisCache.ping();
        return `${features.served.lru} lru / ${features.served.redis} redis / ${features.served.compute} computed`;
      }),
      probe('feature-leakage', async () => {
        if (leakage.alarms.length > 0)
          throw new Error(
            `${leakage.alarms.length} lookahead alarm(s); latest on ${leakage.alarms.at(-1)!.feature}`,
          );
        return `${leakage.checked} sampled vectors checked`;
      }),
    ]);
    // Redis down is degraded, not unhealthy: features are still correct, only slower.
    const ok = components.every((c) => c.state === 'up' || c.name === 'redis-cache');
    return { ok, components };
  };

  const server = createEngineServer({ features, auth, health, metrics, clock, logger: log });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(config.ENGINE_PORT, config.ENGINE_HOST, resolve));
  const address = server.address() as AddressInfo;
  const url = `http://${config.ENGINE_HOST}:${address.port}`;
  log.info({ url }, 'engine listening');

  let stopping: Promise<void> | undefined;
  return {
    url,
    features,
    leakage,
    cache,
    bars,
    stop() {
      stopping ??= (async () => {
        auth.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        subscriber.disconnect();
        publisher.disconnect();
        redisCache.disconnect();
        await repos.db.close();
        log.info('engine stopped');
      })();
      return stopping;
    },
  };
}
