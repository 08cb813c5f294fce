import { Kafka, logLevel, type Admin, type KafkaConfig, type Producer } from 'kafkajs';

import type { EventSender, OutgoingEvent } from './buffered-publisher';

/** A send that Kafka did not acknowledge; `cause` holds the client library's error. */
export class KafkaSendError extends Error {
  readonly code = 'KAFKA_SEND_FAILED' as const;
}

/** A producer of keyed string events: idempotent, acks from all in-sync replicas. */
export interface EventProducer extends EventSender {
  /** Releases the connection; later sends reject. Safe to call twice. */
  disconnect(): Promise<void>;
}

/** One consumed message; key and value decoded as UTF-8. */
export interface ConsumedEvent {
  topic: string;
  partition: number;
  /** Kafka offsets are 64-bit: kept as the decimal string. */
  offset: string;
  key: string | null;
  value: string | null;
  /** Broker or producer timestamp, ms since epoch. */
  timestamp: number;
}

export interface ConsumeOptions {
  groupId: string;
  topics: string[];
  /** Where a group with no committed offset starts: the oldest message (true) or new ones only. */
  fromBeginning?: boolean;
  /**
   * Handles one partition's batch. Offsets are committed only after it resolves, so a
   * crash replays the batch (at least once): handlers deduplicate by an explicit key.
   * A rejection stops the batch and kafkajs restarts the consumer from the last commit.
   */
  handleBatch(events: ConsumedEvent[], position: BatchPosition): Promise<void>;
  /**
   * Partitions whose batches are handled at the same time (default 1). More lets one
   * partition's database write overlap another's CPU work; order within a partition holds.
   */
  partitionsConsumedConcurrently?: number;
}

/** Where a fetched batch stands in its partition (for consumer-lag metrics). */
export interface BatchPosition {
  topic: string;
  partition: number;
  /** The partition's high watermark when the batch was fetched. */
  highWatermark: string;
  /** Messages behind the high watermark after this batch. */
  offsetLag: number;
}

export interface EventConsumer {
  /** Waits for the batch in hand, leaves the group and disconnects. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Protocol errors that poison an idempotent producer's session (its sequence numbers no
 * longer match the broker's): only a new producer id recovers, so the producer is rebuilt.
 */
const sessionErrors = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'DUPLICATE_SEQUENCE_NUMBER',
  'INVALID_PRODUCER_EPOCH',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_ID_MAPPING',
]);

