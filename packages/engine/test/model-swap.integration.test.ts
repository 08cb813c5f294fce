import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { channels, rolloutPlan, type ModelStage, type RolloutChanged } from '@tradeplane/contracts';
import type { Repositories } from '@tradeplane/db';
import { createLogger, createQueueConnection, KafkaAdapter, type ConsumedEvent } from '@tradeplane/platform';
import { trackingClient } from '@tradeplane/tracking';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from '../../../test/stack';
import { loadEngineConfig, routingBucket, startEngine, type RunningEngine } from '../src';
import {
  DEFAULT_DEFENSIVE_PARAMS,
  DEFAULT_MOMENTUM_PARAMS,
  encodeOnnxModel,
  specialistGraph,
  specialistSignature,
} from '@tradeplane/models';
import {
  createApiKey,
  decisionEnv,
  freshDatabase,
  healthz,
  importDaily,
  openRepos,
  percentile,
  predict,
  removeDecisionEnv,
  waitFor,
  type Reply,
} from '../../../test/decision-stack';

const TOPIC = `decisions-swap-test-${Date.now()}`;
const PM = { by: 'pm@test', auditActor: 'user:swap-test' };
const redis = createQueueConnection(testEnv.REDIS_QUEUE_URL!);
const kafka = new KafkaAdapter(testEnv.KAFKA_BROKERS!, 'swap-test');
const events = new Map<string, Record<string, any>>();
let repos: Repositories;
let env: Record<string, string>;
let engine: RunningEngine;
let apiKey: string;
let stopConsumer: () => Promise<void> = async () => undefined;

/** 40 trading days of 2017: their feature vectors are in the engine's LRU after one pass. */
const DATES = Array.from({ length: 40 }, (_, i) => new Date(Date.UTC(2017, 0, 3 + i * 7, 21)).toISOString());
const request = (i: number, requestKey?: string) => ({
  symbol: 'SPY',
  timeframe: '1d',
  asOf: DATES[i % DATES.length],
  portfolio: { SPY: 0.05 },
  ...(requestKey ? { requestKey } : {}),
});

/** Logs an ONNX file in a tracking run, registers it and moves it to `stage`; then tells the engines. */
async function release(name: string, bytes: Uint8Array, stage: ModelStage): Promise<number> {
  const tracking = await trackingClient({
    config: loadEngineConfig(env).tracking,
    repository: repos.tracking,
    writer: `swap-test-${randomUUID()}`,
    owner: 'pm@test',
  });
  const { runId } = await tracking.startRun({
    experiment: `${name}-retrain`,
    name: `${name} ${stage}`,
    tags: { label: 'trained' },
  });
  await tracking.logArtifact(runId, `models/${name}.onnx`, bytes, 'application/onnx');
  await tracking.endRun(runId);
  await tracking.close();
  const version = await repos.registry.registerVersion(
    {
      modelName: name,
      runId,
      artifactPath: `models/${name}.onnx`,
      signature: specialistSignature,
      metrics: {},
    },
    PM,
  );
  await repos.registry.moveStage(
    { modelName: name, version: version.version, to: stage, reason: 'swap test' },
    PM,
  );
  await redis.publish(
    channels.modelStageChanged,
    JSON.stringify({ modelName: name, version: version.version, from: 'none', to: stage }),
  );
  return version.version;
}

const momentum = (bias: number) =>
  encodeOnnxModel({
    graph: specialistGraph('momentum', { ...DEFAULT_MOMENTUM_PARAMS, bias }),
    modelVersion: 2,
  });

beforeAll(async () => {
  const url = await freshDatabase('tradeplane_test_swap');
  repos = openRepos(url);
  await importDaily(repos, ['daily/spy_prices.csv']);
  apiKey = await createApiKey(repos, 'swap test');
  await kafka.createTopic(TOPIC);
  const consumer = await kafka.consume({
    groupId: `swap-test-${randomUUID()}`,
    topics: [TOPIC],
    fromBeginning: true,
    async handleBatch(batch: ConsumedEvent[]) {
      for (const e of batch)
        if (e.key && e.value) events.set(e.key, JSON.parse(e.value) as Record<string, any>);
    },
  });
  stopConsumer = () => consumer.stop();
  env = await decisionEnv(url, TOPIC, {
    ENGINE_CANARY_PERCENT: '30',
    // Long enough that the swap below is driven by the message, not by the poll.
    ENGINE_MODEL_POLL_S: '30',
    ENGINE_MODEL_GRACE_S: '2',
    LEAKAGE_SAMPLE_RATE: '0',
    ENGINE_HEARTBEAT_MS: '200',
  });
  engine = await startEngine(loadEngineConfig(env), createLogger('engine-test', 'silent'));
  await waitFor(async () => (await predict(engine.url, request(0), apiKey)).status === 200, 60_000, 100);
  for (let i = 0; i < DATES.length; i++) await predict(engine.url, request(i), apiKey);
});

