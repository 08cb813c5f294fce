/**
 * Wires the decision path into the engine process: the halt state, the regime table, the
 * model catalog (bootstrap registration, registry loads, hot swap), decision events and the
 * decision service; reacts to Redis messages and polls the database as a safety net.
 *
 * Start order matters: the caller subscribes to the channels before `startDecisionRuntime`
 * loads the halt state, so no halt published in between is missed.
 */
import { assertNever, channels, tradingStatus, type TradingStatus } from '@tradeplane/contracts';
import type { Repositories } from '@tradeplane/db';
import {
  probe,
  type ComponentHealth,
  type KafkaAdapter,
  type Logger,
  type Redis,
  type Registry,
} from '@tradeplane/platform';
import { LocalDirectoryArtifactStore, trackingClient } from '@tradeplane/tracking';
import type { EngineProcessConfig } from '../config';
import type { BarStore, FeatureService } from '../features';
import {
  advisoryLock,
  BOOTSTRAP_LOCK_KEY,
  ensureBootstrapModels,
  parseExecutionProviders,
  registryModelSource,
} from '@tradeplane/models';
import type { CounterfactualRecorder } from '../market-data/replays';
import type { RiskService } from '../risk';
import { openDecisionEvents } from './decision-events';
import { DecisionMetrics } from './decision-metrics';
import { DecisionService } from './decision-service';
import { TradingHaltController } from '../trading';
import { ModelCatalog, type ArmModels } from '../catalog';
import { RegimeService } from '../regime';
import { ulidFactory } from './ulid';

/** Who halts on a leakage alarm (audit log, halt history). */
export const LEAKAGE_ACTOR = 'engine:leakage-monitor';

/** The Redis channels the runtime listens to. */
export const DECISION_CHANNELS = [
  channels.tradingState,
  channels.modelStageChanged,
  channels.rolloutChanged,
  channels.regimeChanged,
];

export interface DecisionRuntimeDeps {
  repos: Repositories;
  features: FeatureService;
  bars: Pick<BarStore, 'get' | 'onAppend'>;
  risk: RiskService;
  /** Queue-instance connection for publishing the trading state. */
  redis: Redis;
  kafka: KafkaAdapter;
  metrics: Registry;
  config: Pick<EngineProcessConfig, 'engine' | 'models' | 'kafka' | 'events' | 'tracking'>;
  clock: () => number;
  log: Logger;
  /** Live replays, whose portfolios' decisions are scored with the regime counterfactuals. */
  counterfactuals?: CounterfactualRecorder;
}

export interface DecisionRuntime {
  service: DecisionService;
  halts: TradingHaltController;
  models: ModelCatalog;
  regime: RegimeService;
  /** A message on one of DECISION_CHANNELS. */
  onMessage(channel: string, message: string): void;
  /** An import (or a replay cut-off) changed bars: the regime table follows the benchmark series. */
  onBarsUpdated(symbol: string | undefined, timeframe: string | undefined): void;
  healthComponents(): Promise<ComponentHealth[]>;
  /** Extra /healthz fields: the active models and their execution provider, the trading state. */
  healthReport(): Record<string, unknown>;
  stop(): Promise<void>;
}

