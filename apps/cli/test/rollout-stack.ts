// The platform a rollout runs on, as deployed: an engine and a workers process (bars persister,
// outcome ledger, rollout controller) on a fresh database holding the real daily bars, a
// registry with the bootstrap set in production and candidate sets registered from parameters,
// and `tradeplane replay`'s driver as the trading client. What the rollout integration test
// and bench:rollout share.
import { randomUUID } from 'node:crypto';
import { modelLabel } from '@tradeplane/contracts';
import type { Repositories, RolloutRecord } from '@tradeplane/db';
import {
  DEFAULT_SPECIALIST_PARAMS,
  DECISION_MODEL_NAMES,
  encodeOnnxModel,
  META_CONTROLLER_NAME,
  specialistGraph,
  specialistSignature,
  startRollout,
  type SpecialistName,
  type SpecialistParamsByName,
  type StartRolloutInput,
} from '@tradeplane/models';
import { createQueueConnection, KafkaAdapter, loadConfig } from '@tradeplane/platform';
import { trackingClient, trackingConfigSchema } from '@tradeplane/tracking';
import {
  createApiKey,
  decisionEnv,
  freshDatabase,
  healthz,
  importDaily,
  openRepos,
  removeDecisionEnv,
  waitFor,
} from '../../../test/decision-stack';
import { startProcess, startWorkersProcess, type RunningProcess } from '../../../test/processes';
import { testEnv } from '../../../test/stack';
import { httpEngineClient, type EngineClient } from '../src/replay/engine-client';
import { runReplay, type ReplayOptions, type ReplayRun, type StoredBars } from '../src/replay/replay-driver';

/** Ten of the 20 stocks with history over the whole span (no listing holes). */
export const ROLLOUT_SYMBOLS = ['AAPL', 'AMZN', 'GE', 'AMD', 'WMT', 'BAC', 'T', 'XOM', 'PFE', 'JPM'];

/**
 * Trading cost of the ledger and the paper book, bp per unit of turnover. On these stocks the
 * bootstrap set and its negation earn the same gross within noise (the paired gross difference
 * has a mean under 1 bp and a spread near 18 bp per decision: tens of thousands of decisions to
 * tell them apart), so a replay tells sets apart by what they pay to trade: a realistic cost
 * for a small book in these names, large enough that turnover shows.
 */
export const ROLLOUT_COST_BPS = 25;

/** Specialist parameters that differ from the bootstrap's, by name: a candidate set. */
export type CandidateParams = Partial<SpecialistParamsByName>;

/**
 * Worse by construction: the bootstrap momentum with yesterday's move added to its trend, so
 * every position swings around the incumbent's with the sign of the last bar. Daily stock
 * returns carry no edge a day ahead, so the swing earns nothing on average while the turnover
 * of reversing it pays ROLLOUT_COST_BPS on about every other bar: on the same opportunities
 * the candidate nets less, and the difference is mostly the cost (a small spread to beat).
 */
export const CHURNER: CandidateParams = {
  momentum: {
    ...DEFAULT_SPECIALIST_PARAMS.momentum,
    returnWeights: { ...DEFAULT_SPECIALIST_PARAMS.momentum.returnWeights, logReturn1: 0.5 },
  },
};

/**
 * Breaks the risk limits by construction: momentum and defensive pinned at fully long, so every
 * symbol asks for the largest position and the basket for 2.5× the gross exposure allowed. On a
 * book the incumbent has brought to a limit, its additions are refused where the incumbent's
 * proposal passes.
 */
export const ALWAYS_LONG: CandidateParams = {
  momentum: { ...DEFAULT_SPECIALIST_PARAMS.momentum, returnWeights: {}, macdWeight: 0, bias: 5 },
  defensive: { drawdownWeight: 0, volWeight: 0, calmVol: 0.01, bias: 5, maxSignal: 1 },
};

/** The bootstrap momentum with a small bias: a retrain that moved little. */
export const nearIncumbent = (bias: number): CandidateParams => ({
  momentum: { ...DEFAULT_SPECIALIST_PARAMS.momentum, bias },
});

