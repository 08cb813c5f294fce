// Live bars through the real stack: POST /api/v1/bars on the engine → Kafka (a private
// market-data topic) → the workers' bars persister → `bars`; and the engine's own consumer
// of the topic. Failure modes provoked:
//   - Kafka stopped while bars are posted: POST keeps answering, decisions see the new bars
//     at once, and once Kafka is back every bar is stored exactly once (rows counted);
//   - a bar that arrives late or twice (via POST and as a raw Kafka message): the engine's
//     features and the stored bars are unchanged, and each is counted.
// The bars are real: the last four weeks of four stocks of ../shared/data, removed from the
// imported history and then played in as live bars.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { marketDataEventFromBar, type MarketBar } from '@tradeplane/contracts';
import type { Repositories } from '@tradeplane/db';
import { loadEngineConfig, startEngine, type RunningEngine } from '@tradeplane/engine';
import { createLogger, createMetricsRegistry, KafkaAdapter } from '@tradeplane/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  type Json,
} from '../../../test/decision-stack';
import { repoRoot, stack, testEnv } from '../../../test/stack';
import { loadWorkersConfig } from '../src/config';
import { BarsStoredSignal, type BarsStored } from '../src/market-data/bars-stored';
import { startBarsPersister, type RunningBarsPersister } from '../src/market-data/start-bars-persister';

const RUN = Date.now();
const TOPIC = `market-data-test-${RUN}`;
const DLQ_TOPIC = `market-data-test-${RUN}.dlq`;
const SYMBOLS = ['AAPL', 'JPM', 'XOM', 'WMT'];
/** Bars from here on are removed after the import and posted live (20 trading days). */
const LIVE_FROM = Date.UTC(2018, 2, 14);

const kafka = new KafkaAdapter(testEnv.KAFKA_BROKERS!, 'market-data-test');
let kafkaStopped = false;
let repos: Repositories | undefined;
let env: Record<string, string> | undefined;
let engine: RunningEngine | undefined;
let persister: RunningBarsPersister | undefined;
let apiKey: string;
const instrumentIds = new Map<string, number>();
/** The removed bars, per trading day (each day: one bar per symbol), oldest first. */
const days: MarketBar[][] = [];
const signals: BarsStored[] = [];

async function kafkaStack(action: 'up' | 'down'): Promise<void> {
  if (action === 'down') kafkaStopped = true;
  await promisify(execFile)('bash', [path.join(repoRoot, 'infra/stack.sh'), action, 'kafka'], {
    timeout: 120_000,
  });
  if (action === 'up') kafkaStopped = false;
}

async function postBars(body: unknown): Promise<{ status: number; body: Record<string, Json> }> {
  const res = await fetch(`${engine!.url}/api/v1/bars`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, Json> };
}

async function features(symbol: string, asOf: number): Promise<Record<string, Json>> {
  const res = await fetch(
    `${engine!.url}/api/v1/features/${symbol}/1d?asOf=${new Date(asOf).toISOString()}`,
    { headers: { 'x-api-key': apiKey } },
  );
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, Json>;
}

/** Stored bars of the live window, all four series together. */
async function storedLiveBars(): Promise<number> {
  let n = 0;
  for (const id of instrumentIds.values()) n += await repos!.bars.count(id, '1d', { fromMs: LIVE_FROM });
  return n;
}

const wire = (bar: MarketBar) => ({ ...bar, ts: new Date(bar.ts).toISOString() });

