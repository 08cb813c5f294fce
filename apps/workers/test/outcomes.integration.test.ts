/**
 * The outcome ledger on the real stack: a real engine (on real bars from ../shared/data)
 * publishes decisions to a private topic; the outcome consumer books them in PostgreSQL.
 *   - crash: the consumer (a child process, as deployed) is killed with SIGKILL in the middle
 *     of a few thousand decisions and restarted with the same group: afterwards exactly one
 *     row per decision × target × arm, none missing, none twice;
 *   - a decision whose next bar is not stored yet waits, and is recorded once when the bar
 *     arrives (the bars-stored signal and the sweep both run; it moves once);
 *   - a redelivered event changes nothing.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { channels, outcomeRecorded, type OutcomeRecorded } from '@tradeplane/contracts';
import type { Repositories } from '@tradeplane/db';
import type { RunningEngine } from '@tradeplane/engine';
import { runIngestion } from '@tradeplane/marketdata';
import { createLogger, createMetricsRegistry, createQueueConnection, type Redis } from '@tradeplane/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecisionConsumerStack } from '../../../test/decision-consumer-stack';
import { importDaily, predict, waitFor } from '../../../test/decision-stack';
import { sharedData, testEnv } from '../../../test/stack';
import { loadOutcomesConfig } from '../src/config';
import { BarsStoredSignal } from '../src/market-data/bars-stored';
import { startOutcomes } from '../src/outcomes/start-outcomes';

/** The consumer as deployed: `apps/workers/src/outcomes/main.ts` in its own process. */
const consumerStack = new DecisionConsumerStack({
  name: 'outcomes',
  main: 'apps/workers/src/outcomes/main.ts',
  label: 'outcome consumer',
  consumerEnv: ({ group, dlq }) => ({
    OUTCOME_GROUP_ID: group,
    OUTCOME_DLQ_TOPIC: dlq,
    OUTCOME_METRICS_PORT: '0',
  }),
});
const { topic: TOPIC, dlq: DLQ, group: GROUP, kafka, producer, children } = consumerStack;
const startConsumerProcess = () => consumerStack.startConsumerProcess();
const PORTFOLIO = `paper-outcomes-test-${Date.now()}`;
let repos: Repositories;
let redis: Redis;
let env: Record<string, string>;
let engine: RunningEngine;
let apiKey: string;
let dataDir: string;
/** SPY's real last two bars, held back from the import so a decision on the one before waits. */
let heldBack: { ts: number; close: number };

const SYMBOLS = ['AAPL', 'WMT', 'JPM', 'XOM', 'GE', 'BAC'];
const DATES = ['2008-10-10', '2012-06-01', '2015-08-24', '2017-06-30', '2018-02-05'];

function body(i: number) {
  const symbols = [SYMBOLS[i % SYMBOLS.length]!, SYMBOLS[(i + 2) % SYMBOLS.length]!];
  return {
    symbols,
    timeframe: '1d',
    asOf: `${DATES[i % DATES.length]}T21:00:00Z`,
    portfolio: { [symbols[0]!]: 0.05 },
    requestKey: `outcomes-test-${i}`,
    portfolioId: PORTFOLIO,
  };
}

async function rowCount(): Promise<number> {
  const { rows } = await repos.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM decision_outcomes');
  return Number(rows[0]!.n);
}

beforeAll(async () => {
  ({ repos, env, engine, apiKey } = await consumerStack.start(async (repos) => {
    await importDaily(repos, ['daily/stock_prices.csv']);
    // SPY without its last bar (2019-12-09): the bar "arrives" in the second test.
    const spy = (await readFile(path.join(sharedData, 'daily/spy_prices.csv'), 'utf8')).trimEnd().split('\n');
    const [date, close] = spy.at(-1)!.split(',');
    heldBack = { ts: Date.parse(`${date}T00:00:00Z`), close: Number(close) };
    dataDir = await mkdtemp(path.join(tmpdir(), 'tp-outcomes-test-'));
    const truncated = path.join(dataDir, 'spy_prices.csv');
    await writeFile(truncated, spy.slice(0, -1).join('\n') + '\n');
    const run = await repos.ingestionRuns.create(truncated, null);
    await runIngestion(repos, run.id, truncated);
  }));
  redis = createQueueConnection(testEnv.REDIS_QUEUE_URL ?? 'redis://127.0.0.1:56379');
}, 180_000);