export async function startDecisionRuntime(deps: DecisionRuntimeDeps): Promise<DecisionRuntime> {
  const { repos, config, log, clock } = deps;
  const engine = config.engine;

  const halts = new TradingHaltController(
    {
      async persist(state) {
        const stored = await repos.tradingHalts.halt(state.cause!, state.actor!);
        if (stored.created) {
          await repos.audit.append({
            actor: state.actor!,
            action: 'trading.halt',
            reason: state.cause,
            details: { since: stored.state.since },
          });
        }
        return stored;
      },
      publish(state) {
        deps.redis.publish(channels.tradingState, JSON.stringify(state)).catch(() => undefined);
      },
      onError(err, attempt) {
        log.error({ err, attempt }, 'could not store the trading halt; trading stays halted in memory');
      },
    },
    clock,
  );
  // A read that raced a newer message (a resume published while it ran) must not undo it.
  let stateMessages = 0;
  const loadHaltState = async () => {
    const seen = stateMessages;
    try {
      const state = await repos.tradingHalts.current();
      if (seen === stateMessages) halts.apply(state, true);
    } catch (err) {
      log.error({ err }, 'could not read the trading state');
    }
  };
  await loadHaltState();

  const regime = new RegimeService(
    {
      latestModel: (symbol, timeframe) => repos.regimes.latestModel(symbol, timeframe),
      bars: (symbol, timeframe) => deps.bars.get(symbol, timeframe),
    },
    engine.ENGINE_REGIME_SYMBOL.toUpperCase(),
    engine.ENGINE_REGIME_TIMEFRAME,
    log,
  );
  await regime.refresh();
  // A live benchmark bar advances the regime table before the next decision reads it.
  deps.bars.onAppend((series, index) => regime.onBarAppended(series, index));

  const sessions = { executionProviders: parseExecutionProviders(config.models.ENGINE_EXECUTION_PROVIDERS) };
  const models = new ModelCatalog(
    registryModelSource(repos, new LocalDirectoryArtifactStore(config.tracking.TRACKING_ARTIFACT_DIR)),
    {
      sessions,
      graceMs: engine.ENGINE_MODEL_GRACE_S * 1000,
      defaultCanaryPercent: engine.ENGINE_CANARY_PERCENT,
    },
    clock,
    log,
  );
  let bootstrapped = false;
  const bootstrap = async () => {
    try {
      await ensureBootstrapModels({
        registry: repos.registry,
        openTracking: () =>
          trackingClient({
            config: config.tracking,
            repository: repos.tracking,
            writer: 'engine-bootstrap',
            owner: 'system:engine-bootstrap',
            logger: log,
          }),
        withLock: advisoryLock(repos.db.pool, BOOTSTRAP_LOCK_KEY),
        log,
      });
      bootstrapped = true;
    } catch (err) {
      log.error({ err }, 'bootstrap model registration failed; retrying on the next poll');
    }
  };
  await bootstrap();
  await models.init();

  const events = await openDecisionEvents(
    deps.kafka,
    config.kafka.DECISION_EVENTS_TOPIC,
    config.events,
    deps.metrics,
    log,
  );
  const metrics = new DecisionMetrics(
    deps.metrics,
    {
      halted: () => halts.state === 'HALTED',
      active: () => models.active,
      swaps: () => models.stats.swaps,
    },
    clock,
    log,
  );
  const service = new DecisionService({
    features: deps.features,
    regime,
    models,
    risk: deps.risk,
    events: events.publisher,
    metrics,
    nextId: ulidFactory(clock),
    clock,
    faultCanaryDelayMs: engine.ENGINE_FAULT_CANARY_DELAY_MS,
    positionScale: engine.ENGINE_POSITION_SCALE,
    ...(deps.counterfactuals ? { counterfactuals: deps.counterfactuals } : {}),
    log,
  });

  const syncModels = () => {
    models.sync().catch((err: unknown) => log.error({ err }, 'model sync failed'));
  };
  let polling = false;
  const poll = setInterval(() => {
    if (polling) return;
    polling = true;
    void (async () => {
      if (!bootstrapped) await bootstrap();
      await models.sync().catch(() => undefined);
      await regime.refresh();
      await loadHaltState();
    })().finally(() => (polling = false));
  }, engine.ENGINE_MODEL_POLL_S * 1000);
  poll.unref();

  let stopping: Promise<void> | undefined;
  return {
    service,
    halts,
    models,
    regime,
    onMessage(channel, message) {
      // A stage move changes the sets; a rollout change the canary share (read with them).
      if (channel === channels.modelStageChanged || channel === channels.rolloutChanged) syncModels();
      else if (channel === channels.regimeChanged) void regime.refresh();
      else if (channel === channels.tradingState) {
        const parsed = parseState(message);
        stateMessages++;
        if (parsed) halts.apply(parsed);
        else log.warn({ message: message.slice(0, 200) }, 'ignored a malformed trading state message');
      }
    },
    onBarsUpdated(symbol, timeframe) {
      const ours = !symbol || symbol.toUpperCase() === regime.symbol;
      if (ours && (!timeframe || timeframe === regime.timeframe)) void regime.refresh();
    },
    async healthComponents() {
      return Promise.all([
        probe('models', async () => models.health()),
        probe('regime', async () => regime.health()),
        probe('trading', async () => {
          const s = halts.current;
          switch (s.state) {
            case 'ACTIVE':
              return `ACTIVE${halts.loaded ? '' : ' (state not read from the database yet)'}`;
            case 'HALTED':
              return `HALTED since ${s.since} by ${s.actor}: ${s.cause}`;
            case 'REDUCING':
              return `REDUCING since ${s.since} by ${s.actor}: ${s.cause}`;
            default:
              return assertNever(s.state);
          }
        }),
        probe('decision-events', async () => {
          const st = events.publisher.stats();
          const detail = `${st.sent} sent, ${st.unsent} unsent (${st.spilled} spilled), ${st.sendFailures} failed sends`;
          if (st.unsent > 0 && st.oldestUnsentAgeMs > 10_000)
            throw new Error(
              `Kafka has not acknowledged for ${Math.round(st.oldestUnsentAgeMs / 1000)} s; ${detail}`,
            );
          return events.spoolNote ? `${detail}; ${events.spoolNote}` : detail;
        }),
      ]);
    },
    healthReport() {
      const active = models.active;
      const arm = (a: ArmModels | null) => (a ? { versions: a.versions, labels: a.labels } : null);
      return {
        models: {
          source: active.source,
          since: active.since,
          executionProvider: active.production.set.provider,
          providerFallbacks: active.production.set.fallbacks,
          canaryPercent: active.canaryPercent,
          canaryPercentSource: active.canaryPercentSource,
          production: arm(active.production),
          canary: arm(active.canary),
          shadow: arm(active.shadow),
        },
        regime: { ...regime.table.source, lastBarTime: regime.table.lastBarTime },
        trading: halts.current,
        ...(engine.ENGINE_FAULT_CANARY_DELAY_MS > 0
          ? { faults: { canaryDelayMs: engine.ENGINE_FAULT_CANARY_DELAY_MS } }
          : {}),
      };
    },
    stop() {
      stopping ??= (async () => {
        clearInterval(poll);
        halts.stop();
        await events.close();
        models.stop();
      })();
      return stopping;
    },
  };
}

function parseState(message: string): TradingStatus | null {
  try {
    const parsed = tradingStatus.safeParse(JSON.parse(message));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
