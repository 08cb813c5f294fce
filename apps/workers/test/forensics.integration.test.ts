/**
 * The forensics consumer on the real stack: a real engine publishes decisions to a private
 * topic; the consumer (a child process, as deployed) explains and stores them in PostgreSQL.
 *   - crash: the consumer is killed (SIGKILL) in the middle of the stream and restarted: every
 *     decision the engine answered is stored exactly once (no gap, no duplicate);
 *   - malformed events go to the dead-letter topic with the reason, and the consumer goes on;
 *   - a redelivered event changes nothing; a decision whose models are not registered is
 *     stored as failed, with the reason;
 *   - PostgreSQL stopped in the middle of the stream: the batches that cannot be stored are
 *     retried from the last commit until it is back, and every decision is stored once.
 */
import { randomUUID } from 'node:crypto';
import { deadLetter, decisionForensics, type DeadLetter, type DecisionEvent } from '@tradeplane/contracts';
import type { Repositories } from '@tradeplane/db';
import type { RunningEngine } from '@tradeplane/engine';
import { createLogger, createMetricsRegistry, type ConsumedEvent } from '@tradeplane/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecisionConsumerStack } from '../../../test/decision-consumer-stack';
import { importDaily, predict, waitFor } from '../../../test/decision-stack';
import { stack } from '../../../test/stack';
import { loadForensicsConfig } from '../src/config';
import { startForensics } from '../src/forensics/start-forensics';

/** The consumer as deployed: `apps/workers/src/forensics/main.ts` in its own process. */
const consumerStack = new DecisionConsumerStack({
  name: 'forensics',
  main: 'apps/workers/src/forensics/main.ts',
  label: 'forensics consumer',
  consumerEnv: ({ group, dlq }) => ({
    FORENSICS_GROUP_ID: group,
    FORENSICS_DLQ_TOPIC: dlq,
    FORENSICS_METRICS_PORT: '0',
  }),
});
const { topic: TOPIC, dlq: DLQ, group: GROUP, kafka, producer, children } = consumerStack;
const startConsumerProcess = () => consumerStack.startConsumerProcess();
let repos: Repositories;
let env: Record<string, string>;
let engine: RunningEngine;
let apiKey: string;

const SYMBOLS = ['SPY', 'AAPL', 'WMT', 'JPM', 'XOM', 'GE'];
const DATES = ['2008-10-10', '2012-06-01', '2015-08-24', '2017-06-30', '2018-02-05'];

function body(i: number) {
  const symbols = [SYMBOLS[i % SYMBOLS.length]!, SYMBOLS[(i + 2) % SYMBOLS.length]!];
  return {
    symbols,
    timeframe: '1d',
    asOf: `${DATES[i % DATES.length]}T21:00:00Z`,
    portfolio: { [symbols[0]!]: 0.05 },
    requestKey: `forensics-test-${i}`,
  };
}

async function storedCount(): Promise<number> {
  const { rows } = await repos.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM decision_forensics');
  return Number(rows[0]!.n);
}

beforeAll(async () => {
  ({ repos, env, engine, apiKey } = await consumerStack.start((r) =>
    importDaily(r, ['daily/spy_prices.csv', 'daily/stock_prices.csv']),
  ));
}, 180_000);

afterAll(() => consumerStack.stop());

