import type { Repositories } from '@tradeplane/db';
import { ForensicsModelCache, parseExecutionProviders, registryModelSource } from '@tradeplane/models';
import { joinInBackground, KafkaAdapter, type Logger, type Registry } from '@tradeplane/platform';
import { LocalDirectoryArtifactStore } from '@tradeplane/tracking';
import type { ForensicsProcessConfig } from '../config';
import { ForensicsConsumer } from './forensics-consumer';

export interface RunningForensics {
  consumer: ForensicsConsumer;
  stop(): Promise<void>;
}

/**
 * Wires the forensics consumer from its configuration: the decisions topic and Kafka of the
 * engine, the model registry and artifact store the engine loads from, one idempotent
 * producer for dead letters. Joining the group is retried until Kafka answers, so the
 * workers start (and run their jobs) while Kafka is still coming up.
 */
export function startForensics(deps: {
  /** The workers' or the stand-alone consumer's configuration (both carry these pieces). */
  config: Pick<ForensicsProcessConfig, 'kafka' | 'models' | 'tracking' | 'forensics'>;
  repos: Repositories;
  metrics: Registry;
  log: Logger;
}): RunningForensics {
  const { forensics: config, kafka: kafkaConfig, models: modelRuntime, tracking } = deps.config;
  const log = deps.log.child({ scope: 'forensics' });

  const kafka = new KafkaAdapter(kafkaConfig.KAFKA_BROKERS, `${kafkaConfig.KAFKA_CLIENT_ID}-forensics`);
  const models = new ForensicsModelCache(
    registryModelSource(deps.repos, new LocalDirectoryArtifactStore(tracking.TRACKING_ARTIFACT_DIR)),
    { executionProviders: parseExecutionProviders(modelRuntime.ENGINE_EXECUTION_PROVIDERS) },
    config.FORENSICS_MODEL_SETS,
  );
  const consumer = new ForensicsConsumer({
    kafka,
    deadLetters: kafka.producer(),
    store: deps.repos.forensics,
    models,
    topic: kafkaConfig.DECISION_EVENTS_TOPIC,
    groupId: config.FORENSICS_GROUP_ID,
    deadLetterTopic: config.FORENSICS_DLQ_TOPIC,
    metrics: deps.metrics,
    log,
  });

  const running = joinInBackground(consumer, kafka, log, 'the decisions topic');

  return {
    consumer,
    async stop() {
      await running.stop();
      await models.close();
    },
  };
}
