import { describe, expect, it } from 'vitest';
import { createLogger } from '../logging';
import { createMetricsRegistry } from '../metrics';
import type { OutgoingEvent } from './buffered-publisher';
import type { ConsumedEvent, ConsumeOptions } from './kafka';
import { joinInBackground } from './join-retry';
import { TopicConsumer } from './topic-consumer';

const metricText = {
  events: { name: 'tp_test_events_total', help: 'events by outcome' },
  lagMessages: { name: 'tp_test_lag_messages', help: 'messages behind' },
  lagSeconds: { name: 'tp_test_lag_seconds', help: 'age of the newest event' },
};

const message = (offset: number, key: string | null, value: string | null): ConsumedEvent => ({
  topic: 'bars',
  partition: 2,
  offset: String(offset),
  key,
  value,
  timestamp: 0,
});

function setup(
  consume: (options: ConsumeOptions) => Promise<{ stop(): Promise<void> }> = async () => ({
    stop: async () => undefined,
  }),
  handleBatch: ConsumeOptions['handleBatch'] = async () => undefined,
) {
  const sent: Array<{ topic: string; events: OutgoingEvent[] }> = [];
  const metrics = createMetricsRegistry('topic-consumer-test');
  const consumer = new TopicConsumer({
    kafka: { consume },
    deadLetters: { send: async (topic, events) => void sent.push({ topic, events: [...events] }) },
    topic: 'bars',
    groupId: 'group',
    deadLetterTopic: 'bars.dlq',
    handleBatch,
    partitionsConsumedConcurrently: 3,
    metrics,
    metricText,
    log: createLogger('test', 'silent'),
    clock: () => Date.UTC(2018, 0, 2),
  });
  return { consumer, sent, metrics };
}

describe('TopicConsumer', () => {
  it('joins from the oldest message with the options it was given', async () => {
    let joined: ConsumeOptions | null = null;
    const { consumer } = setup(async (options) => {
      joined = options;
      return { stop: async () => undefined };
    });
    expect(await consumer.start()).toBe(true);
    expect(joined).toMatchObject({
      groupId: 'group',
      topics: ['bars'],
      fromBeginning: true,
      partitionsConsumedConcurrently: 3,
    });
  });

  it('counts and rethrows a failing batch, so kafkajs retries it from the last commit', async () => {
    let joined: ConsumeOptions | null = null;
    const { consumer, metrics } = setup(
      async (options) => {
        joined = options;
        return { stop: async () => undefined };
      },
      async () => {
        throw new Error('dead-letter topic missing');
      },
    );
    await consumer.start();
    const failing = joined!;
    const position = { partition: 2, highWatermark: '5', offsetLag: 3 } as never;
    await expect(failing.handleBatch([message(1, 'k', '{}')], position)).rejects.toThrow(/dead-letter topic/);
    await expect(failing.handleBatch([message(1, 'k', '{}')], position)).rejects.toThrow(/dead-letter topic/);
    expect(await metrics.metrics()).toMatch(/tp_test_events_total\{[^}]*outcome="batch_failed"[^}]*\} 2/);
  });

  it('leaves the group at once when stopped while joining, and says so', async () => {
    let left = 0;
    let release!: () => void;
    const { consumer } = setup(async () => {
      await new Promise<void>((resolve) => (release = resolve));
      return { stop: async () => void left++ };
    });
    const starting = consumer.start();
    await consumer.stop();
    release();
    expect(await starting).toBe(false);
    expect(left).toBe(1);
    await consumer.stop(); // twice is safe
    expect(left).toBe(1);
  });

  it('builds dead letters with the reason, the position and at most 100 kB of the value', () => {
    const { consumer } = setup();
    const letter = consumer.deadLetter(message(7, 'AAPL', 'x'.repeat(150_000)), 'not JSON');
    expect(letter).toMatchObject({
      reason: 'not JSON',
      topic: 'bars',
      partition: 2,
      offset: '7',
      key: 'AAPL',
    });
    expect(letter.value).toHaveLength(100_000);
    expect(letter.at).toBe('2018-01-02T00:00:00.000Z');
    expect(consumer.deadLetter(message(8, null, null), 'empty').value).toBeNull();
  });

  it('sends dead letters keyed by the original key or the position, and counts them', async () => {
    const { consumer, sent, metrics } = setup();
    expect(await consumer.sendDeadLetters([], 'none')).toBe(0);
    expect(sent).toHaveLength(0);
    const dead = [
      consumer.deadLetter(message(1, 'AAPL', '{'), 'not JSON'),
      consumer.deadLetter(message(2, null, null), 'empty'),
    ];
    expect(await consumer.sendDeadLetters(dead, 'dead-lettered test events')).toBe(2);
    expect(sent).toEqual([
      {
        topic: 'bars.dlq',
        events: [
          { key: 'AAPL', value: JSON.stringify(dead[0]) },
          { key: 'bars:2:2', value: JSON.stringify(dead[1]) },
        ],
      },
    ]);
    expect(await metrics.metrics()).toMatch(/tp_test_events_total\{outcome="dead_lettered"[^}]*\} 2\n/);
  });

  it('sets the lag gauges, keeping the age when a batch had no event', async () => {
    const { consumer, metrics } = setup();
    const position = { topic: 'bars', partition: 2, highWatermark: '10', offsetLag: 4 };
    consumer.recordLag(position, Date.UTC(2018, 0, 1, 23, 59, 30));
    consumer.recordLag(undefined, 0);
    const text = await metrics.metrics();
    expect(text).toMatch(/tp_test_lag_messages\{partition="2"[^}]*\} 4\n/);
    expect(text).toMatch(/tp_test_lag_seconds\{[^}]*\} 30\n/);
  });
});

describe('joinInBackground', () => {
  it('stops the retries, then the consumer, then the Kafka clients', async () => {
    const order: string[] = [];
    const running = joinInBackground(
      { start: async () => void order.push('joined'), stop: async () => void order.push('consumer stopped') },
      { close: async () => void order.push('kafka closed') },
      createLogger('test', 'silent'),
      'a topic',
    );
    await running.stop();
    expect(order).toEqual(['joined', 'consumer stopped', 'kafka closed']);
  });
});