export interface RolloutStack {
  repos: Repositories;
  env: Record<string, string>;
  readonly engine: RunningProcess;
  readonly workers: RunningProcess;
  apiKey: string;
  readonly client: EngineClient;
  /** Stops the engine cleanly and starts it again with `extraEnv` added (a fault drill, say). */
  restartEngine(extraEnv: Record<string, string>): Promise<void>;
  /** Kills the workers process (SIGKILL: no clean stop, the lease is left to expire) and starts it again. */
  killAndRestartWorkers(): Promise<void>;
  /** Registers the specialists of `params` as new versions (a tracked run with their ONNX files). */
  registerCandidate(label: string, params: CandidateParams): Promise<StartRolloutInput['candidate']>;
  /** Publishes a rollout change on the queue Redis, as the gateway does after an action. */
  announce(channel: string, message: unknown): void;
  /** Starts a rollout as a pm would (the service the gateway calls). */
  start(
    candidate: StartRolloutInput['candidate'],
    plan: StartRolloutInput['plan'],
    reason: string,
  ): Promise<RolloutRecord>;
  /** A replay of `symbols` over [fromMs, toMs] as `tradeplane replay --speed max` plays it. */
  replay(
    options: Pick<ReplayOptions, 'fromMs' | 'toMs'> & Partial<ReplayOptions>,
    signal?: AbortSignal,
  ): Promise<ReplayRun>;
  /** The production set the engine serves now, as a model label. */
  servedProduction(): Promise<string>;
  stop(): Promise<void>;
}

