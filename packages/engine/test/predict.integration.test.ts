import { randomUUID } from 'node:crypto';
import { channels, decisionEvent, predictResponse, type TradingStatus } from '@tradeplane/contracts';
import type { Repositories } from '@tradeplane/db';
import { createLogger, createQueueConnection, KafkaAdapter, type ConsumedEvent } from '@tradeplane/platform';
import {
  featureVectorAt,
  forwardFilter,
  regimeObservations,
  regimeProbabilities,
  smoothRegimeProbabilities,
} from '@tradeplane/quant';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAND_SET_HMM, HAND_SET_HMM_LABELS, storeHandSetRegimeModel } from '../../../test/regime-fixture';
import { testEnv } from '../../../test/stack';
import { loadEngineConfig, startEngine, type RunningEngine } from '../src';
import { BOOTSTRAP_DESCRIPTION, BOOTSTRAP_EXPERIMENT } from '@tradeplane/models';
import {
  component,
  createApiKey,
  decisionEnv,
  freshDatabase,
  healthz,
  importDaily,
  openRepos,
  predict,
  removeDecisionEnv,
  waitFor,
} from '../../../test/decision-stack';

const TOPIC = `decisions-test-${Date.now()}`;
const NAMES = ['momentum', 'mean-reversion', 'defensive', 'meta-controller'];
const redis = createQueueConnection(testEnv.REDIS_QUEUE_URL!);
const kafka = new KafkaAdapter(testEnv.KAFKA_BROKERS!, 'predict-test');
const consumed = new Map<string, string>();
let repos: Repositories;
let databaseUrl: string;
let engine: RunningEngine;
let apiKey: string;
let stopConsumer: () => Promise<void> = async () => undefined;
const envs: Array<Record<string, string>> = [];
const env = async (extra: Record<string, string> = {}) => {
  const e = await decisionEnv(databaseUrl, TOPIC, extra);
  envs.push(e);
  return e;
};

const body = {
  symbols: ['SPY', 'AAPL'],
  timeframe: '1d',
  asOf: '2018-03-01T21:00:00Z',
  portfolio: { SPY: 0.1, JPM: 0.05 },
};

async function setTradingState(state: TradingStatus) {
  await redis.publish(channels.tradingState, JSON.stringify(state));
}

beforeAll(async () => {
  databaseUrl = await freshDatabase('tradeplane_test_predict');
  repos = openRepos(databaseUrl);
  await importDaily(repos, ['daily/spy_prices.csv', 'daily/stock_prices.csv']);
  apiKey = await createApiKey(repos, 'predict test');
  await kafka.createTopic(TOPIC);
  const consumer = await kafka.consume({
    groupId: `predict-test-${randomUUID()}`,
    topics: [TOPIC],
    fromBeginning: true,
    async handleBatch(events: ConsumedEvent[]) {
      for (const e of events) if (e.key && e.value) consumed.set(e.key, e.value);
    },
  });
  stopConsumer = () => consumer.stop();
  engine = await startEngine(
    loadEngineConfig(await env({ ENGINE_MODEL_POLL_S: '1', LEAKAGE_SAMPLE_RATE: '0' })),
    createLogger('engine-test', 'silent'),
  );
  // The risk model builds in the background after start.
  await waitFor(async () => component(await healthz(engine.url), 'risk-model').state === 'up', 60_000, 100);
});

afterAll(async () => {
  await engine?.stop();
  await stopConsumer();
  await kafka.deleteTopic(TOPIC).catch(() => undefined);
  await kafka.close();
  redis.disconnect();
  await repos?.db.close();
  for (const e of envs) await removeDecisionEnv(e);
});

describe('bootstrap models', () => {
  it('registers version 1 of each model in production, labelled bootstrap, from a tracked run', async () => {
    for (const name of NAMES) {
      const model = await repos.registry.getModel(name);
      expect(model?.versions).toHaveLength(1);
      expect(model!.versions[0]).toMatchObject({
        version: 1,
        stage: 'production',
        description: BOOTSTRAP_DESCRIPTION,
        createdBy: 'system:engine-bootstrap',
      });
      const run = await repos.runQueries.getRun(model!.versions[0]!.runId!);
      expect(run).toMatchObject({ experimentName: BOOTSTRAP_EXPERIMENT, tags: { label: 'bootstrap' } });
      const artifacts = await repos.runQueries.artifacts(run!.id);
      expect(artifacts.map((a) => a.path)).toContain(`models/${name}.onnx`);
    }
    const audit = await repos.audit.recent(50);
    expect(
      audit.filter((a) => a.actor === 'system:engine-bootstrap' && a.action === 'model.stage'),
    ).toHaveLength(4);

    const health = await healthz(engine.url);
    expect(component(health, 'models')).toMatchObject({ state: 'up' });
    expect(component(health, 'models').detail).toContain('momentum@1 (bootstrap)');
    expect(health.models).toMatchObject({
      source: 'registry',
      executionProvider: 'cpu',
      production: { versions: { momentum: 1, 'meta-controller': 1 }, labels: { momentum: 'bootstrap' } },
      canary: null,
      shadow: null,
    });
  });

  it('does nothing more when a second engine starts on the same registry', async () => {
    const second = await startEngine(loadEngineConfig(await env()), createLogger('engine-test-2', 'silent'));
    await second.stop();
    for (const name of NAMES) expect((await repos.registry.getModel(name))!.versions).toHaveLength(1);
  });
});