beforeAll(async () => {
  const databaseUrl = await freshDatabase('tradeplane_test_market_data');
  repos = openRepos(databaseUrl);
  await importDaily(repos, ['daily/spy_prices.csv', 'daily/stock_prices.csv']);
  apiKey = await createApiKey(repos, 'market data test');
  const byDay = new Map<number, MarketBar[]>();
  for (const symbol of SYMBOLS) {
    const id = (await repos.instruments.findBySymbol(symbol))!.id;
    instrumentIds.set(symbol, id);
    const cols = await repos.bars.loadColumns(id, '1d');
    for (let i = 0; i < cols.ts.length; i++) {
      if (cols.ts[i]! < LIVE_FROM) continue;
      const bar: MarketBar = {
        symbol,
        timeframe: '1d',
        ts: cols.ts[i]!,
        open: cols.open[i]!,
        high: cols.high[i]!,
        low: cols.low[i]!,
        close: cols.close[i]!,
        volume: cols.volume && !Number.isNaN(cols.volume[i]!) ? cols.volume[i]! : null,
      };
      byDay.set(bar.ts, [...(byDay.get(bar.ts) ?? []), bar]);
    }
  }
  days.push(...[...byDay.entries()].sort((a, b) => a[0] - b[0]).map(([, bars]) => bars));
  expect(days.length).toBe(20);
  expect(days.every((d) => d.length === SYMBOLS.length)).toBe(true);
  await repos.db.pool.query(
    `DELETE FROM bars WHERE instrument_id = ANY($1::int[]) AND timeframe = '1d' AND ts >= to_timestamp($2 / 1000.0)`,
    [[...instrumentIds.values()], LIVE_FROM],
  );

  const partitions = await kafka.partitionCount('decisions');
  expect(await kafka.createTopic(TOPIC, { partitions })).toBe(true);
  expect(await kafka.createTopic(DLQ_TOPIC)).toBe(true);
  env = await decisionEnv(databaseUrl, `decisions-market-data-test-${RUN}`, {
    MARKET_DATA_TOPIC: TOPIC,
    ENGINE_MODEL_POLL_S: '30',
    LEAKAGE_SAMPLE_RATE: '0',
  });
  await kafka.createTopic(env.DECISION_EVENTS_TOPIC!, { partitions });
  const log = createLogger('market-data-test', 'silent');
  engine = await startEngine(loadEngineConfig(env), log);
  const workersConfig = loadWorkersConfig({
    ...env,
    MARKET_DATA_GROUP_ID: `market-data-test-${RUN}`,
    MARKET_DATA_DLQ_TOPIC: DLQ_TOPIC,
  });
  const stored = new BarsStoredSignal();
  stored.on((s) => signals.push(...s));
  persister = startBarsPersister({
    config: workersConfig,
    repos,
    stored,
    metrics: createMetricsRegistry('workers-test'),
    log,
  });
  const url = engine.url;
  await waitFor(async () => component(await healthz(url), 'risk-model').state === 'up', 60_000, 100);
  await waitFor(() => engine!.marketData.consumer.joined, 60_000, 100);
}, 240_000);

afterAll(async () => {
  try {
    if (kafkaStopped) stack('up', 'kafka');
  } finally {
    await persister?.stop();
    await engine?.stop();
    for (const topic of [TOPIC, DLQ_TOPIC, env?.DECISION_EVENTS_TOPIC])
      if (topic) await kafka.deleteTopic(topic).catch(() => undefined);
    await kafka.close();
    await repos?.db.close();
    await removeDecisionEnv(env);
  }
}, 180_000);

