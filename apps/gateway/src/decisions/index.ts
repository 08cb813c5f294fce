import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { KafkaAdapter, Logger, Redis, Registry } from '@tradeplane/platform';
import type { RedisPubSub } from 'graphql-redis-subscriptions';
import { DecisionMirror } from './decision-mirror';
import type { DecisionStreamConfig } from './decision-stream.config';
import { DecisionStream } from './decision-stream';

export { DECISION_ID_FORMAT, parseDecisionId } from './decision-id';
export { DecisionMirror } from './decision-mirror';
export { DECISION_SAMPLED_CHANNEL, DecisionStream } from './decision-stream';
export { decisionStreamConfigSchema, type DecisionStreamConfig } from './decision-stream.config';

/**
 * The gateway's decision stream over its connections: the mirror lives in the cache Redis
 * (evictable, TTL'd), sample slots and the sampled channel on the queue Redis next to the
 * other subscriptions. Call `stream.start()`; stop it before closing Kafka.
 */
export function openDecisionStream(deps: {
  config: DecisionStreamConfig;
  /** The topic the engine publishes decisions to (DECISION_EVENTS_TOPIC). */
  topic: string;
  kafka: KafkaAdapter;
  kafkaClientId: string;
  redisCache: Redis;
  redisQueue: Redis;
  pubsub: RedisPubSub;
  metrics: Registry;
  logger: Logger;
}): { mirror: DecisionMirror; stream: DecisionStream } {
  const { config } = deps;
  const mirror = new DecisionMirror(deps.redisCache, {
    size: config.DECISION_MIRROR_SIZE,
    ttlS: config.DECISION_MIRROR_TTL_S,
  });
  const stream = new DecisionStream({
    kafka: deps.kafka,
    topic: deps.topic,
    // Per process: each replica keeps up with the newest decisions on its own, nothing to resume.
    groupId: `${deps.kafkaClientId}-gateway-decisions-${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
    mirror,
    samplePerSecond: config.DECISION_SAMPLE_PER_S,
    claimSlot: async (slot, ttlMs) =>
      (await deps.redisQueue.set(`tp:decision-sample-slot:${slot}`, '1', 'PX', ttlMs, 'NX')) === 'OK',
    publish: (channel, payload) => deps.pubsub.publish(channel, payload),
    metrics: deps.metrics,
    logger: deps.logger,
  });
  return { mirror, stream };
}