describe('POST /api/v1/predict', () => {
  it('answers with the decision: targets, regime, confidence, risk, versions and timings', async () => {
    const { status, body: d } = await predict(engine.url, body, apiKey);
    expect(status).toBe(200);
    expect(predictResponse.safeParse(d).success).toBe(true);
    expect(d.tradingState).toBe('ACTIVE');
    expect(d.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(d.requestKey).toBe(`SPY,AAPL|1d|${Date.parse(body.asOf)}`);
    expect(d.models).toEqual({
      arm: 'production',
      versions: { momentum: 1, 'mean-reversion': 1, defensive: 1, 'meta-controller': 1 },
      labels: {
        momentum: 'bootstrap',
        'mean-reversion': 'bootstrap',
        defensive: 'bootstrap',
        'meta-controller': 'bootstrap',
      },
    });
    expect(d.shadow).toBeNull();
    expect(d.targets.map((t: any) => t.symbol)).toEqual(['SPY', 'AAPL']);
    for (const t of d.targets) {
      expect(Date.parse(t.barTime)).toBeLessThanOrEqual(Date.parse(body.asOf));
      expect(t.specialists.map((s: any) => s.weight).reduce((a: number, b: number) => a + b)).toBeCloseTo(
        1,
        6,
      );
      expect(Math.abs(t.proposedWeight)).toBeLessThanOrEqual(0.25);
      expect(t.featuresComplete).toBe(true);
    }
    expect(d.targets[0].currentWeight).toBe(0.1);
    expect(d.risk.rules.map((r: any) => r.rule)).toEqual([
      'concentration',
      'symbol_limit',
      'gross_exposure',
      'net_exposure',
      'var',
      'correlation_cluster',
    ]);
    for (const k of ['featuresMs', 'regimeMs', 'modelsMs', 'riskMs', 'totalMs'])
      expect(d.timings[k]).toEqual(expect.any(Number));
    expect(d.timings.totalMs).toBeGreaterThan(0);

    // The features are the point-in-time vector the features endpoint serves.
    const instrument = (await repos.instruments.findBySymbol('SPY'))!;
    const bars = await repos.bars.loadColumns(instrument.id, '1d', Date.parse(body.asOf));
    expect(d.targets[0].features).toEqual(featureVectorAt(bars, bars.ts.length - 1));
  });

  it('requires an API key and POST', async () => {
    expect((await predict(engine.url, body, null)).status).toBe(401);
    expect((await predict(engine.url, body, 'tp_key_wrong')).body.error.code).toBe('UNAUTHENTICATED');
    expect((await predict(engine.url, undefined, apiKey, 'GET')).status).toBe(405);
  });

  it('answers 400 naming the bad field, 404 for an unknown symbol or no data', async () => {
    const field = async (b: unknown) => {
      const r = await predict(engine.url, b, apiKey);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('INVALID_PARAMETER');
      return r.body.error.field;
    };
    expect(await field({ ...body, timeframe: '2d' })).toBe('timeframe');
    expect(await field({ ...body, symbols: ['SPY', 'B A D'] })).toBe('symbols[1]');
    expect(await field({ ...body, asOf: 'soon' })).toBe('asOf');
    expect(await field({ ...body, portfolio: { SPY: '10%' } })).toBe('portfolio.SPY');
    expect(await field({ timeframe: '1d' })).toBe('symbols');
    expect(await field('not json')).toBe('body');

    const unknown = await predict(engine.url, { ...body, symbols: ['SPY', 'NOPE'] }, apiKey);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'UNKNOWN_SYMBOL', field: 'symbols[1]' });
    const early = await predict(engine.url, { ...body, asOf: '1980-01-01' }, apiKey);
    expect(early.status).toBe(404);
    expect(early.body.error.code).toBe('NO_DATA');
  });

  it('publishes each decision to Kafka after answering, keyed by its id, as a versioned event', async () => {
    const { body: d } = await predict(engine.url, { ...body, requestKey: 'kafka-check' }, apiKey);
    const value = await waitFor(() => consumed.get(d.id), 30_000);
    // The event is the response's decision with its schema version, less the trading state.
    const { tradingState, ...decision } = d;
    expect(tradingState).toBe('ACTIVE');
    expect(JSON.parse(value)).toEqual({ schemaVersion: 1, ...decision });
    expect(decisionEvent.safeParse(JSON.parse(value)).success).toBe(true);
  });
});

