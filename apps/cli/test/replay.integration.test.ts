/**
 * `tradeplane replay` on the real stack, with its failure mode provoked: Kafka stopped in the
 * middle of a replay. The paper trading client (runReplay with the real HTTP engine client, its
 * stored bars and ledger progress over the real repositories, as the command wires them) plays
 * real bars of ../shared/data to an engine process; the workers process (bars persister and
 * outcome consumer) reads the private `market-data` and `decisions` topics. Kafka goes down
 * after the 10th bar time and comes back 15 bar times later: the engine keeps accepting bars and
 * answering decisions, their events wait in its buffers, and afterwards every bar is stored once
 * and every decision has exactly one outcome per target.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Repositories } from '@tradeplane/db';
import { KafkaAdapter } from '@tradeplane/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  component,
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
import { repoRoot, stack, testEnv } from '../../../test/stack';
import { EngineRequestError, httpEngineClient, type EngineClient } from '../src/replay/engine-client';
import { runReplay, type ReplayOptions, type ReplayRun, type StoredBars } from '../src/replay/replay-driver';
import { buildReplayReport } from '../src/replay/replay-report';

const RUN = Date.now();
const DECISIONS_TOPIC = `decisions-replay-test-${RUN}`;
const MARKET_DATA_TOPIC = `market-data-replay-test-${RUN}`;
const OUTCOMES_DLQ = `${DECISIONS_TOPIC}.outcomes.dlq`;
const MARKET_DATA_DLQ = `${MARKET_DATA_TOPIC}.dlq`;
const TOPICS = [DECISIONS_TOPIC, MARKET_DATA_TOPIC, OUTCOMES_DLQ, MARKET_DATA_DLQ];
const SYMBOLS = ['AAPL', 'JPM', 'XOM'];
const FROM = Date.UTC(2018, 0, 2);
const TO = Date.UTC(2018, 2, 29);
/** Kafka stops after this bar time and comes back this many bar times later. */
const DOWN_AFTER = 10;
const DOWN_FOR = 15;

const kafka = new KafkaAdapter(testEnv.KAFKA_BROKERS!, 'replay-test');
let kafkaStopped = false;
let repos: Repositories | undefined;
let env: Record<string, string> | undefined;
let engine: RunningProcess | undefined;
let workers: RunningProcess | undefined;
let apiKey: string;

/** `stack()` without blocking the event loop. */
async function kafkaStack(action: 'up' | 'down'): Promise<void> {
  if (action === 'down') kafkaStopped = true;
  await promisify(execFile)('bash', [path.join(repoRoot, 'infra/stack.sh'), action, 'kafka'], {
    timeout: 120_000,
  });
  if (action === 'up') kafkaStopped = false;
}

/** The stored bars of these series, as the command reads them. */
const storedBars: StoredBars = async (symbols, tf) =>
  (await repos!.bars.loadUniverseColumns(symbols, tf)).series;

/** Stored 1d bars in [FROM, TO] per symbol. */
async function storedInRange(symbols: readonly string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const symbol of symbols) {
    const id = (await repos!.instruments.findBySymbol(symbol))!.id;
    out[symbol] = await repos!.bars.count(id, '1d', { fromMs: FROM, toMs: TO });
  }
  return out;
}

/** Sum of a counter's samples with this label in a process' /metrics text. */
async function metric(url: string, name: string, label: string): Promise<number> {
  const text = await fetch(`${url}/metrics`).then((r) => r.text());
  let sum = 0;
  for (const line of text.split('\n'))
    if (line.startsWith(`${name}{`) && line.includes(label))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  return sum;
}

/** The `N unsent` of a /healthz component's detail (decision-events, market-data). */
async function unsent(name: string): Promise<number> {
  const detail = component(await healthz(engine!.url), name).detail ?? '';
  const m = / (\d+) unsent/.exec(detail);
  if (!m) throw new Error(`no unsent count in ${name}: ${detail}`);
  return Number(m[1]);
}

