import type { AddressInfo } from 'node:net';
import { channels } from '@tradeplane/contracts';
import { openRepositories } from '@tradeplane/db';
import {
  Counter,
  createMetricsRegistry,
  createQueueConnection,
  Gauge,
  KafkaAdapter,
  probe,
  retryJoin,
  scoped,
  type Logger,
} from '@tradeplane/platform';
import { ApiKeyAuthenticator } from './auth/api-key-auth';
import type { EngineProcessConfig } from './config';
import {
  DECISION_CHANNELS,
  LEAKAGE_ACTOR,
  openDecisionEvents,
  startDecisionRuntime,
  type DecisionRuntime,
} from './decision';
import { BarStore, FeatureService, LeakageMonitor, type LeakageAlarm } from './features';
import {
  repositoryRiskUniverse,
  riskLimitsFromConfig,
  riskModelOptionsFromConfig,
  RiskService,
} from './risk';
import { BarIngest, MarketDataConsumer, ReplayRegistry } from './market-data';
import { EngineRunRecorder } from './engine-run';
import { createEngineServer } from './server';

export interface RunningEngine {
  url: string;
  features: FeatureService;
  leakage: LeakageMonitor;
  bars: BarStore;
  risk: RiskService;
  /** The decision path: predict's service, the model catalog, the regime table, the halt. */
  decision: DecisionRuntime;
  /** This process's id in engine_runs. */
  instanceId: string;
  /** Live bars: the consumer of the market-data topic and the replay cut-offs. */
  marketData: { consumer: MarketDataConsumer; replays: ReplayRegistry };
  stop(): Promise<void>;
}

const DEGRADED_ONLY = new Set(['decision-events', 'market-data']);

