import { listenPort } from '@tradeplane/platform';
import { z } from 'zod';

/** The outcome ledger's consumer of DECISION_EVENTS_TOPIC. */
export const outcomesConfigSchema = z.object({
  /** Run the consumer inside the workers process (false: run `npm run outcomes` on its own). */
  OUTCOMES_ENABLED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Kafka consumer group: every decision is booked once per group. */
  OUTCOME_GROUP_ID: z.string().min(1).default('tradeplane-outcomes'),
  /** Where malformed decision events go, with the reason (apart from the forensics letters). */
  OUTCOME_DLQ_TOPIC: z.string().min(1).default('decisions.outcomes.dlq'),
  /** Trading cost in basis points per unit of turnover |target − current|; stored on each row. */
  OUTCOME_COST_BPS: z.coerce.number().min(0).max(1_000).default(5),
  /** Seconds between sweeps of the rows waiting for their next bar (the bars-stored signal is a nudge). */
  OUTCOME_SWEEP_S: z.coerce.number().min(0.1).max(3_600).default(5),
  /** Most recorded decisions per second published to the `outcomeRecorded` subscription, all workers together. */
  OUTCOME_SUBSCRIPTION_SAMPLE: z.coerce.number().min(0.1).max(1_000).default(10),
  /** TCP port of /metrics and /healthz of the stand-alone consumer (`npm run outcomes`). */
  OUTCOME_METRICS_PORT: listenPort.default(9466),
});