describe('regime probabilities', () => {
  it('are uniform, and say why, while no regime model is stored; then come from the stored model', async () => {
    const before = await predict(engine.url, body, apiKey);
    expect(before.body.regime).toEqual({ bull: 1 / 3, bear: 1 / 3, sideways: 1 / 3 });
    expect(before.body.regimeSource).toMatchObject({
      model: null,
      note: expect.stringContaining('no regime model'),
    });

    // A hand-set 3-state HMM, stored as the fit job stores one.
    const params = HAND_SET_HMM;
    const labels = HAND_SET_HMM_LABELS;
    const { version, bars: all } = await storeHandSetRegimeModel(repos, 'SPY');
    await redis.publish(channels.regimeChanged, JSON.stringify({ modelVersion: version, symbol: 'SPY' }));
    await waitFor(async () => (await healthz(engine.url)).regime.model === version);

    const { body: d } = await predict(engine.url, body, apiKey);
    const i = all.ts.findLastIndex((t) => t <= Date.parse(body.asOf));
    expect(d.regimeSource).toEqual({
      model: version,
      symbol: 'SPY',
      barTime: new Date(all.ts[i]!).toISOString(),
      note: null,
      halfLife: 10,
    });
    // The served regime is the filter smoothed by the default half-life (the fixture stores
    // none); filtering and smoothing only the bars up to asOf gives the same (both are causal).
    const prefix = regimeObservations(all.close.subarray(0, i + 1), 20).obs;
    const filtered = regimeProbabilities(forwardFilter(prefix, params), [...labels]);
    const expected = smoothRegimeProbabilities(filtered, 10).at(-1)!;
    expect(d.regime.bull).toBeCloseTo(expected.bull, 10);
    expect(d.regime.bear).toBeCloseTo(expected.bear, 10);
    expect(d.regime.sideways).toBeCloseTo(expected.sideways, 10);
  });
});

describe('trading halt', () => {
  it('answers 503 halted with the cause after a halt on the repository and Redis; 200 after the resume', async () => {
    const { state } = await repos.tradingHalts.halt('manual: exchange outage', 'user:test-pm');
    await setTradingState(state);
    const halted = await waitFor(async () => {
      const r = await predict(engine.url, body, apiKey);
      return r.status === 503 ? r : null;
    });
    expect(halted.body).toMatchObject({
      error: { code: 'HALTED', cause: 'manual: exchange outage' },
      state: 'HALTED',
      halted: true,
      cause: 'manual: exchange outage',
      actor: 'user:test-pm',
    });
    expect(component(await healthz(engine.url), 'trading').detail).toContain('HALTED');

    const resumed = await repos.tradingHalts.resume('user:test-pm', 'outage over');
    await setTradingState(resumed.state);
    await waitFor(async () => (await predict(engine.url, body, apiKey)).status === 200);
  });

  it('picks up a halt written without a message on its poll', async () => {
    await repos.tradingHalts.halt('manual: poll check', 'user:test-pm');
    await waitFor(async () => (await predict(engine.url, body, apiKey)).status === 503, 10_000, 100);
    await repos.tradingHalts.resume('user:test-pm', 'done');
    await waitFor(async () => (await predict(engine.url, body, apiKey)).status === 200, 10_000, 100);
  });

  it('halts at once on a leakage alarm, then stores, audits and publishes the halt', async () => {
    const messages: TradingStatus[] = [];
    const listener = createQueueConnection(testEnv.REDIS_QUEUE_URL!);
    await listener.subscribe(channels.tradingState);
    listener.on('message', (_c, m) => messages.push(JSON.parse(m) as TradingStatus));

    // The monitor's alarm path: a served vector that differs from the full-history value.
    const series = await engine.bars.get('SPY', '1d');
    const index = series.bars.ts.length - 100;
    const served = featureVectorAt(series.bars, index);
    const alarms = engine.leakage.check(series, index, {
      ...served,
      drawdown: (served.drawdown ?? 0) + 0.05,
    });
    expect(alarms.map((a) => a.feature)).toEqual(['drawdown']);

    // The alarm set the flag synchronously: the very next request is refused.
    const r = await predict(engine.url, body, apiKey);
    expect(r.status).toBe(503);
    expect(r.body.cause).toMatch(/^leakage: drawdown of SPY 1d/);
    expect(r.body.actor).toBe('engine:leakage-monitor');

    const stored = await waitFor(async () => {
      const s = await repos.tradingHalts.current();
      return s.state === 'HALTED' ? s : null;
    });
    expect(stored).toMatchObject({ actor: 'engine:leakage-monitor', cause: r.body.cause });
    const audit = await waitFor(async () =>
      (await repos.audit.recent(20)).find(
        (a) => a.action === 'trading.halt' && a.actor === 'engine:leakage-monitor',
      ),
    );
    expect(audit.reason).toBe(r.body.cause);
    await waitFor(() => messages.some((m) => m.state === 'HALTED' && m.actor === 'engine:leakage-monitor'));
    listener.disconnect();

    const resumed = await repos.tradingHalts.resume('user:test-admin', 'leak explained: test');
    await setTradingState(resumed.state);
    await waitFor(async () => (await predict(engine.url, body, apiKey)).status === 200);
  });
});
