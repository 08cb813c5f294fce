import { parseDecisionEvent, type DecisionEvent } from '@tradeplane/contracts';
import {
  Counter,
  retryJoin,
  type ConsumedEvent,
  type EventConsumer,
  type KafkaAdapter,
  type Logger,
  type Registry,
  type RetriedJoin,
  SlotSampler,
} from '@tradeplane/platform';
import type { DecisionMirror } from './decision-mirror';

/** Redis pub/sub channel of the sampled decisions (gateway to gateway; payload: DecisionEvent JSON). */
export const DECISION_SAMPLED_CHANNEL = 'tp:decision-sampled';

/** Decisions parsed between two yields to the event loop. */
const PARSE_SLICE = 50;

export interface DecisionStreamOptions {
  kafka: Pick<KafkaAdapter, 'consume'>;
  topic: string;
  /** A group of this process alone: every replica sees every decision, starting from the latest. */
  groupId: string;
  mirror: Pick<DecisionMirror, 'add'>;
  samplePerSecond: number;
  /** Claims a sample slot for all replicas (SET NX with a short expiry); true when this one got it. */
  claimSlot(slot: number, ttlMs: number): Promise<boolean>;
  publish(channel: string, payload: DecisionEvent): Promise<void>;
  metrics?: Registry;
  logger: Logger;
  clock?: () => number;
}

/** How often an invalid event is logged at most; the rest are counted. */
const INVALID_LOG_EVERY_MS = 10_000;

/**
 * The gateway's one consumer of the `decisions` topic. Each event is validated against the
 * contract (an invalid one is counted and logged, never fatal), mirrored into Redis, and a
 * sample of at most `samplePerSecond` per second goes to the pub/sub channel behind the
 * `decisionSampled` subscription. Joining Kafka runs in the background with retries, so the
 * gateway starts (and stays up) while Kafka is down.
 */
export class DecisionStream {
  private readonly sampler: SlotSampler;
  private readonly clock: () => number;
  private readonly log: Logger;
  private readonly events: Counter<'outcome'>;
  private readonly sampled: Counter;
  private consumer: EventConsumer | null = null;
  private joining: RetriedJoin | null = null;
  private stopped = false;
  private lastInvalidLog = -Infinity;
  private invalidSinceLog = 0;
  private markReady!: () => void;
  /** Resolves once the consumer has joined its group (tests wait on it). */
  readonly ready = new Promise<void>((resolve) => (this.markReady = resolve));

  constructor(private readonly options: DecisionStreamOptions) {
    this.sampler = new SlotSampler(options.samplePerSecond);
    this.clock = options.clock ?? Date.now;
    this.log = options.logger.child({ scope: 'decision-stream' });
    const registers = options.metrics ? [options.metrics] : [];
    this.events = new Counter({
      name: 'tp_gateway_decision_events_total',
      help: 'Decision events consumed from Kafka, by outcome (stored, duplicate, invalid, unstored)',
      labelNames: ['outcome'],
      registers,
    });
    this.sampled = new Counter({
      name: 'tp_gateway_decisions_sampled_total',
      help: 'Decisions published to the decisionSampled subscription',
      registers,
    });
  }

  /** Starts consuming in the background; a failed join is retried until `stop()`. */
  start(): void {
    this.joining ??= retryJoin(() => this.join(), this.log, 'the decisions topic');
  }

  /** Leaves the group and waits for the batch in hand. Safe to call twice. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.joining?.stop();
    const consumer = this.consumer;
    this.consumer = null;
    await consumer?.stop();
  }

  /** One partition's batch: validate, mirror, sample. Public for tests. */
  async handleBatch(batch: readonly ConsumedEvent[]): Promise<void> {
    const valid: DecisionEvent[] = [];
    for (let i = 0; i < batch.length; i++) {
      // A batch holds hundreds of decisions at 2,000/s: let the requests waiting on this
      // event loop (forensics lookups, GraphQL) in between slices of parsing.
      if (i > 0 && i % PARSE_SLICE === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      const event = this.parse(batch[i]!);
      if (event) valid.push(event);
    }
    if (valid.length === 0) return;

    let fresh: DecisionEvent[];
    try {
      fresh = await this.options.mirror.add(valid);
      this.events.inc({ outcome: 'stored' }, fresh.length);
      this.events.inc({ outcome: 'duplicate' }, valid.length - fresh.length);
    } catch (err) {
      // The mirror is a cache: while it is unreachable the live stream goes on without it.
      this.events.inc({ outcome: 'unstored' }, valid.length);
      this.log.warn({ err, events: valid.length }, 'could not mirror decisions into Redis');
      fresh = valid;
    }
    // Another replica (or an earlier delivery) stored the rest and samples them itself.
    const newest = fresh.at(-1);
    if (newest) await this.sample(newest);
  }

  private parse(message: ConsumedEvent): DecisionEvent | null {
    const parsed = parseDecisionEvent(message.value);
    if (parsed.ok) return parsed.event;
    const issue = parsed.reason;
    this.events.inc({ outcome: 'invalid' });
    this.invalidSinceLog++;
    const now = this.clock();
    if (now - this.lastInvalidLog >= INVALID_LOG_EVERY_MS) {
      this.log.warn(
        {
          partition: message.partition,
          offset: message.offset,
          key: message.key,
          issue,
          invalidSinceLastLog: this.invalidSinceLog,
        },
        'skipped an invalid decision event',
      );
      this.lastInvalidLog = now;
      this.invalidSinceLog = 0;
    }
    return null;
  }

  private async sample(event: DecisionEvent): Promise<void> {
    const slot = this.sampler.take(this.clock());
    if (slot === null) return;
    try {
      if (!(await this.options.claimSlot(slot, Math.ceil(this.sampler.slotMs * 2)))) return;
      await this.options.publish(DECISION_SAMPLED_CHANNEL, event);
      this.sampled.inc();
    } catch (err) {
      // Offsets still advance: a missed sample is not worth replaying the batch for.
      this.log.warn({ err, decisionId: event.id }, 'could not publish a sampled decision');
    }
  }

  private async join(): Promise<void> {
    const consumer = await this.options.kafka.consume({
      groupId: this.options.groupId,
      topics: [this.options.topic],
      fromBeginning: false,
      handleBatch: (batch) => this.handleBatch(batch),
    });
    if (this.stopped) return consumer.stop();
    this.consumer = consumer;
    this.log.info({ topic: this.options.topic, groupId: this.options.groupId }, 'consuming decisions');
    this.markReady();
  }
}
