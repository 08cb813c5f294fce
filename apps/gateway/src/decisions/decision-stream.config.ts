import { z } from 'zod';

/**
 * The gateway's live view of decisions (of DECISION_EVENTS_TOPIC, in the shared Kafka piece):
 * a Redis mirror of recent ones and a sampled stream.
 */
export const decisionStreamConfigSchema = z.object({
  /** Decisions kept in the Redis mirror for `recentDecisions` and `decision(id)`, per list. */
  DECISION_MIRROR_SIZE: z.coerce.number().int().min(1).max(100_000).default(2_000),
  /** Seconds a mirrored decision stays in Redis. */
  DECISION_MIRROR_TTL_S: z.coerce.number().int().min(60).default(86_400),
  /** Most decisions per second on the `decisionSampled` subscription, all gateway replicas together. */
  DECISION_SAMPLE_PER_S: z.coerce.number().min(0.1).max(1_000).default(10),
});
export type DecisionStreamConfig = z.infer<typeof decisionStreamConfigSchema>;
