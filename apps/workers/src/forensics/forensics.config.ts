import { listenPort } from '@tradeplane/platform';
import { z } from 'zod';

/** The forensics consumer: explains every decision of DECISION_EVENTS_TOPIC. */
export const forensicsConfigSchema = z.object({
  /** Run the consumer inside the workers process (false: run `npm run forensics` on its own). */
  FORENSICS_ENABLED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Kafka consumer group: every decision is explained once per group. */
  FORENSICS_GROUP_ID: z.string().min(1).default('tradeplane-forensics'),
  /** Where malformed decision events go, with the reason. */
  FORENSICS_DLQ_TOPIC: z.string().min(1).default('decisions.dlq'),
  /** Model sets (distinct version combinations) kept loaded. */
  FORENSICS_MODEL_SETS: z.coerce.number().int().min(1).max(64).default(8),
  /** TCP port of /metrics and /healthz of the stand-alone consumer (`npm run forensics`). */
  FORENSICS_METRICS_PORT: listenPort.default(9465),
});