function brokeSession(err: unknown): boolean {
  // kafkajs wraps the protocol error (retries exceeded, non-retriable) in `cause`/`originalError`.
  for (let e = err as Record<string, unknown> | undefined, depth = 0; e && depth < 5; depth++) {
    if (typeof e.type === 'string' && sessionErrors.has(e.type)) return true;
    e = (e.originalError ?? e.cause) as Record<string, unknown> | undefined;
  }
  return false;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** kafkajs' idempotent producer behind `EventProducer`, connected on first send. */
class KafkaEventProducer implements EventProducer {
  private producer: Producer | null = null;
  private connecting: Promise<Producer> | null = null;
  private closed = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly ackTimeoutMs: number,
    private readonly onDisconnect: () => void,
  ) {}

  async send(topic: string, events: readonly OutgoingEvent[]): Promise<void> {
    if (this.closed) throw new KafkaSendError('producer is disconnected');
    let producer: Producer;
    try {
      producer = await this.connect();
    } catch (err) {
      throw new KafkaSendError(`kafka connect failed: ${message(err)}`, { cause: err });
    }
    try {
      await producer.send({
        topic,
        acks: -1,
        timeout: this.ackTimeoutMs,
        messages: events.map((e) => ({ key: e.key, value: e.value })),
      });
    } catch (err) {
      if (brokeSession(err)) await this.reset();
      throw new KafkaSendError(`kafka send to ${topic} failed: ${message(err)}`, { cause: err });
    }
  }

  async disconnect(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.connecting?.catch(() => undefined);
    await this.reset();
    this.onDisconnect();
  }

  private connect(): Promise<Producer> {
    if (this.producer) return Promise.resolve(this.producer);
    this.connecting ??= (async () => {
      const producer = this.kafka.producer({
        idempotent: true,
        // kafkajs requires one request in flight for idempotence; it also keeps batches in order.
        maxInFlightRequests: 1,
        // Topics come from infra: a typo must fail visibly, not create a topic.
        allowAutoTopicCreation: false,
        // Few retries inside kafkajs: the publisher keeps the events and backs off itself, and a
        // failed request rolls its sequence numbers back, so the resend is deduplicated.
        retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
      });
      try {
        await producer.connect();
      } catch (err) {
        await producer.disconnect().catch(() => undefined);
        throw err;
      }
      this.producer = producer;
      return producer;
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async reset(): Promise<void> {
    const producer = this.producer;
    this.producer = null;
    await producer?.disconnect().catch(() => undefined);
  }
}

export interface KafkaAdapterOptions {
  /** Broker-side wait for the in-sync replicas' acknowledgement of a send, ms. Default 10,000. */
  ackTimeoutMs?: number;
}

/**
 * The one place that knows kafkajs (barely maintained; DESIGN.md asks for a small adapter
 * so it can be replaced): a cluster probe for health checks, topic administration, an
 * idempotent producer and a consumer that commits after its handler.
 */
export class KafkaAdapter {
  /** Fails fast (no retries, short timeouts): health checks must answer quickly. */
  private readonly probe: Kafka;
  /** Producers, consumers and topic administration: a few retries ride out short hiccups. */
  private readonly client: Kafka;
  private readonly admins = new Map<Kafka, { admin: Admin | null; connecting: Promise<Admin> | null }>();
  private readonly open = new Set<{ close(): Promise<void> }>();
  private readonly ackTimeoutMs: number;

  constructor(brokers: string, clientId: string, options: KafkaAdapterOptions = {}) {
    const base: KafkaConfig = {
      clientId,
      brokers: brokers.split(',').map((b) => b.trim()),
      logLevel: logLevel.NOTHING,
    };
    this.probe = new Kafka({ ...base, connectionTimeout: 1000, requestTimeout: 2000, retry: { retries: 0 } });
    this.client = new Kafka({
      ...base,
      connectionTimeout: 3000,
      requestTimeout: 15_000,
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2_000 },
    });
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
  }

  /** Describes the cluster: `<n> broker(s), controller <id>`; throws when unreachable. */
  async describe(): Promise<string> {
    const cluster = await this.withAdmin(this.probe, (admin) => admin.describeCluster());
    return `${cluster.brokers.length} broker(s), controller ${cluster.controller}`;
  }

  /** Creates a topic and waits for its partition leaders; false when it already exists. */
  createTopic(topic: string, options: { partitions?: number } = {}): Promise<boolean> {
    return this.withAdmin(this.client, (admin) =>
      admin.createTopics({
        topics: [{ topic, numPartitions: options.partitions ?? 1 }],
        waitForLeaders: true,
        timeout: 10_000,
      }),
    );
  }

  deleteTopic(topic: string): Promise<void> {
    return this.withAdmin(this.client, (admin) => admin.deleteTopics({ topics: [topic], timeout: 10_000 }));
  }

  /** Number of partitions of an existing topic. */
  async partitionCount(topic: string): Promise<number> {
    const { topics } = await this.withAdmin(this.client, (admin) =>
      admin.fetchTopicMetadata({ topics: [topic] }),
    );
    return topics[0]?.partitions.length ?? 0;
  }

  /** An idempotent producer (acks = all, one request in flight), connected on its first send. */
  producer(): EventProducer {
    const producer = new KafkaEventProducer(this.client, this.ackTimeoutMs, () => this.open.delete(handle));
    const handle = { close: () => producer.disconnect() };
    this.open.add(handle);
    return producer;
  }

  /** Joins a consumer group and runs `handleBatch` for each fetched batch until `stop()`. */
  async consume(options: ConsumeOptions): Promise<EventConsumer> {
    const consumer = this.client.consumer({ groupId: options.groupId, allowAutoTopicCreation: false });
    await consumer.connect();
    let stopping: Promise<void> | undefined;
    const handle = {
      close: (): Promise<void> => {
        stopping ??= consumer.disconnect().finally(() => this.open.delete(handle));
        return stopping;
      },
    };
    try {
      await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? false });
      await consumer.run({
        // Resolve (and so commit) the batch's offsets only after the handler has resolved.
        eachBatchAutoResolve: false,
        autoCommit: true,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          if (!isRunning() || isStale()) return;
          if (batch.messages.length > 0) {
            await options.handleBatch(
              batch.messages.map((m) => ({
                topic: batch.topic,
                partition: batch.partition,
                offset: m.offset,
                key: m.key?.toString('utf8') ?? null,
                value: m.value?.toString('utf8') ?? null,
                timestamp: Number(m.timestamp),
              })),
              {
                topic: batch.topic,
                partition: batch.partition,
                highWatermark: batch.highWatermark,
                offsetLag: Number(batch.offsetLag()),
              },
            );
          }
          resolveOffset(batch.lastOffset());
          await heartbeat();
        },
      });
    } catch (err) {
      await consumer.disconnect().catch(() => undefined);
      throw err;
    }
    this.open.add(handle);
    return { stop: handle.close };
  }

  /** Disconnects the admins, and every producer and consumer made here. */
  async close(): Promise<void> {
    await Promise.all([...this.open].map((h) => h.close().catch(() => undefined)));
    await Promise.all([...this.admins.keys()].map((kafka) => this.resetAdmin(kafka)));
  }

  private async withAdmin<T>(kafka: Kafka, run: (admin: Admin) => Promise<T>): Promise<T> {
    try {
      return await run(await this.connectAdmin(kafka));
    } catch (err) {
      await this.resetAdmin(kafka);
      throw err;
    }
  }

  private connectAdmin(kafka: Kafka): Promise<Admin> {
    let slot = this.admins.get(kafka);
    if (!slot) {
      slot = { admin: null, connecting: null };
      this.admins.set(kafka, slot);
    }
    if (slot.admin) return Promise.resolve(slot.admin);
    const s = slot;
    s.connecting ??= (async () => {
      const admin = kafka.admin();
      await admin.connect();
      s.admin = admin;
      return admin;
    })().finally(() => {
      s.connecting = null;
    });
    return s.connecting;
  }

  private async resetAdmin(kafka: Kafka): Promise<void> {
    const slot = this.admins.get(kafka);
    const admin = slot?.admin;
    if (slot) slot.admin = null;
    await admin?.disconnect().catch(() => undefined);
  }
}