beforeAll(async () => {
  const databaseUrl = await freshDatabase('tradeplane_test_replay');
  repos = openRepos(databaseUrl);
  await importDaily(repos, ['daily/spy_prices.csv', 'daily/stock_prices.csv']);
  apiKey = await createApiKey(repos, 'replay test');
  const partitions = await kafka.partitionCount('decisions');
  for (const topic of [DECISIONS_TOPIC, MARKET_DATA_TOPIC])
    expect(await kafka.createTopic(topic, { partitions })).toBe(true);
  for (const topic of [OUTCOMES_DLQ, MARKET_DATA_DLQ]) expect(await kafka.createTopic(topic)).toBe(true);
  env = await decisionEnv(databaseUrl, DECISIONS_TOPIC, {
    MARKET_DATA_TOPIC,
    ENGINE_INSTANCE_ID: `replay-test-${RUN}`,
    ENGINE_MODEL_POLL_S: '30',
    LEAKAGE_SAMPLE_RATE: '0',
  });
  // Both as deployed, in their own processes; each answers /healthz 200 once it is ready.
  [engine, workers] = await Promise.all([
    startProcess('packages/engine/src/main.ts', 'ENGINE_PORT', env, 120_000),
    startWorkersProcess({
      ...env,
      MARKET_DATA_PERSISTER_ENABLED: 'true',
      MARKET_DATA_GROUP_ID: `replay-test-persister-${RUN}`,
      MARKET_DATA_DLQ_TOPIC: MARKET_DATA_DLQ,
      OUTCOMES_ENABLED: 'true',
      OUTCOME_GROUP_ID: `replay-test-outcomes-${RUN}`,
      OUTCOME_DLQ_TOPIC: OUTCOMES_DLQ,
      OUTCOME_SWEEP_S: '1',
    }),
  ]);
  await waitFor(async () => component(await healthz(engine!.url), 'market-data').state === 'up', 60_000, 100);
}, 240_000);

afterAll(async () => {
  try {
    if (kafkaStopped) stack('up', 'kafka');
  } finally {
    await workers?.stop();
    await engine?.stop();
    for (const topic of TOPICS) await kafka.deleteTopic(topic).catch(() => undefined);
    await kafka.close();
    await repos?.db.close();
    await removeDecisionEnv(env);
  }
}, 180_000);