/** Starts engine and workers on a fresh database `database`; the envs are added to theirs. */
export async function startRolloutStack(
  database: string,
  options: { engineEnv?: Record<string, string>; workersEnv?: Record<string, string> } = {},
): Promise<RolloutStack> {
  const run = `${database}-${Date.now()}`;
  const url = await freshDatabase(database);
  const repos = openRepos(url);
  await importDaily(repos, ['daily/spy_prices.csv', 'daily/stock_prices.csv']);
  const apiKey = await createApiKey(repos, 'rollout test');
  const topics = {
    decisions: `decisions-${run}`,
    marketData: `market-data-${run}`,
  };
  const dlqs = [`${topics.decisions}.outcomes.dlq`, `${topics.marketData}.dlq`];
  const kafka = new KafkaAdapter(testEnv.KAFKA_BROKERS!, `${run}-setup`);
  const partitions = await kafka.partitionCount('decisions');
  for (const topic of Object.values(topics)) await kafka.createTopic(topic, { partitions });
  for (const topic of dlqs) await kafka.createTopic(topic);
  const env = await decisionEnv(url, topics.decisions, {
    MARKET_DATA_TOPIC: topics.marketData,
    ENGINE_INSTANCE_ID: run,
    ENGINE_MODEL_POLL_S: '30',
    LEAKAGE_SAMPLE_RATE: '0',
  });
  const workersEnv = {
    ...env,
    MARKET_DATA_PERSISTER_ENABLED: 'true',
    MARKET_DATA_GROUP_ID: `${run}-persister`,
    MARKET_DATA_DLQ_TOPIC: dlqs[1]!,
    OUTCOMES_ENABLED: 'true',
    OUTCOME_GROUP_ID: `${run}-outcomes`,
    OUTCOME_DLQ_TOPIC: dlqs[0]!,
    OUTCOME_SWEEP_S: '1',
    // The ledger books at the paper book's cost, so the controller judges what the replay trades.
    OUTCOME_COST_BPS: String(ROLLOUT_COST_BPS),
    ROLLOUT_CONTROLLER_ENABLED: 'true',
    ROLLOUT_TICK_MS: '250',
    ROLLOUT_SNAPSHOT_EVERY_MS: '2000',
    ROLLOUT_LEASE_MS: '3000',
    ...options.workersEnv,
  };
  const startEngineProcess = (extra: Record<string, string>) =>
    startProcess(
      'packages/engine/src/main.ts',
      'ENGINE_PORT',
      { ...env, ...options.engineEnv, ...extra },
      120_000,
    );
  let [engine, workers] = await Promise.all([startEngineProcess({}), startWorkersProcess(workersEnv)]);
  let client = httpEngineClient(engine.url, apiKey);
  const served = async (arm: string): Promise<Record<string, number> | null> => {
    const models = (await healthz(engine.url)).models as Record<
      string,
      { versions?: Record<string, number> } | null
    >;
    return models?.[arm]?.versions ?? null;
  };
  // The engine registers the bootstrap set at its first start and serves it from the registry.
  await waitFor(async () => (await served('production'))?.[META_CONTROLLER_NAME] === 1, 120_000, 100);
  const storedBars: StoredBars = async (symbols, tf) =>
    (await repos.bars.loadUniverseColumns(symbols, tf)).series;
  const actor = { by: 'pm@rollout.test', auditActor: 'user:rollout-test' };
  // Rollouts are started here as the gateway starts them: announced on the queue Redis, so the
  // engine loads the candidate at once.
  const redis = createQueueConnection(env.REDIS_QUEUE_URL!);
  redis.on('error', () => undefined);
  const announce = (channel: string, message: unknown) => {
    void redis.publish(channel, JSON.stringify(message)).catch(() => undefined);
  };
  let replays = 0;

  const serving = () => waitFor(async () => (await served('production')) !== null, 120_000, 100);
  await serving();
  return {
    repos,
    env,
    get engine() {
      return engine;
    },
    get workers() {
      return workers;
    },
    apiKey,
    get client() {
      return client;
    },
    async restartEngine(extraEnv) {
      await engine.stop();
      engine = await startEngineProcess(extraEnv);
      client = httpEngineClient(engine.url, apiKey);
      await serving();
    },
    async killAndRestartWorkers() {
      workers.child.kill('SIGKILL');
      await new Promise((resolve) => workers.child.once('exit', resolve));
      workers = await startWorkersProcess(workersEnv);
    },
    async registerCandidate(label, params) {
      const tracking = await trackingClient({
        config: loadConfig(trackingConfigSchema, env),
        repository: repos.tracking,
        writer: `rollout-${randomUUID()}`,
        owner: actor.by,
      });
      const { runId } = await tracking.startRun({
        experiment: 'rollout-candidates',
        name: label,
        tags: { label },
      });
      const names = Object.keys(params) as SpecialistName[];
      for (const name of names) {
        const bytes = encodeOnnxModel({ graph: specialistGraph(name, params[name]! as never) });
        await tracking.logArtifact(runId, `models/${name}.onnx`, bytes, 'application/onnx');
      }
      await tracking.endRun(runId);
      await tracking.close();
      const candidate: { name: string; version: number }[] = [];
      for (const name of names) {
        const version = await repos.registry.registerVersion(
          {
            modelName: name,
            runId,
            artifactPath: `models/${name}.onnx`,
            signature: specialistSignature,
            metrics: {},
          },
          actor,
        );
        candidate.push({ name, version: version.version });
      }
      return candidate;
    },
    announce,
    start(candidate, plan, reason) {
      return startRollout({ repos, announce }, { candidate, plan, reason }, actor);
    },
    replay(o, signal) {
      replays++;
      return runReplay(
        {
          symbols: ROLLOUT_SYMBOLS,
          timeframe: '1d',
          speed: 'max',
          costBps: ROLLOUT_COST_BPS,
          portfolioId: `paper-${run}-${replays}`,
          ledgerWaitMs: 120_000,
          ...o,
        },
        { engine: client, storedBars, ledger: repos.outcomes, signal },
      );
    },
    async servedProduction() {
      return modelLabel((await served('production')) ?? {});
    },
    async stop() {
      await workers.stop();
      await engine.stop();
      for (const topic of [...Object.values(topics), ...dlqs])
        await kafka.deleteTopic(topic).catch(() => undefined);
      await kafka.close();
      await repos.db.close();
      redis.disconnect();
      await removeDecisionEnv(env);
    },
  };
}

/** The label of the incumbent (the bootstrap set, version 1 of every decision model). */
export const BOOTSTRAP_LABEL_V1 = modelLabel(Object.fromEntries(DECISION_MODEL_NAMES.map((n) => [n, 1])));
