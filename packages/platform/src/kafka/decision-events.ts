import path from 'node:path';

import type { Registry } from 'prom-client';

import type { DecisionEventsConfig } from '../config';
import type { Logger } from '../logging';
import { BufferedEventPublisher, type BufferedPublisherOptions } from './buffered-publisher';
import type { KafkaAdapter } from './kafka';

/** Publisher options from the decision-events configuration (sender, metrics and logger aside). */
export function decisionEventsOptions(
  config: DecisionEventsConfig,
): Omit<BufferedPublisherOptions, 'sender' | 'metrics' | 'logger'> {
  const topic = config.DECISION_EVENTS_TOPIC;
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
 * The engine's decision-event publisher: keyed by decision id, sent through an idempotent
 * producer of `kafka`. Close the publisher before the adapter (the adapter's `close()`
 * disconnects the producer).
 */
export function openDecisionEventPublisher(deps: {
  kafka: KafkaAdapter;
  config: DecisionEventsConfig;
  metrics?: Registry;
  logger?: Logger;
}): Promise<BufferedEventPublisher> {
  return BufferedEventPublisher.open({
    ...decisionEventsOptions(deps.config),
    sender: deps.kafka.producer(),
    metrics: deps.metrics,
    logger: deps.logger,
  });
}
