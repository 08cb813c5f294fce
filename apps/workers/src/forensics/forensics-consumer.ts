/**
 * The forensics consumer: a Kafka consumer group on the `decisions` topic that explains every
 * decision (packages/models/src/explain) and stores it by decision id.
 *
 * Delivery: kafkajs commits a batch's offsets only after `handleBatch` resolves, so a crash
 * replays from the last commit (at least once); the store skips ids already stored
 * (ON CONFLICT DO NOTHING), so a redelivered event changes nothing — together, each decision
 * is stored exactly once. A batch that cannot be stored (PostgreSQL down) rejects: kafkajs
 * restarts the consumer from the last commit and the batch is retried, nothing is skipped.
 *
 * Outcomes per event:
 *   - explained: stored with its explanation;
 *   - failed: a valid decision whose models cannot be rerun (a version no longer registered,
 *     a signature that does not fit): stored with the reason, so a lookup says why;
 *   - dead-lettered: not a decision (not JSON, fails the contract): sent to the dead-letter
 *     topic with the reason, and the consumer goes on;
 *   - duplicate: already stored.
 * Lag: messages behind each partition's high watermark, and the age of the newest decision
 * handled, as gauges on /metrics.
 */
import {
  parseDecisionEvent,
  type DeadLetter,
  type DecisionEvent,
  type ForensicsExplanation,
} from '@tradeplane/contracts';
import type { ForensicsRepository, ForensicsRow } from '@tradeplane/db';
import {
  ExplanationError,
  explainDecisions,
  ModelArtifactError,
  ModelError,
  type ForensicsModelCache,
} from '@tradeplane/models';
import {
  Histogram,
  TopicConsumer,
  type BatchPosition,
  type ConsumedEvent,
  type TopicConsumerDeps,
} from '@tradeplane/platform';
import { ArtifactStoreError } from '@tradeplane/tracking';

export interface ForensicsConsumerOptions extends TopicConsumerDeps {
  store: Pick<ForensicsRepository, 'storeMany'>;
  models: Pick<ForensicsModelCache, 'forDecision'>;
}

export class ForensicsConsumer {
  private readonly consumer: TopicConsumer;
  private readonly delay: Histogram;
  private readonly publishDelay: Histogram;
  private readonly explainSeconds: Histogram;
  /** Totals since start, for tests and logs. */
  readonly stats = { explained: 0, failed: 0, deadLettered: 0, duplicates: 0, batches: 0 };

