import type { Repositories } from '@tradeplane/db';
import {
  joinInBackground,
  KafkaAdapter,
  type KafkaConfig,
  type Logger,
  type Registry,
} from '@tradeplane/platform';
import type { z } from 'zod';
import { BarsPersister } from './bars-persister';
import type { BarsStoredSignal } from './bars-stored';
import type { marketDataConfigSchema } from './market-data.config';

export interface RunningBarsPersister {
  persister: BarsPersister;
  stop(): Promise<void>;
}

/**
 * Wires the bars persister: the market-data topic of the engine, one idempotent producer for
 * dead letters, the `bars` table. Joining the group is retried until Kafka answers, so the
 * workers start (and run their jobs) while Kafka is still coming up.
 */
export function startBarsPersister(deps: {
  config: { kafka: KafkaConfig; marketData: z.infer<typeof marketDataConfigSchema> };
  repos: Repositories;
  stored: BarsStoredSignal;
  metrics: Registry;
  log: Logger;
}): RunningBarsPersister {
  const { kafka: kafkaConfig, marketData: config } = deps.config;
  const log = deps.log.child({ scope: 'market-data' });
  const kafka = new KafkaAdapter(kafkaConfig.KAFKA_BROKERS, `${kafkaConfig.KAFKA_CLIENT_ID}-bars-persister`);
  const persister = new BarsPersister({
    kafka,
    deadLetters: kafka.producer(),
    bars: deps.repos.bars,
    instruments: deps.repos.instruments,
    stored: deps.stored,
    topic: kafkaConfig.MARKET_DATA_TOPIC,
    groupId: config.MARKET_DATA_GROUP_ID,
    deadLetterTopic: config.MARKET_DATA_DLQ_TOPIC,
    metrics: deps.metrics,
    log,
  });
  return {
    persister,
    ...joinInBackground(persister, kafka, log, `the ${kafkaConfig.MARKET_DATA_TOPIC} topic`),
  };
}
