import { z } from 'zod';

/** The bars persister: stores every bar of MARKET_DATA_TOPIC in `bars`. */
export const marketDataConfigSchema = z.object({
  /** Run the persister inside the workers process. */
  MARKET_DATA_PERSISTER_ENABLED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Kafka consumer group: every bar is stored once per group. */
  MARKET_DATA_GROUP_ID: z.string().min(1).default('tradeplane-bars-persister'),
  /** Where malformed bar events and bars of unknown symbols go, with the reason. */
  MARKET_DATA_DLQ_TOPIC: z.string().min(1).default('market-data.dlq'),
});
