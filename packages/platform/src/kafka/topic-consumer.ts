import type { DeadLetter } from '@tradeplane/contracts';

import type { Logger } from '../logging';
import { Counter, Gauge, type Registry } from '../metrics';
import type { EventSender } from './buffered-publisher';
import type { BatchPosition, ConsumedEvent, ConsumeOptions, EventConsumer, KafkaAdapter } from './kafka';

/** A failing batch is logged at most this often (it is retried far more often). */
const FAILURE_LOG_MS = 10_000;

/** A metric's name and help text, as dashboards and tests read them. */
export interface MetricText {
  name: string;
  help: string;
}

/** What the wiring of a consumer built on TopicConsumer gives it. */
export interface TopicConsumerDeps {
  kafka: Pick<KafkaAdapter, 'consume'>;
  /** Sends dead letters (an idempotent producer). */
  deadLetters: EventSender;
  topic: string;
  groupId: string;
  deadLetterTopic: string;
  metrics: Registry;
  log: Logger;
  clock?: () => number;
}

export interface TopicConsumerOptions extends TopicConsumerDeps {
  /** The owner's handler of one partition's batch. */
  handleBatch: ConsumeOptions['handleBatch'];
  /** Partitions whose batches are handled at the same time (see ConsumeOptions). */
  partitionsConsumedConcurrently: number;
  /**
   * events: a counter of what happened to each event, by `outcome` (`dead_lettered` is counted
   * here); lagMessages: a gauge by `partition` of messages behind the high watermark after the
   * last batch; lagSeconds: the age of the newest event of the last stored batch.
   */
  metricText: { events: MetricText; lagMessages: MetricText; lagSeconds: MetricText };
}

/** Dead letters keep at most this much of the original value. */
const DEAD_LETTER_VALUE_MAX = 100_000;

/**
 * What the workers' Kafka consumers share around their own `handleBatch`: joining the group
 * from the oldest message (a new group skips nothing), leaving it, dead letters (built, sent
 * before the batch's offsets can be committed, counted), the outcome counter and the two lag
 * gauges.
 */
export class TopicConsumer {
  private consumer: EventConsumer | null = null;
  private stopped = false;
  readonly clock: () => number;
  private lastFailureLog = -Infinity;
  private readonly events: Counter<'outcome'>;
  private readonly lagMessages: Gauge<'partition'>;
  private readonly lagSeconds: Gauge;

  constructor(private readonly options: TopicConsumerOptions) {
    this.clock = options.clock ?? Date.now;
    const registers = [options.metrics];
    const { events, lagMessages, lagSeconds } = options.metricText;
    this.events = new Counter({ ...events, labelNames: ['outcome'], registers });
    this.lagMessages = new Gauge({ ...lagMessages, labelNames: ['partition'], registers });
    this.lagSeconds = new Gauge({ ...lagSeconds, registers });
  }

  /**
   * Joins the group. False when `stop` was called meanwhile: the group is left at once and
   * the owner starts nothing else.
   */
  async start(): Promise<boolean> {
    const consumer = await this.options.kafka.consume({
      groupId: this.options.groupId,
      topics: [this.options.topic],
      fromBeginning: true,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
      handleBatch: async (events, position) => {
        try {
          await this.options.handleBatch(events, position);
        } catch (err) {
          // kafkajs retries the batch from the last commit, silently (its logger is off): say
          // so, at most every FAILURE_LOG_MS, or a stuck consumer looks idle.
          this.count('batch_failed', 1);
          const now = this.clock();
          if (now - this.lastFailureLog >= FAILURE_LOG_MS) {
            this.lastFailureLog = now;
            this.options.log.error(
              { err, topic: this.options.topic, partition: position.partition, events: events.length },
              'batch failed; it is retried from the last committed offset',
            );
          }
          throw err;
        }
      },
    });
    if (this.stopped) {
      await consumer.stop();
      return false;
    }
    this.consumer = consumer;
    return true;
  }

  /** Finishes the batch in hand and leaves the group. Safe to call twice. */
  async stop(): Promise<void> {
    this.stopped = true;
    const consumer = this.consumer;
    this.consumer = null;
    await consumer?.stop();
  }

  /** Counts `n` events of one outcome (a zero still shows the outcome on /metrics). */
  count(outcome: string, n: number): void {
    this.events.inc({ outcome }, n);
  }

  /** A message that cannot be handled, with the reason and at most 100 kB of its value. */
  deadLetter(message: ConsumedEvent, reason: string): DeadLetter {
    return {
      reason,
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
      key: message.key,
      value: message.value === null ? null : message.value.slice(0, DEAD_LETTER_VALUE_MAX),
      at: new Date(this.clock()).toISOString(),
    };
  }

  /**
   * Sends the batch's dead letters (keyed by the original key, else topic:partition:offset),
   * counts them as `dead_lettered` and logs the first with `warning`; returns how many were
   * sent. Call it before storing the batch: once that is stored the offsets may be committed.
   */
  async sendDeadLetters(dead: readonly DeadLetter[], warning: string): Promise<number> {
    if (dead.length === 0) return 0;
    await this.options.deadLetters.send(
      this.options.deadLetterTopic,
      dead.map((d) => ({ key: d.key ?? `${d.topic}:${d.partition}:${d.offset}`, value: JSON.stringify(d) })),
    );
    this.count('dead_lettered', dead.length);
    this.options.log.warn(
      { count: dead.length, first: { offset: dead[0]!.offset, reason: dead[0]!.reason } },
      warning,
    );
    return dead.length;
  }

  /**
   * Sets the lag gauges after a stored batch: the age of its newest event (ms since epoch; 0
   * when it had none, and the gauge keeps its value) and the partition's messages behind.
   */
  recordLag(position: BatchPosition | undefined, newestEventMs: number): void {
    if (newestEventMs > 0) this.lagSeconds.set(Math.max(0, this.clock() - newestEventMs) / 1000);
    if (position) this.lagMessages.set({ partition: String(position.partition) }, position.offsetLag);
  }
}
