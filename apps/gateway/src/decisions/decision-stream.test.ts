import type { DecisionEvent } from '@tradeplane/contracts';
import { createLogger, Registry, type ConsumedEvent } from '@tradeplane/platform';
import { describe, expect, it } from 'vitest';
import { DECISION_SAMPLED_CHANNEL, DecisionStream } from './decision-stream';

const ID = (n: number) => `01J${String(n).padStart(23, '0')}`;

function event(n: number): DecisionEvent {
  return {
    schemaVersion: 1,
    id: ID(n),
    requestKey: `k${n}`,
    at: 1_700_000_000_000 + n,
    timeframe: '1d',
    asOf: '2018-04-11T00:00:00.000Z',
    regime: { bull: 0.5, bear: 0.2, sideways: 0.3 },
    confidence: 0.5,
    targets: [],
    risk: { verdict: 'approve', scale: 1, bindingRule: null, rules: [] },
    models: { arm: 'production', versions: {} },
    shadow: null,
    timings: { featuresMs: 0, regimeMs: 0, modelsMs: 0, riskMs: 0, totalMs: 0 },
  };
}

const message = (value: string | null, offset = 0): ConsumedEvent => ({
  topic: 'decisions',
  partition: 0,
  offset: String(offset),
  key: null,
  value,
  timestamp: 0,
});

function harness(options: { stored?: Set<string>; mirrorDown?: boolean } = {}) {
  const stored = options.stored ?? new Set<string>();
  const published: DecisionEvent[] = [];
  const metrics = new Registry();
  let now = 0;
  const stream = new DecisionStream({
    kafka: { consume: () => Promise.reject(new Error('not used')) },
    topic: 'decisions',
    groupId: 'test',
    mirror: {
      add: async (events) => {
        if (options.mirrorDown) throw new Error('redis down');
        const fresh = events.filter((e) => !stored.has(e.id));
        for (const e of fresh) stored.add(e.id);
        return fresh;
      },
    },
    samplePerSecond: 10,
    claimSlot: async () => true,
    publish: async (channel, payload) => {
      expect(channel).toBe(DECISION_SAMPLED_CHANNEL);
      published.push(payload);
    },
    metrics,
    logger: createLogger('test', 'silent'),
    clock: () => now,
  });
  const count = async (outcome: string) =>
    (await metrics.getSingleMetric('tp_gateway_decision_events_total')!.get()).values.find(
      (v) => v.labels.outcome === outcome,
    )?.value ?? 0;
  return { stream, stored, published, count, advance: (ms: number) => (now += ms) };
}

describe('DecisionStream.handleBatch', () => {
  it('stores valid events, counts invalid ones and samples the newest new one', async () => {
    const h = harness();
    await h.stream.handleBatch([
      message(JSON.stringify(event(1))),
      message('{not json'),
      message(JSON.stringify({ ...event(2), id: 'lower-case-is-not-a-ulid' })),
      message(null),
      message(JSON.stringify(event(3))),
    ]);
    expect([...h.stored]).toEqual([ID(1), ID(3)]);
    expect(await h.count('stored')).toBe(2);
    expect(await h.count('invalid')).toBe(3);
    expect(h.published.map((e) => e.id)).toEqual([ID(3)]);
  });

  it('skips events of a schema version it does not read, as invalid', async () => {
    const h = harness();
    const { schemaVersion: _, ...unversioned } = event(2);
    await h.stream.handleBatch([
      message(JSON.stringify({ ...event(1), schemaVersion: 2 })),
      message(JSON.stringify(unversioned)),
    ]);
    expect([...h.stored]).toEqual([]);
    expect(await h.count('invalid')).toBe(2);
    expect(h.published).toEqual([]);
  });

  it('samples once per slot and never an event another delivery already stored', async () => {
    const h = harness({ stored: new Set([ID(9)]) });
    await h.stream.handleBatch([message(JSON.stringify(event(1)))]);
    await h.stream.handleBatch([message(JSON.stringify(event(2)))]); // same 100 ms slot
    h.advance(100);
    await h.stream.handleBatch([message(JSON.stringify(event(9)))]); // a redelivery
    expect(h.published.map((e) => e.id)).toEqual([ID(1)]);
    expect(await h.count('duplicate')).toBe(1);
  });

  it('keeps the live stream going while the mirror is unreachable', async () => {
    const h = harness({ mirrorDown: true });
    await h.stream.handleBatch([message(JSON.stringify(event(1)))]);
    expect(h.published.map((e) => e.id)).toEqual([ID(1)]);
    expect(await h.count('unstored')).toBe(1);
  });
});