describe('live bars while Kafka is down', () => {
  it(
    'are accepted and decided on at once, and stored exactly once after Kafka is back',
    { timeout: 360_000 },
    async () => {
      expect(await storedLiveBars()).toBe(0);
      // Five days with Kafka up, as one batch (each day's bars together, days in order).
      const first = await postBars({ bars: days.slice(0, 5).flat().map(wire) });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ accepted: 20, duplicates: 0 });
      await waitFor(async () => (await storedLiveBars()) === 20, 30_000, 100);

      await kafkaStack('down');
      for (const day of days.slice(5, 15)) {
        const posted = await postBars({ bars: day.map(wire) });
        expect(posted.status).toBe(200);
        expect(posted.body.accepted).toBe(SYMBOLS.length);
        // The engine decides on the new bar straight away, from its own series.
        const asOf = day[0]!.ts;
        const decision = await predict(engine!.url, { symbols: SYMBOLS, timeframe: '1d', asOf }, apiKey);
        expect(decision.status).toBe(200);
        expect((await features('AAPL', asOf)).barTime).toBe(new Date(asOf).toISOString());
      }
      const during = component(await healthz(engine!.url), 'market-data');
      expect(during.detail).toMatch(/[1-9]\d* unsent/);
      expect(await storedLiveBars()).toBe(20);
      await kafkaStack('up');

      for (const day of days.slice(15)) expect((await postBars({ bars: day.map(wire) })).status).toBe(200);
      await waitFor(async () => (await storedLiveBars()) === 80, 120_000, 250);
      // Nothing extra arrives later either.
      await new Promise((r) => setTimeout(r, 2_000));
      expect(await storedLiveBars()).toBe(80);
      expect(persister!.persister.stats).toMatchObject({ inserted: 80, late: 0, dead_lettered: 0 });
      for (const symbol of SYMBOLS) {
        const cols = await repos!.bars.loadColumns(instrumentIds.get(symbol)!, '1d');
        const live = days.map((d) => d.find((b) => b.symbol === symbol)!);
        expect(Array.from(cols.close.slice(-20))).toEqual(live.map((b) => b.close));
        expect(Array.from(cols.ts.slice(-20))).toEqual(live.map((b) => b.ts));
      }
      expect(new Set(signals.map((s) => s.symbol))).toEqual(new Set(SYMBOLS));
      // The engine's own bars came back through its consumer and changed nothing.
      await waitFor(() => engine!.marketData.consumer.stats.duplicate > 0, 30_000, 100);
      expect(engine!.marketData.consumer.stats).toMatchObject({ appended: 0, out_of_order: 0, malformed: 0 });
    },
  );
});

describe('a bar that arrives late or twice', () => {
  it('changes neither the features nor the stored bars, and is counted', { timeout: 120_000 }, async () => {
    const last = days.at(-1)!.find((b) => b.symbol === 'AAPL')!;
    const earlier = days[10]!.find((b) => b.symbol === 'AAPL')!;
    const before = await features('AAPL', last.ts);
    const storedBefore = await storedLiveBars();
    const consumed = { ...engine!.marketData.consumer.stats };
    const persisted = { ...persister!.persister.stats };

    const twice = await postBars(wire(last));
    expect(twice.status).toBe(200);
    expect(twice.body).toMatchObject({ accepted: 0, duplicates: 1, bars: [{ status: 'duplicate' }] });
    const late = await postBars(
      wire({ ...earlier, close: earlier.close * 1.01, high: earlier.close * 1.01 }),
    );
    expect(late.status).toBe(400);
    expect(late.body.error).toMatchObject({ code: 'STALE_BAR', field: 'ts' });

    // The same two as raw messages, as another producer would send them.
    const producer = kafka.producer();
    const raw = (bar: MarketBar) => ({
      key: bar.symbol,
      value: JSON.stringify(marketDataEventFromBar(bar, 'api', Date.now())),
    });
    await producer.send(TOPIC, [
      raw(last),
      raw({ ...earlier, close: earlier.close * 1.01, high: earlier.close * 1.01 }),
    ]);
    await producer.disconnect();
    await waitFor(
      () =>
        engine!.marketData.consumer.stats.out_of_order === consumed.out_of_order + 1 &&
        engine!.marketData.consumer.stats.duplicate === consumed.duplicate + 1,
      30_000,
      100,
    );
    await waitFor(
      () =>
        persister!.persister.stats.late === persisted.late + 1 &&
        persister!.persister.stats.duplicate === persisted.duplicate + 1,
      30_000,
      100,
    );
    expect(engine!.marketData.consumer.stats.appended).toBe(consumed.appended);
    expect(persister!.persister.stats.inserted).toBe(persisted.inserted);
    const after = await features('AAPL', last.ts);
    expect({ barTime: after.barTime, values: after.values }).toEqual({
      barTime: before.barTime,
      values: before.values,
    });
    expect(await storedLiveBars()).toBe(storedBefore);
    const cols = await repos!.bars.loadColumns(instrumentIds.get('AAPL')!, '1d');
    expect(cols.close[Array.from(cols.ts).indexOf(earlier.ts)]).toBe(earlier.close);
    const metrics = await fetch(`${engine!.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/tp_engine_market_data_bars_total\{[^}]*outcome="out_of_order"[^}]*\} [1-9]/);
  });
});
