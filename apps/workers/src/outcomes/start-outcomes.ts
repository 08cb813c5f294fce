import type { Repositories } from '@tradeplane/db';
import { joinInBackground, KafkaAdapter, type Logger, type Redis, type Registry } from '@tradeplane/platform';
import type { OutcomesProcessConfig } from '../config';
import type { BarsStoredSignal } from '../market-data/bars-stored';
import { OutcomeConsumer } from './outcome-consumer';

export interface RunningOutcomes {
  consumer: OutcomeConsumer;
  stop(): Promise<void>;
}

/**
 * Wires the outcome consumer: the engine's decisions topic, the ledger and bars in PostgreSQL,
 * the persister's bars-stored signal when this process has one, an idempotent producer for
 * dead letters, and the queue Redis (sample slots and the `outcomeRecorded` channel). Joining
 * the group is retried until Kafka answers, so the process starts while Kafka is coming up.
 */
export function startOutcomes(deps: {
  config: Pick<OutcomesProcessConfig, 'kafka' | 'outcomes'>;
  repos: Repositories;
  /** The queue Redis: SET NX sample slots and PUBLISH. */
  redis: Redis;
  barsStored?: BarsStoredSignal;
  metrics: Registry;
  log: Logger;
}): RunningOutcomes {
  const { outcomes: config, kafka: kafkaConfig } = deps.config;
  const log = deps.log.child({ scope: 'outcomes' });
  const kafka = new KafkaAdapter(kafkaConfig.KAFKA_BROKERS, `${kafkaConfig.KAFKA_CLIENT_ID}-outcomes`);
  const consumer = new OutcomeConsumer({
    kafka,
    deadLetters: kafka.producer(),
    store: deps.repos.outcomes,
    barsStored: deps.barsStored,
    topic: kafkaConfig.DECISION_EVENTS_TOPIC,
    groupId: config.OUTCOME_GROUP_ID,
    deadLetterTopic: config.OUTCOME_DLQ_TOPIC,
    costBps: config.OUTCOME_COST_BPS,
    sweepMs: config.OUTCOME_SWEEP_S * 1000,
    samplePerSecond: config.OUTCOME_SUBSCRIPTION_SAMPLE,
    claimSlot: async (slot, ttlMs) =>
      (await deps.redis.set(`tp:outcome-sample-slot:${slot}`, '1', 'PX', ttlMs, 'NX')) === 'OK',
    publish: (channel, message) => deps.redis.publish(channel, JSON.stringify(message)).then(() => undefined),
    metrics: deps.metrics,
    log,
  });
  return { consumer, ...joinInBackground(consumer, kafka, log, 'the decisions topic') };
}