describe('a replay while Kafka is down', () => {
  it(
    'buffers bars and decisions; afterwards every bar is stored once and every decision has one outcome per target',
    { timeout: 300_000 },
    async () => {
      const http = httpEngineClient(engine!.url, apiKey);
      const universe = [...SYMBOLS, 'SPY'];
      const storedBefore = await storedInRange(universe);
      const options: ReplayOptions = {
        symbols: SYMBOLS,
        timeframe: '1d',
        fromMs: FROM,
        toMs: TO,
        speed: 'max',
        costBps: 5,
        portfolioId: `paper-replay-test-${RUN}`,
        ledgerWaitMs: 120_000,
      };
      // The outage, driven from the bar events: the next bars wait while Kafka stops or starts.
      let pending: 'down' | 'up' | null = null;
      let unsentWhileDown: { bars: number; decisions: number } | null = null;
      const engineClient: EngineClient = {
        ...http,
        async postBars(bars, source) {
          if (pending === 'down') await kafkaStack('down');
          if (pending === 'up') {
            unsentWhileDown = {
              bars: await unsent('market-data'),
              decisions: await unsent('decision-events'),
            };
            await kafkaStack('up');
          }
          pending = null;
          return http.postBars(bars, source);
        },
      };
      let run: ReplayRun;
      try {
        run = await runReplay(options, {
          engine: engineClient,
          storedBars,
          ledger: repos!.outcomes,
          onEvent: (e) => {
            if (e.kind !== 'bar') return;
            if (e.n === DOWN_AFTER) pending = 'down';
            if (e.n === DOWN_AFTER + DOWN_FOR) pending = 'up';
          },
        });
      } finally {
        if (kafkaStopped) await kafkaStack('up');
      }

      // The outage happened in the middle, with events waiting in the engine.
      expect(unsentWhileDown).not.toBeNull();
      expect(unsentWhileDown!.bars).toBeGreaterThan(0);
      expect(unsentWhileDown!.decisions).toBeGreaterThan(0);
      expect(run.barTimes).toBeGreaterThan(DOWN_AFTER + DOWN_FOR);
      expect(run.aborted).toBe(false);
      expect(run.ended).not.toBeNull();
      // Every stored bar in range played once, SPY (the regime benchmark) included.
      const played = Object.values(storedBefore).reduce((a, n) => a + n, 0);
      expect(run.barsPlayed).toEqual({ accepted: played, duplicates: 0 });
      expect(run.barTimes).toBe(storedBefore.AAPL);

      // Every decision: exactly one ledger row per target, all recorded (the next bars are stored).
      expect(run.withoutNextBar).toBe(0);
      expect(run.ledger).toMatchObject({
        decisions: run.decisions.length,
        recorded: run.decisions.length,
        waiting: 0,
        complete: true,
      });
      const { rows } = await repos!.db.pool.query<{
        decision_id: string;
        symbol: string;
        status: string;
        arm: string;
      }>('SELECT decision_id, symbol, status, arm FROM decision_outcomes WHERE portfolio_id = $1', [
        options.portfolioId,
      ]);
      expect(rows).toHaveLength(run.decisions.length * SYMBOLS.length);
      expect(new Set(rows.map((r) => `${r.decision_id}|${r.symbol}|${r.arm}`)).size).toBe(rows.length);
      expect(new Set(rows.map((r) => r.decision_id))).toEqual(new Set(run.decisions.map((d) => d.id)));
      expect(rows.filter((r) => r.status !== 'recorded' || r.arm !== 'production')).toEqual([]);

      // Once Kafka is back the engine has sent everything, and the persister stored nothing twice.
      await waitFor(
        async () => (await unsent('market-data')) === 0 && (await unsent('decision-events')) === 0,
        120_000,
        250,
      );
      await waitFor(
        async () =>
          (await metric(workers!.url, 'tp_market_data_bars_persisted_total', 'outcome="duplicate"')) >=
          played,
        120_000,
        250,
      );
      expect(await metric(workers!.url, 'tp_market_data_bars_persisted_total', 'outcome="inserted"')).toBe(0);
      expect(
        await metric(workers!.url, 'tp_market_data_bars_persisted_total', 'outcome="dead_lettered"'),
      ).toBe(0);
      expect(await storedInRange(universe)).toEqual(storedBefore);

      // The paper book stayed within the limits, and the report says the ledger is complete.
      expect(run.paper.summary().violations.bars).toBe(0);
      const ledgerRows = await repos!.outcomes.decisionReturns(
        { portfolioId: options.portfolioId, timeframe: options.timeframe },
        100_000,
      );
      const report = buildReplayReport(
        run,
        options,
        ledgerRows.filter((r) => r.arm !== 'shadow'),
      );
      expect(report.ledger.complete).toBe(true);
      console.info(
        `[replay-it] ${JSON.stringify({ barTimes: run.barTimes, bars: played, unsentWhileDown, elapsedMs: run.elapsedMs, ledgerWaitedMs: run.ledger.waitedMs })}`,
      );
    },
  );
});

describe('starting a replay', () => {
  const start = (engineClient: EngineClient, symbols: string[], portfolioId: string) =>
    engineClient.startReplay({ symbols, timeframe: '1d', from: '2018-01-02', portfolioId });
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => null,
      (err: unknown) => err,
    );

  it('is refused with 409 on series another live replay hides, and 404 on an unknown symbol', async () => {
    const client = httpEngineClient(engine!.url, apiKey);
    const live = await start(client, ['AAPL'], `paper-replay-live-${RUN}`);
    try {
      const conflict = await refusal(start(client, ['JPM', 'AAPL'], `paper-replay-other-${RUN}`));
      expect(conflict).toBeInstanceOf(EngineRequestError);
      expect(conflict).toMatchObject({ status: 409, code: 'CONFLICT', field: 'symbols' });
    } finally {
      await client.endReplay(live.id);
    }

    const unknown = await refusal(start(client, ['AAPL', 'NOPE'], `paper-replay-unknown-${RUN}`));
    expect(unknown).toBeInstanceOf(EngineRequestError);
    expect(unknown).toMatchObject({ status: 404, field: 'symbols[1]' });
    // The refused replay hides nothing: the same series start again.
    const again = await start(client, ['AAPL'], `paper-replay-again-${RUN}`);
    await client.endReplay(again.id);
  });
});
