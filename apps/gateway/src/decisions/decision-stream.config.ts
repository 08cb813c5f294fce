import { z } from 'zod';

/** The gateway's live view of decisions: a Redis mirror of recent ones and a sampled stream. */
export const decisionStreamConfigSchema = z.object({
  /** Kafka topic the engine publishes decisions to (the engine reads the same variable). */
  DECISION_EVENTS_TOPIC: z.string().min(1).default('decisions'),
  /** Decisions kept in the Redis mirror for `recentDecisions` and `decision(id)`, per list. */
  DECISION_MIRROR_SIZE: z.coerce.number().int().min(1).max(100_000).default(2_000),
  /** Seconds a mirrored decision stays in Redis. */
  DECISION_MIRROR_TTL_S: z.coerce.number().int().min(60).default(86_400),
  /** Most decisions per second on the `decisionSampled` subscription, all gateway replicas together. */
  DECISION_SAMPLE_PER_S: z.coerce.number().min(0.1).max(1_000).default(10),
});
export type DecisionStreamConfig = z.infer<typeof decisionStreamConfigSchema>;