afterAll(async () => {
  await consumerStack.stop();
  redis?.disconnect();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('outcome consumer', () => {
  it('books every decision × target × arm exactly once across a SIGKILL and restart mid-stream', async () => {
    const first = startConsumerProcess();
    const answered = new Map<string, number>(); // decision id → targets
    const total = 2_000;
    let killedAt = -1;
    let next = 0;
    const client = async () => {
      while (next < total) {
        const i = next++;
        const r = await predict(engine.url, body(i), apiKey);
        expect(r.status).toBe(200);
        answered.set(r.body.id as string, (r.body.targets as unknown[]).length);
        if (killedAt < 0 && i % 50 === 0 && (await rowCount()) > total / 2) {
          killedAt = answered.size;
          first.kill('SIGKILL');
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    await Promise.all(Array.from({ length: 6 }, client));
    expect(killedAt).toBeGreaterThan(0);
    expect(killedAt).toBeLessThan(total);
    // No shadow version is registered: the acting arm is the only arm.
    const expected = [...answered.values()].reduce((a, n) => a + n, 0);
    expect(await rowCount()).toBeLessThan(expected);

    startConsumerProcess();
    await waitFor(async () => (await rowCount()) >= expected, 120_000, 250);
    const { rows } = await repos.db.pool.query<{
      decision_id: string;
      symbol: string;
      arm: string;
      status: string;
      portfolio_id: string;
    }>('SELECT decision_id, symbol, arm, status, portfolio_id FROM decision_outcomes');
    expect(rows).toHaveLength(expected); // nothing twice
    expect(new Set(rows.map((r) => `${r.decision_id}|${r.symbol}|${r.arm}`)).size).toBe(expected);
    expect(new Set(rows.map((r) => r.decision_id))).toEqual(new Set(answered.keys())); // nothing missing
    expect(rows.every((r) => r.arm === 'production' && r.portfolio_id === PORTFOLIO)).toBe(true);
    // Historical asOf values: the next bar exists, so every row is recorded at once.
    expect(rows.every((r) => r.status === 'recorded')).toBe(true);
    expect(await repos.outcomes.countForPortfolio(PORTFOLIO)).toEqual({
      decisions: total,
      recorded: total,
      waiting: 0,
    });

    // One decision checked against the bars themselves.
    const [id] = answered.keys();
    const booked = await repos.outcomes.forDecision(id!);
    for (const row of booked) {
      const closes = await repos.outcomes.closesAfter([
        { symbol: row.symbol, timeframe: '1d', barTimeMs: row.barTime.getTime() },
      ]);
      const c = [...closes.values()][0]!;
      const r = c.next!.close / c.close - 1;
      expect(row.assetReturn).toBeCloseTo(r, 12);
      expect(row.net).toBeCloseTo(
        row.targetWeight * r - 5e-4 * Math.abs(row.targetWeight - row.currentWeight),
        12,
      );
    }
    for (const child of children) child.kill('SIGTERM');
    await waitFor(() => children.size === 0, 15_000);
  }, 300_000);

  it('records a decision waiting for its next bar once when the bar arrives; a redelivery changes nothing', async () => {
    const signal = new BarsStoredSignal();
    const metrics = createMetricsRegistry('outcomes-test');
    const running = startOutcomes({
      config: loadOutcomesConfig({
        ...env,
        OUTCOME_GROUP_ID: GROUP,
        OUTCOME_DLQ_TOPIC: DLQ,
        OUTCOME_SWEEP_S: '0.2',
      }),
      repos,
      redis,
      barsStored: signal,
      metrics,
      log: createLogger('outcomes-test', 'silent'),
    });
    const subscriber = createQueueConnection(testEnv.REDIS_QUEUE_URL ?? 'redis://127.0.0.1:56379');
    const published: OutcomeRecorded[] = [];
    subscriber.on('message', (_channel: string, message: string) =>
      published.push(outcomeRecorded.parse(JSON.parse(message))),
    );
    await subscriber.subscribe(channels.outcomeRecorded);
    try {
      const asOf = new Date(heldBack.ts - 3 * 86_400_000 + 21 * 3_600_000).toISOString(); // Friday 2019-12-06
      const reply = await predict(
        engine.url,
        {
          symbols: ['SPY'],
          timeframe: '1d',
          asOf,
          portfolio: { SPY: 0.3 },
          portfolioId: `${PORTFOLIO}-live`,
        },
        apiKey,
      );
      expect(reply.status).toBe(200);
      const id = reply.body.id as string;
      const waiting = await waitFor(async () => (await repos.outcomes.forDecision(id))[0], 30_000, 100);
      expect(waiting).toMatchObject({ status: 'waiting', net: null, nextBarTime: null, currentWeight: 0.3 });
      expect(await repos.outcomes.countForPortfolio(`${PORTFOLIO}-live`)).toEqual({
        decisions: 1,
        recorded: 0,
        waiting: 1,
      });

      // The bar arrives: stored as the persister would, and signalled (the sweep runs too).
      const spy = (await repos.instruments.findBySymbol('SPY'))!;
      const bar = Float64Array.of(heldBack.close);
      await repos.bars.upsert(spy.id, '1d', {
        ts: Float64Array.of(heldBack.ts),
        open: bar,
        high: bar,
        low: bar,
        close: bar,
        volume: null,
      });
      signal.emit([{ symbol: 'SPY', timeframe: '1d', lastTs: heldBack.ts, inserted: 1 }]);
      const recorded = await waitFor(
        async () => (await repos.outcomes.forDecision(id)).find((r) => r.status === 'recorded'),
        30_000,
        50,
      );
      const closes = await repos.outcomes.closesAfter([
        { symbol: 'SPY', timeframe: '1d', barTimeMs: waiting.barTime.getTime() },
      ]);
      const prior = [...closes.values()][0]!.close;
      expect(recorded.nextBarTime!.getTime()).toBe(heldBack.ts);
      expect(recorded.assetReturn).toBeCloseTo(heldBack.close / prior - 1, 12);
      expect(recorded.net).toBeCloseTo(recorded.gross! - recorded.cost, 15);
      // Several sweeps later it was moved once.
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(running.consumer.stats.resolved).toBe(1);
      expect((await repos.outcomes.forDecision(id))[0]!.recordedAt).toEqual(recorded.recordedAt);
      await waitFor(() => published.some((m) => m.decisionId === id), 10_000, 50);
      const message = published.find((m) => m.decisionId === id)!;
      expect(message.arms[0]).toMatchObject({ arm: 'production', net: recorded.net });

      // A redelivered event: nothing new stored, nothing changed.
      const before = await rowCount();
      const duplicatesBefore = running.consumer.stats.duplicates;
      await producer.send(TOPIC, [{ key: id, value: await decisionEventOf(id) }]);
      await waitFor(() => running.consumer.stats.duplicates > duplicatesBefore, 30_000, 50);
      expect(await rowCount()).toBe(before);
      expect((await repos.outcomes.forDecision(id))[0]).toEqual(recorded);
    } finally {
      await subscriber.quit();
      await running.stop();
    }
  }, 120_000);
});

/** The decision event as the engine published it, read back from the topic. */
async function decisionEventOf(id: string): Promise<string> {
  let found: string | null = null;
  const reader = await kafka.consume({
    groupId: `outcomes-reader-${randomUUID()}`,
    topics: [TOPIC],
    fromBeginning: true,
    async handleBatch(events) {
      for (const e of events) if (e.key === id && e.value) found = e.value;
    },
  });
  try {
    return await waitFor(() => found, 30_000, 50);
  } finally {
    await reader.stop();
  }
}