describe('forensics consumer', () => {
  it('stores every decision exactly once across a SIGKILL and restart in the middle of the stream', async () => {
    const first = startConsumerProcess();
    const answered: string[] = [];
    const total = 1_800;
    let killedAt = -1;
    // 6 clients in a loop, ~300 decisions/s; the consumer is killed once a third is stored.
    let next = 0;
    const client = async () => {
      while (next < total) {
        const i = next++;
        const r = await predict(engine.url, body(i), apiKey);
        expect(r.status).toBe(200);
        answered.push(r.body.id as string);
        if (killedAt < 0 && i % 50 === 0 && (await storedCount()) > total / 3) {
          killedAt = answered.length;
          first.kill('SIGKILL');
        }
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
    };
    await Promise.all(Array.from({ length: 6 }, client));
    expect(killedAt).toBeGreaterThan(0);
    expect(killedAt).toBeLessThan(total);
    const storedBeforeRestart = await storedCount();
    expect(storedBeforeRestart).toBeLessThan(total);

    startConsumerProcess();
    await waitFor(async () => (await storedCount()) >= total, 90_000, 200);
    const { rows } = await repos.db.pool.query<{ decision_id: string; status: string }>(
      'SELECT decision_id, status FROM decision_forensics',
    );
    expect(rows).toHaveLength(total); // no duplicate
    expect(new Set(rows.map((r) => r.decision_id))).toEqual(new Set(answered)); // no gap
    expect(rows.every((r) => r.status === 'explained')).toBe(true);

    const sample = decisionForensics.parse(await repos.forensics.get(answered[total - 1]!));
    expect(sample.explanation!.reproductionError).toBeLessThan(1e-5);
    expect(sample.explanation!.targets).toHaveLength(2);
    expect(sample.delayMs).toBeGreaterThanOrEqual(0);
  }, 180_000);

  it('dead-letters malformed events with the reason, ignores redeliveries, stores unexplainable decisions as failed', async () => {
    // A real decision of the engine, to redeliver and to corrupt.
    const reply = await predict(engine.url, body(7), apiKey);
    const decisionId = reply.body.id as string;
    const stored = await waitFor(() => repos.forensics.get(decisionId), 30_000, 100);
    const original = stored.decision;
    for (const child of children) child.kill('SIGTERM');
    await waitFor(() => children.size === 0, 15_000);

    const metrics = createMetricsRegistry('forensics-test');
    const running = startForensics({
      config: loadForensicsConfig({ ...env, FORENSICS_GROUP_ID: GROUP, FORENSICS_DLQ_TOPIC: DLQ }),
      repos,
      metrics,
      log: createLogger('forensics-test', 'silent'),
    });
    try {
      const { risk: _risk, ...withoutRisk } = original;
      const unknownModels: DecisionEvent = {
        ...original,
        id: '01JZZZZZZZZZZZZZZZZZZZZZZZ',
        models: { ...original.models, versions: { ...original.models.versions, momentum: 99 }, labels: {} },
      };
      await producer.send(TOPIC, [
        { key: 'garbage-1', value: 'not json at all' },
        { key: 'no-risk', value: JSON.stringify({ ...withoutRisk, id: '01JZZZZZZZZZZZZZZZZZZZZZZY' }) },
        { key: original.id, value: JSON.stringify(original) }, // a redelivery
        { key: unknownModels.id, value: JSON.stringify(unknownModels) },
      ]);
      // Kafka spreads keys over partitions: wait for each outcome.
      await waitFor(
        () =>
          running.consumer.stats.deadLettered === 2 &&
          running.consumer.stats.failed === 1 &&
          running.consumer.stats.duplicates >= 1,
        30_000,
        100,
      );
      // And it went on: a new decision is still explained.
      const after = await predict(engine.url, body(8), apiKey);
      const explained = await waitFor(() => repos.forensics.get(after.body.id as string), 30_000, 100);
      expect(explained.status).toBe('explained');

      const failed = await repos.forensics.get(unknownModels.id);
      expect(failed).toMatchObject({ status: 'failed', explanation: null });
      expect(failed!.failureReason).toContain('momentum@v99 is not registered');
      // The redelivery changed nothing.
      expect((await repos.forensics.get(original.id))!.explainedAt).toBe(stored.explainedAt);

      const letters: DeadLetter[] = [];
      const reader = await kafka.consume({
        groupId: `dlq-reader-${randomUUID()}`,
        topics: [DLQ],
        fromBeginning: true,
        async handleBatch(events: ConsumedEvent[]) {
          for (const e of events) letters.push(deadLetter.parse(JSON.parse(e.value!)));
        },
      });
      try {
        await waitFor(() => letters.length >= 2, 30_000, 100);
      } finally {
        await reader.stop();
      }
      const byKey = Object.fromEntries(letters.map((l) => [l.key, l]));
      expect(byKey['garbage-1']).toMatchObject({
        reason: 'not JSON',
        topic: TOPIC,
        value: 'not json at all',
      });
      expect(byKey['no-risk']!.reason).toMatch(/^risk: /);
      const text = await metrics.metrics();
      expect(text).toMatch(/tp_forensics_events_total\{outcome="dead_lettered"[^}]*\} 2\n/);
      expect(text).toMatch(/tp_forensics_consumer_lag_messages\{partition="\d"[^}]*\} \d+\n/);
    } finally {
      await running.stop();
    }
  }, 120_000);

  it('dead-letters events of a schema version it does not read, saying which version, and goes on', async () => {
    const metrics = createMetricsRegistry('forensics-version-test');
    const running = startForensics({
      config: loadForensicsConfig({ ...env, FORENSICS_GROUP_ID: GROUP, FORENSICS_DLQ_TOPIC: DLQ }),
      repos,
      metrics,
      log: createLogger('forensics-test', 'silent'),
    });
    try {
      // A real decision of the engine, stored as version 1, to send again under other versions.
      const reply = await predict(engine.url, body(9), apiKey);
      const stored = await waitFor(() => repos.forensics.get(reply.body.id as string), 30_000, 100);
      const original = stored.decision;
      const { schemaVersion: _, ...unversioned } = original;
      await producer.send(TOPIC, [
        {
          key: '01JZZZZZZZZZZZZZZZZZZZZZZX',
          value: JSON.stringify({ ...original, id: '01JZZZZZZZZZZZZZZZZZZZZZZX', schemaVersion: 2 }),
        },
        {
          key: '01JZZZZZZZZZZZZZZZZZZZZZZW',
          value: JSON.stringify({ ...unversioned, id: '01JZZZZZZZZZZZZZZZZZZZZZZW' }),
        },
      ]);
      await waitFor(() => running.consumer.stats.deadLettered === 2, 30_000, 100);
      expect(await repos.forensics.get('01JZZZZZZZZZZZZZZZZZZZZZZX')).toBeNull();
      expect(await repos.forensics.get('01JZZZZZZZZZZZZZZZZZZZZZZW')).toBeNull();

      const letters = new Map<string, DeadLetter>();
      const reader = await kafka.consume({
        groupId: `dlq-reader-${randomUUID()}`,
        topics: [DLQ],
        fromBeginning: true,
        async handleBatch(events: ConsumedEvent[]) {
          for (const e of events) {
            const letter = deadLetter.parse(JSON.parse(e.value!));
            if (letter.key) letters.set(letter.key, letter);
          }
        },
      });
      try {
        await waitFor(
          () => letters.has('01JZZZZZZZZZZZZZZZZZZZZZZX') && letters.has('01JZZZZZZZZZZZZZZZZZZZZZZW'),
          30_000,
          100,
        );
      } finally {
        await reader.stop();
      }
      expect(letters.get('01JZZZZZZZZZZZZZZZZZZZZZZX')!.reason).toBe(
        'schemaVersion: unknown version 2 (this consumer reads version 1)',
      );
      expect(letters.get('01JZZZZZZZZZZZZZZZZZZZZZZW')!.reason).toBe(
        'schemaVersion: missing (this consumer reads version 1)',
      );

      // And it went on: a new decision is still explained.
      const after = await predict(engine.url, body(10), apiKey);
      const explained = await waitFor(() => repos.forensics.get(after.body.id as string), 30_000, 100);
      expect(explained.status).toBe('explained');
    } finally {
      await running.stop();
    }
  }, 120_000);

  it('stores every decision exactly once when PostgreSQL stops in the middle of the stream and comes back', async () => {
    afterAll(() => stack('up', 'postgres')); // whatever happened, leave the stack up
    const running = startForensics({
      config: loadForensicsConfig({ ...env, FORENSICS_GROUP_ID: GROUP, FORENSICS_DLQ_TOPIC: DLQ }),
      repos,
      metrics: createMetricsRegistry('forensics-outage-test'),
      log: createLogger('forensics-test', 'silent'),
    });
    try {
      const answered: string[] = [];
      // The bodies of the first test: their features are in the engine's memory, so the engine
      // answers without PostgreSQL.
      const decide = async (from: number, count: number) => {
        for (let i = from; i < from + count; i++) {
          const r = await predict(engine.url, body(i), apiKey);
          expect(r.status).toBe(200);
          answered.push(r.body.id as string);
        }
      };
      const before = await storedCount();
      await decide(0, 100);
      stack('down', 'postgres');
      await decide(100, 300); // published while nothing can be stored
      const storedMeanwhile = running.consumer.stats.explained;
      stack('up', 'postgres');
      await decide(400, 100);
      await waitFor(
        async () => (await storedCount().catch(() => 0)) >= before + answered.length,
        90_000,
        250,
      );

      const { rows } = await repos.db.pool.query<{ decision_id: string }>(
        'SELECT decision_id FROM decision_forensics WHERE decision_id = ANY($1::text[])',
        [answered],
      );
      expect(rows).toHaveLength(answered.length); // none lost, none twice
      expect(new Set(rows.map((r) => r.decision_id))).toEqual(new Set(answered));
      expect(await storedCount()).toBe(before + answered.length);
      // Nothing made during the outage was stored during it: those batches waited for the retry.
      expect(storedMeanwhile).toBeLessThanOrEqual(100);
    } finally {
      await running.stop();
    }
  }, 240_000);
});
