import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  BufferedEventPublisher,
  SpoolLockedError,
  type BufferedPublisherOptions,
  type KafkaAdapter,
  type Logger,
  type Registry,
} from '@tradeplane/platform';
import type { DecisionEventsConfig } from '../config';

export interface DecisionEvents {
  publisher: BufferedEventPublisher;
  /** Set when the configured spill file was taken and a private one is in use. */
  spoolNote: string | null;
  /** Sends what it can, spills the rest; a private spill directory left empty is removed. */
  close(): Promise<void>;
}

/** Publisher options from the decision-events configuration (sender, metrics and logger aside). */
export function decisionEventsOptions(
  topic: string,
  config: DecisionEventsConfig,
): Omit<BufferedPublisherOptions, 'sender' | 'metrics' | 'logger'> {
  return {
    topic,
    spoolPath: path.resolve(config.DECISION_EVENTS_SPOOL_DIR, `events-${topic}.jsonl`),
    bufferCapacity: config.DECISION_EVENTS_BUFFER,
    batchMaxEvents: config.DECISION_EVENTS_BATCH_MAX,
    batchMaxBytes: config.DECISION_EVENTS_BATCH_BYTES,
    lingerMs: config.DECISION_EVENTS_LINGER_MS,
    backoffMinMs: config.DECISION_EVENTS_BACKOFF_MIN_MS,
    backoffMaxMs: config.DECISION_EVENTS_BACKOFF_MAX_MS,
  };
}

/**
 * Keyed by decision id, sent through an idempotent producer of `kafka`. Close the publisher
 * before the adapter (the adapter's `close()` disconnects the producer).
 */
function openPublisher(
  kafka: KafkaAdapter,
  topic: string,
  config: DecisionEventsConfig,
  metrics: Registry,
  logger: Logger,
): Promise<BufferedEventPublisher> {
  return BufferedEventPublisher.open({
    ...decisionEventsOptions(topic, config),
    sender: kafka.producer(),
    metrics,
    logger,
  });
}

/**
 * The decision-event publisher (topic DECISION_EVENTS_TOPIC, key = decision id): O(1)
 * `publish`, a 10k in-memory buffer, then a durable spill replayed in order.
 *
 * One spill file has one writer. When another live engine holds it (two engines started from
 * one directory, as tests do) this engine must still start: it spills to a private directory
 * instead and says so on /healthz, because what is left there is not replayed by the next
 * process on the configured directory.
 */
export async function openDecisionEvents(
  kafka: KafkaAdapter,
  topic: string,
  config: DecisionEventsConfig,
  metrics: Registry,
  log: Logger,
): Promise<DecisionEvents> {
  try {
    const publisher = await openPublisher(kafka, topic, config, metrics, log);
    return { publisher, spoolNote: null, close: () => publisher.close() };
  } catch (err) {
    if (!(err instanceof SpoolLockedError)) throw err;
    const dir = await mkdtemp(path.join(tmpdir(), 'tradeplane-decision-spool-'));
    const spoolNote = `${err.message}; spilling to ${dir}, which no later engine replays`;
    log.error({ spool: dir }, spoolNote);
    const publisher = await openPublisher(
      kafka,
      topic,
      { ...config, DECISION_EVENTS_SPOOL_DIR: dir },
      metrics,
      log,
    );
    return {
      publisher,
      spoolNote,
      async close() {
        await publisher.close();
        if (publisher.stats().unsent === 0) await rm(dir, { recursive: true, force: true });
      },
    };
  }
}