afterAll(async () => {
  await engine?.stop();
  await stopConsumer();
  await kafka.deleteTopic(TOPIC).catch(() => undefined);
  await kafka.close();
  redis.disconnect();
  await repos?.db.close();
  await removeDecisionEnv(env);
});

describe('model hot swap', () => {
  it('swaps a new production version in under load without a failed request', async () => {
    const RATE = 500; // requests per second
    const SECONDS = 5;
    const SWAP_AT_MS = 2000;
    const replies: Array<Reply & { sentAt: number }> = [];
    const errors: string[] = [];
    const t0 = performance.now();
    let sent = 0;
    let swapStartedAt = Number.NaN;
    let swapDoneAt = Number.NaN;
    const inflight: Promise<void>[] = [];

    // Open loop: every 10 ms, the requests due by then (RATE/100 per tick on average).
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const elapsed = performance.now() - t0;
        const due = Math.min(RATE * SECONDS, Math.floor((elapsed / 1000) * RATE));
        for (; sent < due; sent++) {
          const i = sent;
          const sentAt = performance.now() - t0;
          inflight.push(
            predict(engine.url, request(i), apiKey).then(
              (r) => void replies.push({ ...r, sentAt }),
              (err: unknown) => void errors.push(String(err)),
            ),
          );
        }
        if (Number.isNaN(swapStartedAt) && elapsed >= SWAP_AT_MS) {
          swapStartedAt = elapsed;
          void release('momentum', momentum(0.8), 'production').then(
            () => (swapDoneAt = performance.now() - t0),
          );
        }
        if (sent >= RATE * SECONDS) {
          clearInterval(timer);
          resolve();
        }
      }, 10);
    });
    await Promise.all(inflight);

    const failed = replies.filter((r) => r.status !== 200);
    expect(errors).toEqual([]);
    expect(failed.map((r) => r.status)).toEqual([]);
    expect(replies).toHaveLength(RATE * SECONDS);

    // In decision order (ULIDs sort by creation), version 1 until the swap, version 2 after.
    const byId = [...replies].sort((a, b) => (a.body.id < b.body.id ? -1 : 1));
    const versions = byId.map((r) => r.body.models.versions.momentum as number);
    expect(versions[0]).toBe(1);
    expect(versions.at(-1)).toBe(2);
    expect(versions.every((v, i) => i === 0 || v >= versions[i - 1]!)).toBe(true);
    const firstV2 = byId.find((r) => r.body.models.versions.momentum === 2)!;
    expect(firstV2.body.models.labels.momentum).toBe('trained');

    // Same features, different momentum parameters: the momentum signal changed.
    const signal = (r: Reply) => r.body.targets[0].specialists[0].signal as number;
    const sameDay = byId.filter((r) => r.body.asOf === firstV2.body.asOf);
    expect(new Set(sameDay.map(signal)).size).toBe(2);

    const window = (from: number, to: number) =>
      replies.filter((r) => r.sentAt >= from && r.sentAt < to).map((r) => r.ms);
    const before = window(500, swapStartedAt);
    const during = window(swapStartedAt, swapStartedAt + 1000);
    const server = (from: number, to: number) =>
      replies.filter((r) => r.sentAt >= from && r.sentAt < to).map((r) => r.body.timings.totalMs as number);
    const report = {
      requests: replies.length,
      failed: failed.length,
      achieved_rate_per_s: Math.round(
        replies.length / ((Math.max(...replies.map((r) => r.sentAt)) || 1) / 1000),
      ),
      // Register + promote + message, from the test's side.
      release_ms: Math.round(swapDoneAt - swapStartedAt),
      // From the start of the release to the first request answered by version 2.
      first_v2_request_sent_after_ms: Math.round(
        Math.min(...replies.filter((r) => r.body.models.versions.momentum === 2).map((r) => r.sentAt)) -
          swapStartedAt,
      ),
      client_p50_before_ms: round(percentile(before, 0.5)),
      client_p99_before_ms: round(percentile(before, 0.99)),
      client_p50_during_ms: round(percentile(during, 0.5)),
      client_p99_during_ms: round(percentile(during, 0.99)),
      server_p99_before_ms: round(percentile(server(500, swapStartedAt), 0.99)),
      server_p99_during_ms: round(percentile(server(swapStartedAt, swapStartedAt + 1000), 0.99)),
    };
    console.log(`[model-swap] ${JSON.stringify(report)}`);
    // A sanity bound only (the machine is shared and noisy): the swap must not stall requests.
    expect(report.client_p99_during_ms).toBeLessThan(Math.max(1000, 10 * report.client_p99_before_ms));
  }, 60_000);

  it('routes a canary by the request key: the same key always gets the same arm', async () => {
    await release('momentum', momentum(-0.8), 'canary');
    await waitFor(async () => (await healthz(engine.url)).models.canary?.versions.momentum === 3);

    const arms = new Map<string, string>();
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 300; i++) {
        const key = `order-${i}`;
        const { status, body } = await predict(engine.url, request(i, key), apiKey);
        expect(status).toBe(200);
        expect(body.models.versions.momentum).toBe(body.models.arm === 'canary' ? 3 : 2);
        if (round === 1) expect(body.models.arm).toBe(arms.get(key));
        arms.set(key, body.models.arm);
      }
    }
    const share = [...arms.values()].filter((a) => a === 'canary').length / arms.size;
    console.log(`[model-swap] canary share over 300 keys at ENGINE_CANARY_PERCENT=30: ${share}`);
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.4);
  });

  it('scores the other set beside every decision, risk-checked, and the shadow once no canary runs', async () => {
    // A canary runs (momentum v3): each decision carries the other acting set's proposal.
    const beside = new Map<string, string>();
    for (let i = 0; i < 40; i++) {
      const { status, body } = await predict(engine.url, request(i, `beside-${i}`), apiKey);
      expect(status).toBe(200);
      expect(body.shadow).toBeNull();
      const event = await waitFor(() => events.get(body.id), 30_000);
      expect(event.targets).toEqual(body.targets);
      const other = body.models.arm === 'canary' ? 'production' : 'canary';
      expect(event.shadow.arm).toBe(other);
      expect(event.shadow.versions.momentum).toBe(other === 'canary' ? 3 : 2);
      expect(['approve', 'resize', 'reject']).toContain(event.shadow.risk.verdict);
      beside.set(body.models.arm, other);
    }
    expect(beside).toEqual(
      new Map([
        ['production', 'canary'],
        ['canary', 'production'],
      ]),
    );

    // The canary back in staging and a shadow version: the shadow is scored beside, never acting.
    await repos.registry.moveStage(
      { modelName: 'momentum', version: 3, to: 'staging', reason: 'swap test' },
      PM,
    );
    const defensive = encodeOnnxModel({
      graph: specialistGraph('defensive', { ...DEFAULT_DEFENSIVE_PARAMS, bias: -0.5 }),
      modelVersion: 2,
    });
    await release('defensive', defensive, 'shadow');
    await waitFor(async () => {
      const models = (await healthz(engine.url)).models;
      return models.shadow?.versions.defensive === 2 && models.canary === null;
    });

    const { body } = await predict(engine.url, request(3, 'shadow-check'), apiKey);
    expect(body.shadow).toBeNull();
    expect(body.models.arm).toBe('production');
    expect(body.models.versions.defensive).toBe(1);
    const event = await waitFor(() => events.get(body.id), 30_000);
    expect(event.shadow.arm).toBe('shadow');
    expect(event.shadow.versions).toMatchObject({ defensive: 2 });
    expect(event.shadow.targets[0].symbol).toBe('SPY');
    expect(event.shadow.risk).toMatchObject({ verdict: expect.any(String) });
    expect(event.targets).toEqual(body.targets);
  });

  it('routes the active rollout’s canary share within 2 s of tp:rollout-changed, under load, then back to 0', async () => {
    const SHARE = 25;
    const publishChanged = (r: {
      id: string;
      status: 'running' | 'paused';
      stepIndex: number;
      canaryPercent: number;
    }) =>
      redis.publish(
        channels.rolloutChanged,
        JSON.stringify({
          rolloutId: r.id,
          status: r.status,
          stepIndex: r.stepIndex,
          canaryPercent: r.canaryPercent,
          action: r.status === 'paused' ? 'pause' : 'start',
          at: new Date().toISOString(),
        } satisfies RolloutChanged),
      );
    const share = async () => {
      const { canaryPercent, canaryPercentSource } = (await healthz(engine.url)).models;
      return { canaryPercent, canaryPercentSource } as { canaryPercent: number; canaryPercentSource: string };
    };
    expect(await share()).toEqual({ canaryPercent: 30, canaryPercentSource: 'env' });

    // A steady load through every change below: no request may fail.
    const failures: string[] = [];
    let served = 0;
    let loading = true;
    const load = (async () => {
      for (let i = 0; loading; i++) {
        const batch = Array.from({ length: 8 }, (_, k) =>
          predict(engine.url, request(i * 8 + k, `load-${i}-${k}`), apiKey).then(
            (r) => (r.status === 200 ? served++ : failures.push(`status ${r.status}`)),
            (err: unknown) => failures.push(String(err)),
          ),
        );
        await Promise.all(batch);
      }
    })();

    // The candidate (momentum v3, in staging) moved to canary with the rollout row, as the controller does.
    const { rollout } = await repos.rollouts.create(
      {
        kind: 'rollout',
        candidateVersions: { momentum: 3, 'mean-reversion': 1, defensive: 1, 'meta-controller': 1 },
        candidateLabel: 'momentum v3',
        incumbentVersions: { momentum: 2, 'mean-reversion': 1, defensive: 1, 'meta-controller': 1 },
        incumbentLabel: 'momentum v2',
        plan: rolloutPlan.parse({}),
        timeframe: '1d',
        canaryPercent: SHARE,
        reason: 'swap test: canary share from the rollout',
      },
      [{ modelName: 'momentum', version: 3, to: 'canary' }],
      PM,
    );
    const published = performance.now();
    await publishChanged({ ...rollout, status: 'running' });
    await waitFor(async () => (await share()).canaryPercentSource === 'rollout', 2_000, 20);
    const inForceMs = performance.now() - published;
    expect(await share()).toEqual({ canaryPercent: SHARE, canaryPercentSource: 'rollout' });

    // Exactly the keys whose bucket is under the share go to the canary (v3).
    const keys = Array.from({ length: 400 }, (_, i) => `share-${i}`);
    const routed = await Promise.all(
      keys.map(async (key, i) => {
        const { status, body } = await predict(engine.url, request(i, key), apiKey);
        expect(status).toBe(200);
        expect(body.models.versions.momentum).toBe(body.models.arm === 'canary' ? 3 : 2);
        return body.models.arm as string;
      }),
    );
    const expected = keys.map((k) => (routingBucket(k) < SHARE * 100 ? 'canary' : 'production'));
    expect(routed).toEqual(expected);
    const canaryShare = expected.filter((a) => a === 'canary').length / keys.length;
    expect(canaryShare).toBeGreaterThan(0.15);
    expect(canaryShare).toBeLessThan(0.35);

    // Back to 0 (paused at shadow's share): every key on production, the canary still scored beside.
    const { rollout: paused } = await repos.rollouts.transition(
      rollout.id,
      rollout.revision,
      {
        action: 'pause',
        reason: 'swap test: back to 0',
        change: { status: 'paused', canaryPercent: 0 },
        moves: [],
      },
      PM,
    );
    await publishChanged({ ...paused, status: 'paused' });
    await waitFor(async () => (await share()).canaryPercent === 0, 2_000, 20);
    for (let i = 0; i < 100; i++) {
      const { body } = await predict(engine.url, request(i, keys[i]), apiKey);
      expect(body.models.arm).toBe('production');
    }
    loading = false;
    await load;
    console.log(
      `[model-swap] rollout share ${SHARE}% in force ${Math.round(inForceMs)} ms after tp:rollout-changed; ` +
        `${keys.length} keys routed exactly by bucket (${canaryShare} canary); ${served} load requests, ${failures.length} failed`,
    );
    expect(failures).toEqual([]);
    expect(served).toBeGreaterThan(0);
  });

  it('records the engine run: registered, heartbeating, stopped on a clean stop', async () => {
    const row = async () =>
      (
        await repos.db.pool.query<{ host: string; pid: number; heartbeat_at: Date; stopped_at: Date | null }>(
          'SELECT host, pid, heartbeat_at, stopped_at FROM engine_runs WHERE instance_id = $1',
          [engine.instanceId],
        )
      ).rows[0];
    const first = await waitFor(row);
    expect(first).toMatchObject({ host: hostname(), pid: process.pid, stopped_at: null });
    const later = await waitFor(async () => {
      const r = await row();
      return r && r.heartbeat_at > first.heartbeat_at ? r : null;
    }, 5_000);
    expect(later.stopped_at).toBeNull();
    await engine.stop();
    const stopped = await row();
    expect(stopped?.stopped_at).toBeInstanceOf(Date);
    const beat = stopped!.heartbeat_at.getTime();
    await new Promise((r) => setTimeout(r, 500));
    expect((await row())!.heartbeat_at.getTime()).toBe(beat); // no heartbeat after the stop
  });
});

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