/** Starts the engine from its parsed configuration (`loadEngineConfig`); `stop()` is idempotent. */
export async function startEngine(
  processConfig: EngineProcessConfig,
  logger: Logger,
): Promise<RunningEngine> {
  const { engine: config, db: dbConfig, redis: redisConfig, kafka: kafkaConfig } = processConfig;
  const log = scoped(logger, 'engine');
  const clock = () => Date.now();

  const repos = openRepositories({
    url: dbConfig.DATABASE_URL,
    poolMax: dbConfig.DATABASE_POOL_MAX,
    connectTimeoutMs: 2000,
  });
  const subscriber = createQueueConnection(redisConfig.REDIS_QUEUE_URL, { lazyConnect: false });
  subscriber.on('error', () => undefined);
  const publisher = createQueueConnection(redisConfig.REDIS_QUEUE_URL, { enableOfflineQueue: false });
  publisher.on('error', () => undefined);

  const metrics = createMetricsRegistry('engine');
  // The decision runtime starts after the feature service it uses; until then its messages wait.
  const started: { decision?: DecisionRuntime } = {};
  const early: Array<[string, string]> = [];
  const alarmsTotal = new Counter({
    name: 'tp_feature_leakage_alarms_total',
    help: 'Lookahead violations found by the production leakage check',
    registers: [metrics],
  });

  const bars = new BarStore(
    {
      findInstrument: (symbol) => repos.instruments.findBySymbol(symbol),
      // The replay cut-off (`untilMs`) must reach the query, or a reload would show hidden bars.
      loadColumns: (id, timeframe, untilMs) => repos.bars.loadColumns(id, timeframe, untilMs),
    },
    clock,
  );
  const leakage = new LeakageMonitor(
    config.LEAKAGE_SAMPLE_RATE,
    Math.random,
    (alarm: LeakageAlarm) => {
      alarmsTotal.inc();
      log.error({ alarm }, 'feature leakage alarm: a served feature differs from its full-history value');
      publisher.publish(channels.leakageAlarm, JSON.stringify(alarm)).catch(() => undefined);
      // Failure mode 5: halt at once (in memory); stored, audited and published right after.
      started.decision?.halts.haltNow(
        `leakage: ${alarm.feature} of ${alarm.symbol} ${alarm.timeframe} at ${alarm.barTime} served ${alarm.served}, full history ${alarm.fullHistory}`,
        LEAKAGE_ACTOR,
      );
    },
    clock,
  );
  const features = new FeatureService(bars, leakage);

  // Pre-trade risk: the model is built in the background from the daily bars (503 until then).
  const risk = new RiskService(
    repositoryRiskUniverse(repos),
    bars,
    riskLimitsFromConfig(processConfig.risk),
    riskModelOptionsFromConfig(processConfig.risk),
    clock,
    scoped(logger, 'risk'),
  );
  risk.start();

  const served = new Gauge({
    name: 'tp_feature_requests_by_tier',
    help: 'Feature vectors served: from the in-memory columns, or after loading the series',
    labelNames: ['tier'],
    registers: [metrics],
    collect() {
      for (const [tier, n] of Object.entries(features.served)) this.set({ tier }, n);
    },
  });
  void served;
  new Gauge({
    name: 'tp_feature_column_bytes',
    help: 'Bytes held by the per-bar feature columns of the series in memory',
    registers: [metrics],
    collect() {
      this.set(features.stats().columnBytes);
    },
  });

  // Subscribed before the decision runtime reads the halt state, so no halt slips between.
  // Imports announce new bars: drop the in-memory series so the next request reloads it.
  await subscriber.subscribe(channels.barsUpdated, ...DECISION_CHANNELS).catch(() => undefined);
  subscriber.on('message', (channel, message) => {
    if (channel !== channels.barsUpdated) {
      if (started.decision) started.decision.onMessage(channel, message);
      else early.push([channel, message]);
      return;
    }
    let announced: { symbol?: string; timeframe?: string } = {};
    try {
      announced = JSON.parse(message) as typeof announced;
    } catch {
      // unreadable: treat as "everything changed"
    }
    bars.invalidate(announced.symbol, announced.timeframe);
    if (!announced.timeframe || announced.timeframe === '1d') risk.scheduleRefresh();
    started.decision?.onBarsUpdated(announced.symbol, announced.timeframe);
  });

  // Replay cut-offs; the regime table and the risk model follow a series hidden or shown again.
  const replays = new ReplayRegistry(
    bars,
    { symbol: config.ENGINE_REGIME_SYMBOL.toUpperCase(), timeframe: config.ENGINE_REGIME_TIMEFRAME },
    clock,
    (symbol, timeframe) => {
      if (timeframe === '1d') risk.scheduleRefresh();
      started.decision?.onBarsUpdated(symbol, timeframe);
    },
  );
  const kafka = new KafkaAdapter(kafkaConfig.KAFKA_BROKERS, `${kafkaConfig.KAFKA_CLIENT_ID}-engine`);
  const runtime = await startDecisionRuntime({
    repos,
    features,
    bars,
    risk,
    redis: publisher,
    kafka,
    metrics,
    config: processConfig,
    clock,
    log: scoped(logger, 'decision'),
    counterfactuals: replays,
  });
  started.decision = runtime;
  for (const [channel, message] of early.splice(0)) runtime.onMessage(channel, message);

  // Live bars: published like decision events (buffer, then spill file events-<topic>.jsonl).
  const marketDataEvents = await openDecisionEvents(
    kafka,
    kafkaConfig.MARKET_DATA_TOPIC,
    processConfig.events,
    metrics,
    scoped(logger, 'market-data'),
  );
  const ingest = new BarIngest({ bars, events: marketDataEvents.publisher, replays, clock });
  const marketDataConsumer = new MarketDataConsumer({
    kafka,
    bars,
    topic: kafkaConfig.MARKET_DATA_TOPIC,
    metrics,
    log: scoped(logger, 'market-data'),
  });

  const auth = new ApiKeyAuthenticator(() => repos.apiKeys.active());
  await auth.start(processConfig.apiKeys.API_KEY_REFRESH_S * 1000);

  const health = async () => {
    const components = await Promise.all([
      probe('postgres', async () => {
        await repos.db.pool.query('SELECT 1');
        return null;
      }),
      probe('features', async () => {
        const { builds, barsPushed, columnBytes } = features.stats();
        const { memory, load } = features.served;
        return `${memory} from memory / ${load} after a load; ${builds} series built, ${barsPushed} bars pushed, ${columnBytes} B of columns`;
      }),
      probe('feature-leakage', async () => {
        if (leakage.alarms.length > 0)
          throw new Error(
            `${leakage.alarms.length} lookahead alarm(s); latest on ${leakage.alarms.at(-1)!.feature}`,
          );
        return `${leakage.checked} sampled vectors checked`;
      }),
      probe('risk-model', async () => risk.health()),
      ...(await runtime.healthComponents()),
      probe('market-data', async () => {
        const st = marketDataEvents.publisher.stats();
        const c = marketDataConsumer.stats;
        const detail =
          `published ${st.sent} sent, ${st.unsent} unsent (${st.spilled} spilled); ` +
          `consumed ${c.appended} appended, ${c.duplicate} duplicate, ${c.out_of_order} out of order, ` +
          `${c.unknown_symbol} unknown symbol, ${c.malformed} malformed; ` +
          `store ${bars.appendStats.appended} appended, ${bars.appendStats.duplicate} duplicate, ${bars.appendStats.outOfOrder} out of order`;
        if (!marketDataConsumer.joined)
          throw new Error(`not joined to ${kafkaConfig.MARKET_DATA_TOPIC} yet; ${detail}`);
        if (st.unsent > 0 && st.oldestUnsentAgeMs > 10_000)
          throw new Error(
            `Kafka has not acknowledged for ${Math.round(st.oldestUnsentAgeMs / 1000)} s; ${detail}`,
          );
        return marketDataEvents.spoolNote ? `${detail}; ${marketDataEvents.spoolNote}` : detail;
      }),
    ]);
    // Degraded, not unhealthy: without Kafka decision events and bars wait in the buffer and the spill.
    const ok = components.every((c) => c.state === 'up' || DEGRADED_ONLY.has(c.name));
    return { ok, components, ...runtime.healthReport() };
  };

  const server = createEngineServer({
    features,
    auth,
    health,
    metrics,
    clock,
    logger: log,
    risk,
    predict: { decisions: runtime.service, halts: runtime.halts, clock },
    bars: { ingest, maxBatch: processConfig.marketData.ENGINE_BARS_BATCH_MAX, clock },
    replays: { replays, clock },
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(config.ENGINE_PORT, config.ENGINE_HOST, resolve));
  const address = server.address() as AddressInfo;
  const url = `http://${config.ENGINE_HOST}:${address.port}`;
  log.info({ url }, 'engine listening');
  // engine_runs (the rollout crash guard): in the background, never in the way of serving.
  const run = new EngineRunRecorder(repos.engineRuns, { heartbeatMs: config.ENGINE_HEARTBEAT_MS }, log);
  run.start();
  // Joined in the background (retried until Kafka answers), so the engine serves meanwhile.
  const instance = processConfig.marketData.ENGINE_INSTANCE_ID ?? String(address.port);
  const joining = retryJoin(
    () => marketDataConsumer.start(`${kafkaConfig.KAFKA_CLIENT_ID}-engine-${instance}`),
    log,
    `the ${kafkaConfig.MARKET_DATA_TOPIC} topic`,
  );

  let stopping: Promise<void> | undefined;
  return {
    url,
    features,
    leakage,
    bars,
    risk,
    decision: runtime,
    instanceId: run.instanceId,
    marketData: { consumer: marketDataConsumer, replays },
    stop() {
      stopping ??= (async () => {
        auth.stop();
        risk.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await joining.stop();
        await marketDataConsumer.stop();
        await marketDataEvents.close(); // flushes bars to Kafka (or the spill)
        await runtime.stop(); // flushes decision events to Kafka (or the spill)
        await kafka.close();
        subscriber.disconnect();
        publisher.disconnect();
        await run.stop();
        await repos.db.close();
        log.info('engine stopped');
      })();
      return stopping;
    },
  };
}