  constructor(private readonly options: ForensicsConsumerOptions) {
    this.consumer = new TopicConsumer({
      ...options,
      handleBatch: (events, position) => this.handleBatch(events, position),
      // The decisions topic has 3 partitions: one's insert overlaps another's explanation.
      partitionsConsumedConcurrently: 3,
      metricText: {
        events: {
          name: 'tp_forensics_events_total',
          help: 'Decision events handled by the forensics consumer, by outcome (explained, failed, dead_lettered, duplicate)',
        },
        lagMessages: {
          name: 'tp_forensics_consumer_lag_messages',
          help: 'Messages of the decisions topic behind the high watermark, per partition, after the last batch',
        },
        lagSeconds: {
          name: 'tp_forensics_consumer_lag_seconds',
          help: 'Age of the newest decision of the last stored batch when it was stored',
        },
      },
    });
    const registers = [options.metrics];
    this.delay = new Histogram({
      name: 'tp_forensics_explanation_delay_seconds',
      help: 'Decision made (its id timestamp) → explanation stored',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.publishDelay = new Histogram({
      name: 'tp_forensics_publish_delay_seconds',
      help: 'Decision made → appended to Kafka (the message timestamp): the engine side of the explanation delay',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.explainSeconds = new Histogram({
      name: 'tp_forensics_explain_batch_seconds',
      help: 'Time to explain one fetched batch (ONNX Runtime reruns), before storing it',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    });
  }

  /** Joins the group (from the oldest message when the group is new). */
  async start(): Promise<void> {
    if (!(await this.consumer.start())) return;
    this.options.log.info(
      { topic: this.options.topic, groupId: this.options.groupId, deadLetters: this.options.deadLetterTopic },
      'forensics consumer started',
    );
  }

  /** Finishes the batch in hand and leaves the group. */
  stop(): Promise<void> {
    return this.consumer.stop();
  }

  /** One partition's batch. Public for tests. */
  async handleBatch(batch: readonly ConsumedEvent[], position?: BatchPosition): Promise<void> {
    const decisions: Array<{ event: DecisionEvent; json: string }> = [];
    const dead: DeadLetter[] = [];
    for (const message of batch) {
      const parsed = parseDecisionEvent(message.value);
      let reason = parsed.ok ? null : parsed.reason;
      if (parsed.ok && message.key !== null && message.key !== parsed.event.id)
        reason = `key '${message.key}' is not the decision id '${parsed.event.id}'`;
      if (reason === null && parsed.ok) {
        decisions.push({ event: parsed.event, json: message.value! });
        this.publishDelay.observe(Math.max(0, message.timestamp - parsed.event.at) / 1000);
      } else dead.push(this.consumer.deadLetter(message, reason ?? 'invalid'));
    }

    const started = performance.now();
    const rows = await this.explain(decisions);
    this.explainSeconds.observe((performance.now() - started) / 1000);

    // Dead letters first: once the rows are stored the offsets may be committed.
    // Not `+= await`: that reads the total before the send, while another partition adds to it.
    const deadLettered = await this.consumer.sendDeadLetters(dead, 'dead-lettered malformed decision events');
    this.stats.deadLettered += deadLettered;

    const stored = new Set(await this.options.store.storeMany(rows));
    const now = this.consumer.clock();
    let explained = 0;
    let failed = 0;
    let newest = 0;
    for (const row of rows) {
      if (!stored.has(row.decision.id)) continue;
      if (row.explanation) explained++;
      else failed++;
      const decidedAt = row.decision.at;
      newest = Math.max(newest, decidedAt);
      this.delay.observe(Math.max(0, now - decidedAt) / 1000);
    }
    const duplicates = rows.length - stored.size;
    this.consumer.count('explained', explained);
    this.consumer.count('failed', failed);
    this.consumer.count('duplicate', duplicates);
    this.stats.explained += explained;
    this.stats.failed += failed;
    this.stats.duplicates += duplicates;
    this.stats.batches++;
    this.consumer.recordLag(position, newest);
  }

  /**
   * Explains the decisions, grouped by the model set they used (one ONNX Runtime batch per
   * set). Models that cannot be loaded or do not fit make `failed` rows; anything else (the
   * registry unreachable) rejects, and the batch is retried.
   */
  private async explain(
    decisions: ReadonlyArray<{ event: DecisionEvent; json: string }>,
  ): Promise<ForensicsRow[]> {
    const groups = new Map<string, Array<{ event: DecisionEvent; json: string }>>();
    for (const d of decisions) {
      const key = JSON.stringify(d.event.models.versions);
      const group = groups.get(key);
      if (group) group.push(d);
      else groups.set(key, [d]);
    }
    const rows: ForensicsRow[] = [];
    for (const group of groups.values()) {
      let explanations: ForensicsExplanation[] | null = null;
      let failureReason: string | null = null;
      try {
        const set = await this.options.models.forDecision(group[0]!.event);
        explanations = explainDecisions(
          set,
          group.map((d) => d.event),
        );
      } catch (err) {
        if (!isPermanent(err)) throw err;
        failureReason = `cannot rerun the decision's models: ${(err as Error).message}`;
        this.options.log.error({ err, decisions: group.length }, 'decisions stored without explanation');
      }
      group.forEach((d, i) =>
        rows.push({
          decision: d.event,
          decisionJson: d.json,
          explanation: explanations?.[i] ?? null,
          failureReason,
        }),
      );
    }
    return rows;
  }
}

/** Errors no retry can fix: the versions are gone or do not fit the decision. */
function isPermanent(err: unknown): boolean {
  return (
    err instanceof ModelArtifactError ||
    err instanceof ExplanationError ||
    err instanceof ModelError ||
    err instanceof ArtifactStoreError
  );
}
